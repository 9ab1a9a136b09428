import type { BackendAttempt, BackendPreference } from '../../models/contract/types';
import type { OrtModule } from './OrtModule';
import type { BackendModel, BackendName, ScoringBackend } from '../../models/scoring/ScoringBackend';
import { createJsInt8Backend, screeningThreadsFor } from '../../models/scoring/createJsInt8Backend';
import type { ScreeningHelperPort } from '../../models/scoring/parallel/screeningHelperMessages';
import { createWasmBackend } from './createWasmBackend';
import { findWebGpuAdapter } from './findWebGpuAdapter';
import { measureTopK } from './measureTopK';
import { supportsWasmSimd } from './supportsWasmSimd';

export type { BackendPreference };

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
  /**
   * How to load ORT's WebGPU build (`ort.webgpu.min.js`, which runs the `wasm` provider as well)
   * when a WebGPU adapter exists. Without it there is no `webgpu` attempt.
   */
  readonly ortWebGpuRuntimeLoader?: () => Promise<OrtModule>;
  /** ORT wasm threads, from `resolveOrtThreads` (more than 1 needs `crossOriginIsolated`). @defaultValue 1 */
  readonly ortThreads?: number;
  /** Why that many threads (`resolveOrtThreads`'s reason), for the status line. */
  readonly ortThreadsReason?: string;
  /** Threads the `js` kernel screens on, from `resolveJsThreads` (more than 1 needs `spawnScreeningHelper`). @defaultValue 1 */
  readonly jsThreads?: number;
  /** Why that many (`resolveJsThreads`'s reason), for the status line. */
  readonly jsThreadsReason?: string;
  /** Starts one screening helper worker for the `js` kernel (see `spawnScreeningHelperWorker`). */
  readonly spawnScreeningHelper?: () => ScreeningHelperPort;
  /** Finds the WebGPU adapter; tests inject their own. @defaultValue {@link findWebGpuAdapter} */
  readonly findWebGpuAdapter?: () => Promise<string | undefined>;
}

/**
 * Chooses the scoring backend by capability checks, loading the model into each candidate until
 * one works. Every failure is recorded and reported (`status().backendAttempts`), never thrown:
 * the `js` int8 kernel runs on every engine, so the device always ends up with a working backend.
 *
 * - ORT tiers need WebAssembly SIMD; without it nothing of ORT is downloaded.
 * - `webgpu` is tried only where a WebGPU adapter exists (and an ORT WebGPU loader was given).
 *   With `auto` it is kept only when it measures faster than `wasm` on this model (median of a
 *   few top-20 queries each: a fallback adapter such as SwiftShader, or an integrated GPU behind
 *   a slow readback, is often slower than the CPU); the loser is released.
 * - `wasm`: onnxruntime-web on the CPU. `js`: the TypeScript int8 kernel, last.
 *
 * @example
 * ```ts
 * const { backend, reason } = await selectBackend({ factors }, { ortRuntimeLoader, ortWebGpuRuntimeLoader });
 * ```
 */
export async function selectBackend(model: BackendModel, options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const preference = options.preference ?? 'auto';
  const attempts: BackendAttempt[] = [];
  if (preference !== 'js') {
    if (!supportsWasmSimd()) {
      const reason = typeof WebAssembly === 'object' ? 'no WebAssembly SIMD on this engine (ORT needs it)' : 'no WebAssembly on this engine (ORT needs it, with SIMD)';
      attempts.push({ backend: 'wasm', ok: false, reason });
    } else {
      const webgpu = preference === 'wasm' ? undefined : await loadWebGpu(model, options, attempts);
      if (webgpu && preference === 'webgpu') return { backend: webgpu.backend, attempts, reason: `webgpu: requested; onnxruntime-web on ${webgpu.adapter}` };
      const wasm = await loadOrtBackend('wasm', model, options.ortRuntimeLoader, options, attempts);
      if (webgpu && wasm) return chooseFaster(webgpu, wasm, model.factors.dims, attempts, options);
      if (webgpu) return { backend: webgpu.backend, attempts, reason: `webgpu: onnxruntime-web on ${webgpu.adapter} (wasm failed)` };
      if (wasm) return { backend: wasm, attempts, reason: `wasm: onnxruntime-web with WebAssembly SIMD, ${describeThreads(wasm, options)}` };
    }
  }
  const jsThreads = options.spawnScreeningHelper ? (options.jsThreads ?? 1) : 1;
  const backend = createJsInt8Backend({ threads: jsThreads, spawnHelper: options.spawnScreeningHelper });
  await backend.load(model);
  attempts.push({ backend: 'js', ok: true, reason: 'TypeScript int8 kernel (runs everywhere)' });
  const failed = attempts.filter((attempt) => !attempt.ok);
  const why = failed.length > 0 ? failed.map((a) => `${a.backend} unavailable (${a.reason})`).join('; ') : 'requested';
  const planned = screeningThreadsFor(jsThreads, model.factors.rows);
  const threads =
    planned < jsThreads
      ? `${planned === 1 ? '1 thread' : `${planned} threads`} (${model.factors.rows} rows are too few to split ${jsThreads} ways)`
      : (options.jsThreadsReason ?? (jsThreads === 1 ? '1 thread' : `${jsThreads} threads`));
  return { backend, attempts, reason: `js: ${why}; screening on ${threads}` };
}

/** The `webgpu` backend where an adapter exists and ORT's WebGPU build starts, else undefined (recorded). */
async function loadWebGpu(model: BackendModel, options: SelectBackendOptions, attempts: BackendAttempt[]): Promise<{ backend: ScoringBackend; adapter: string } | undefined> {
  if (!options.ortWebGpuRuntimeLoader) {
    attempts.push({ backend: 'webgpu', ok: false, reason: 'no ORT WebGPU build configured' });
    return undefined;
  }
  const adapter = await (options.findWebGpuAdapter ?? findWebGpuAdapter)();
  if (!adapter) {
    attempts.push({ backend: 'webgpu', ok: false, reason: 'no WebGPU adapter on this engine' });
    return undefined;
  }
  const backend = await loadOrtBackend('webgpu', model, options.ortWebGpuRuntimeLoader, options, attempts);
  return backend && { backend, adapter };
}

/** Loads one ORT backend; records the attempt; undefined when it failed. */
async function loadOrtBackend(
  provider: 'wasm' | 'webgpu',
  model: BackendModel,
  runtimeLoader: (() => Promise<OrtModule>) | undefined,
  options: SelectBackendOptions,
  attempts: BackendAttempt[],
): Promise<ScoringBackend | undefined> {
  const backend = createWasmBackend({ runtimeLoader, numThreads: options.ortThreads ?? 1, executionProvider: provider });
  try {
    await backend.load(model);
    attempts.push({
      backend: provider,
      ok: true,
      reason: provider === 'wasm' ? 'WebAssembly SIMD available; onnxruntime-web loaded' : 'WebGPU adapter available; onnxruntime-web WebGPU loaded',
    });
    return backend;
  } catch (error) {
    await backend.dispose().catch(() => undefined);
    attempts.push({ backend: provider, ok: false, reason: `onnxruntime-web failed to initialise: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}

/** Times both on this model and keeps the faster; the other is released. */
async function chooseFaster(
  webgpu: { backend: ScoringBackend; adapter: string },
  wasm: ScoringBackend,
  dims: number,
  attempts: BackendAttempt[],
  options: SelectBackendOptions,
): Promise<BackendSelection> {
  const gpuMs = await measureTopK(webgpu.backend, dims);
  const cpuMs = await measureTopK(wasm, dims);
  const timing = `top-20 mean: webgpu ${gpuMs.toFixed(3)} ms, wasm ${cpuMs.toFixed(3)} ms`;
  const gpuWins = gpuMs < cpuMs;
  attempts.push({ backend: 'webgpu', ok: gpuWins, reason: gpuWins ? `faster than wasm (${timing})` : `slower than wasm here, released (${timing})` });
  await (gpuWins ? wasm : webgpu.backend).dispose().catch(() => undefined);
  return gpuWins
    ? { backend: webgpu.backend, attempts, reason: `webgpu: onnxruntime-web on ${webgpu.adapter}, measured faster than wasm (${timing})` }
    : {
        backend: wasm,
        attempts,
        reason: `wasm: onnxruntime-web with WebAssembly SIMD, ${describeThreads(wasm, options)}, measured faster than webgpu on ${webgpu.adapter} (${timing})`,
      };
}

/** "2 threads (cross-origin isolated, 2 cores)", or what ORT actually started when it differs. */
function describeThreads(backend: ScoringBackend, options: SelectBackendOptions): string {
  const threads = backend.threads ?? 1;
  const requested = options.ortThreads ?? 1;
  if (threads === requested && options.ortThreadsReason) return options.ortThreadsReason;
  const count = threads === 1 ? '1 thread' : `${threads} threads`;
  return threads === requested ? count : `${count} (onnxruntime-web was started with ${threads} before ${requested} were asked for, or could not start threads)`;
}
