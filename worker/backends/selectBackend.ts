import type { BackendAttempt, BackendPreference } from '../../models/contract/types';
import { isOndeckError } from '../../models/errors/OndeckError';
import type { OrtModule } from './OrtModule';
import type { BackendModel, BackendName, ScoringBackend } from '../../models/scoring/ScoringBackend';
import { createJsInt8Backend } from '../../models/scoring/createJsInt8Backend';
import { createWasmInt8Backend, type WasmInt8Backend, type WasmInt8BackendOptions } from '../../models/scoring/createWasmInt8Backend';
import { screeningThreadsFor } from '../../models/scoring/parallel/HelperSplit';
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
  /**
   * Threads the int8 kernels (`js`, `wasm-int8`) screen on, from `resolveJsThreads` (more than 1
   * needs `spawnScreeningHelper`). @defaultValue 1
   */
  readonly jsThreads?: number;
  /** Why that many (`resolveJsThreads`'s reason), for the status line. */
  readonly jsThreadsReason?: string;
  /** Starts one screening helper worker for the int8 kernels (see `spawnScreeningHelperWorker`). */
  readonly spawnScreeningHelper?: () => ScreeningHelperPort;
  /** Finds the WebGPU adapter; tests inject their own. @defaultValue {@link findWebGpuAdapter} */
  readonly findWebGpuAdapter?: () => Promise<string | undefined>;
  /** Whether the engine runs WebAssembly SIMD; tests inject the answer. @defaultValue {@link supportsWasmSimd}() */
  readonly wasmSimd?: boolean;
  /** Creates the `wasm-int8` backend; tests inject one that fails. @defaultValue {@link createWasmInt8Backend} */
  readonly createWasmInt8Backend?: (options: WasmInt8BackendOptions) => Promise<WasmInt8Backend>;
}

/**
 * Chooses the scoring backend by capability checks, loading the model into each candidate until
 * one works. Every failure is recorded and reported (`status().backendAttempts`), never thrown:
 * the `js` int8 kernel runs on every engine, so the device always ends up with a working backend.
 *
 * - ORT tiers need WebAssembly SIMD; without it nothing of ORT is downloaded, and `auto` runs the
 *   `wasm-int8` kernel's MVP build, falling back to `js` when it does not compile or
 *   instantiate (no WebAssembly, a CSP without `'wasm-unsafe-eval'`). Measured by
 *   `npm run bench:device` (100k × 64, top-20, `recommend()` end to end, both in the same page):
 *   Chromium 87 2.70 ms against `js`'s 4.54 ms and WPE WebKit 2.38 2.26 against 2.76 ms in a full
 *   run (2.36 / 3.48 and 2.28 / 3.18 ms in a quiet quick run); only a quick run at load average
 *   6–7 had the MVP kernel slower (3.84 / 3.29 and 3.54 / 3.20 ms, every p90 there 6–8 ms).
 * - `wasm-int8` asked for: its SIMD build where the engine has SIMD, else the MVP build. Where
 *   SIMD exists `auto` keeps onnxruntime-web as the model's runtime (the design's choice): the
 *   SIMD int8 kernel is an explicit choice there.
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
  const simd = options.wasmSimd ?? supportsWasmSimd();
  if (preference === 'wasm-int8') {
    const int8 = await loadWasmInt8(model, simd ? 'simd' : 'mvp', options, attempts);
    if (int8) return { backend: int8, attempts, reason: `wasm-int8: requested; ${describeWasmInt8(int8, model, options)}` };
  } else if (preference !== 'js') {
    if (!simd) {
      const reason = typeof WebAssembly === 'object' ? 'no WebAssembly SIMD on this engine (ORT needs it)' : 'no WebAssembly on this engine (ORT needs it, with SIMD)';
      attempts.push({ backend: 'wasm', ok: false, reason });
      // Where ORT cannot run, the MVP int8 kernel beats the js one (measured: see above).
      const int8 = preference === 'auto' ? await loadWasmInt8(model, 'mvp', options, attempts) : undefined;
      if (int8) return { backend: int8, attempts, reason: `wasm-int8: no WebAssembly SIMD here, so no onnxruntime-web; ${describeWasmInt8(int8, model, options)}` };
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
  return { backend, attempts, reason: `js: ${why}; screening on ${describeScreeningThreads(model, options)}` };
}

/** The `wasm-int8` backend of `flavour` with the table loaded, else undefined (the failure recorded). */
async function loadWasmInt8(model: BackendModel, flavour: 'mvp' | 'simd', options: SelectBackendOptions, attempts: BackendAttempt[]): Promise<WasmInt8Backend | undefined> {
  const threads = options.spawnScreeningHelper ? (options.jsThreads ?? 1) : 1;
  let backend: WasmInt8Backend | undefined;
  try {
    backend = await (options.createWasmInt8Backend ?? createWasmInt8Backend)({ flavour, threads, spawnHelper: options.spawnScreeningHelper });
    await backend.load(model);
    attempts.push({ backend: 'wasm-int8', ok: true, reason: `WebAssembly int8 kernel, ${flavour === 'simd' ? 'SIMD' : 'MVP (no SIMD)'} build, compiled and loaded` });
    return backend;
  } catch (error) {
    await backend?.dispose().catch(() => undefined);
    // The kernel's own reason (`backend-unavailable` details), without the code's generic sentence.
    const reason = isOndeckError(error) && typeof error.details.reason === 'string' ? error.details.reason : error instanceof Error ? error.message : String(error);
    attempts.push({ backend: 'wasm-int8', ok: false, reason: `the ${flavour} int8 kernel failed: ${reason}` });
    return undefined;
  }
}

/** "MVP build (exact, same rankings as js), screening on 2 threads (…)". */
function describeWasmInt8(backend: WasmInt8Backend, model: BackendModel, options: SelectBackendOptions): string {
  const build = backend.flavour === 'simd' ? 'WebAssembly int8 kernel, SIMD build' : 'WebAssembly int8 kernel, MVP build';
  return `${build} (exact: the js kernel's rankings); screening on ${describeScreeningThreads(model, options)}`;
}

/** The int8 kernels' threads for the status line: what was asked, or fewer when the table is small. */
function describeScreeningThreads(model: BackendModel, options: SelectBackendOptions): string {
  const threads = options.spawnScreeningHelper ? (options.jsThreads ?? 1) : 1;
  const planned = screeningThreadsFor(threads, model.factors.rows);
  return planned < threads
    ? `${planned === 1 ? '1 thread' : `${planned} threads`} (${model.factors.rows} rows are too few to split ${threads} ways)`
    : (options.jsThreadsReason ?? (threads === 1 ? '1 thread' : `${threads} threads`));
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
