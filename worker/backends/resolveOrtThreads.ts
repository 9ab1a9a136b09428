import type { OrtThreadsOption } from '../../models/contract/types';
import { OndeckError } from '../../models/errors/OndeckError';

export type { OrtThreadsOption };

/**
 * Most threads `'auto'` asks for. The scoring Gemm is bound by memory bandwidth, which a second
 * core nearly doubles here (1.1 → 0.62 ms at 100k) and further cores share; each pthread worker
 * costs about 2 MB (the worker-memory budget of 64 MB at 100k titles holds 2, not 4); and a TV's
 * UI thread needs a core of its own. Apps can ask for more explicitly.
 */
export const MAX_AUTO_ORT_THREADS = 2;

/** Most threads an app may ask for. */
export const MAX_ORT_THREADS = 16;

/** What {@link resolveOrtThreads} reads from the realm it runs in. */
export interface ThreadingEnvironment {
  /** `self.crossOriginIsolated`: threaded wasm needs `SharedArrayBuffer`, which needs isolation. */
  readonly crossOriginIsolated?: boolean;
  /** `navigator.hardwareConcurrency`: logical cores. */
  readonly hardwareConcurrency?: number;
}

/** The thread count to give ORT, and why, for `status().backendReason`. */
export interface ResolvedOrtThreads {
  readonly threads: number;
  readonly reason: string;
}

/**
 * Turns the app's `threads` option into the thread count ORT's `env.wasm.numThreads` gets.
 *
 * Threads need `SharedArrayBuffer`, which browsers only give a cross-origin isolated page (served
 * with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
 * Elsewhere this returns 1 whatever was asked, rather than let ORT warn on the console and fall
 * back. `'auto'` takes up to {@link MAX_AUTO_ORT_THREADS} threads, never more than the logical
 * cores. Rankings stay within the backends' contract on any count (the split
 * changes ORT's SGEMM blocking, so a score can move in its last bits, ~2e-7 relative). Measured in Chromium on the 2-core reference machine,
 * 100k × 64, top-20: ORT's run takes 1.1 ms on 1 thread and 0.62 ms on 2.
 *
 * @throws OndeckError `invalid-argument` for anything but `'auto'` or an integer in 1..16.
 * @example
 * ```ts
 * const { threads, reason } = resolveOrtThreads('auto', { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency });
 * ort.env.wasm.numThreads = threads;
 * ```
 */
export function resolveOrtThreads(option: OrtThreadsOption | undefined, environment: ThreadingEnvironment): ResolvedOrtThreads {
  const requested = option ?? 'auto';
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1 && requested <= MAX_ORT_THREADS)) {
    throw new OndeckError('invalid-argument', { name: 'threads', reason: `expected 'auto' or an integer from 1 to ${MAX_ORT_THREADS}, got ${String(requested)}` });
  }
  if (requested === 1) return { threads: 1, reason: '1 thread (asked for)' };
  if (environment.crossOriginIsolated !== true) return { threads: 1, reason: '1 thread (the page is not cross-origin isolated)' };
  if (requested !== 'auto') return { threads: requested, reason: `${requested} threads (asked for)` };
  const cores = environment.hardwareConcurrency;
  const threads = Math.min(MAX_AUTO_ORT_THREADS, Number.isInteger(cores) && cores! >= 1 ? cores! : 1);
  return { threads, reason: threads === 1 ? '1 thread (one core)' : `${threads} threads (cross-origin isolated, ${cores} cores)` };
}

/** The calling realm's {@link ThreadingEnvironment} (a worker's or a page's `self`). */
export function currentThreadingEnvironment(): ThreadingEnvironment {
  const realm = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return { crossOriginIsolated: realm.crossOriginIsolated, hardwareConcurrency: realm.navigator?.hardwareConcurrency };
}
