import type { BackendAttempt } from '../../src/types';
import type { OrtModule } from './OrtModule';
import type { BackendModel, BackendName, ScoringBackend } from './ScoringBackend';
import { createJsInt8Backend } from './createJsInt8Backend';
import { createWasmBackend } from './createWasmBackend';
import { supportsWasmSimd } from './supportsWasmSimd';

/** Which backend to use: `auto` picks the best one that runs here. */
export type BackendPreference = 'auto' | BackendName;

/** The chosen backend, with every attempt that led there. */
export interface BackendSelection {
  readonly backend: ScoringBackend;
  readonly attempts: readonly BackendAttempt[];
  /** One sentence for `status()`: what runs and why. */
  readonly reason: string;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  readonly preference?: BackendPreference;
  /** How to load onnxruntime-web if `wasm` is tried (see `loadOrtInClassicWorker`). */
  readonly ortRuntimeLoader?: () => Promise<OrtModule>;
  /** ORT wasm threads (only helps when crossOriginIsolated). @defaultValue 1 */
  readonly ortThreads?: number;
}

/**
 * Chooses the scoring backend once, at start-up, by capability checks in priority order
 * (`wasm`, then `js`), loading the model into each candidate until one works. Every failure is
 * recorded and reported (`status().backendAttempts`), never thrown: the `js` int8 kernel runs on
 * every engine, so the device always ends up with a working backend. ORT is only loaded after the
 * SIMD check passed, so legacy engines never download it. (A `webgpu` tier is planned; a WebGPU
 * preference currently falls back with a recorded reason.)
 *
 * @example
 * ```ts
 * const { backend, reason } = await selectBackend({ factors, onnxModel }, { ortRuntimeLoader });
 * ```
 */
export async function selectBackend(model: BackendModel, options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const preference = options.preference ?? 'auto';
  const attempts: BackendAttempt[] = [];
  const order: BackendName[] = preference === 'js' ? ['js'] : preference === 'webgpu' ? ['webgpu', 'wasm', 'js'] : ['wasm', 'js'];
  for (const name of order) {
    if (name === 'webgpu') {
      attempts.push({ backend: 'webgpu', ok: false, reason: 'this build has no WebGPU backend yet' });
      continue;
    }
    if (name === 'wasm') {
      if (!supportsWasmSimd()) {
        attempts.push({ backend: 'wasm', ok: false, reason: 'no WebAssembly SIMD on this engine (ORT needs it)' });
        continue;
      }
      const backend = createWasmBackend({ runtimeLoader: options.ortRuntimeLoader, numThreads: options.ortThreads ?? 1 });
      try {
        await backend.load(model);
        attempts.push({ backend: 'wasm', ok: true, reason: 'WebAssembly SIMD available; onnxruntime-web loaded' });
        return { backend, attempts, reason: 'wasm: onnxruntime-web with WebAssembly SIMD' };
      } catch (error) {
        await backend.dispose().catch(() => undefined);
        attempts.push({ backend: 'wasm', ok: false, reason: `onnxruntime-web failed to initialise: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
    }
    const backend = createJsInt8Backend();
    await backend.load(model);
    attempts.push({ backend: 'js', ok: true, reason: 'TypeScript int8 kernel (runs everywhere)' });
    const failed = attempts.filter((attempt) => !attempt.ok);
    return { backend, attempts, reason: failed.length > 0 ? `js: ${failed.map((a) => `${a.backend} unavailable (${a.reason})`).join('; ')}` : 'js: requested' };
  }
  // Unreachable: `js` is always last and always loads.
  throw new Error('no scoring backend');
}
