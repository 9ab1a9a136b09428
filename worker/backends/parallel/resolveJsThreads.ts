import type { OrtThreadsOption } from '../resolveOrtThreads';
import { MAX_ORT_THREADS } from '../resolveOrtThreads';

/**
 * Most threads `'auto'` gives the `js` kernel: the engine's worker and one helper. The screening
 * pass is bound by integer multiplies, so a second core halves it; a TV's UI thread needs a core
 * of its own, and each helper holds a copy of its part of the table.
 */
export const MAX_AUTO_JS_THREADS = 2;

/** What {@link resolveJsThreads} reads from the worker it runs in. */
export interface JsThreadingEnvironment {
  /** `navigator.hardwareConcurrency`: logical cores. */
  readonly hardwareConcurrency?: number;
  /** Whether this worker can start a worker of its own (Chromium 69+, WebKit 15.5+). */
  readonly nestedWorkers: boolean;
  /** Whether the page starts helpers when asked (the SDK's main thread does, where it has `Worker`). */
  readonly pageHelpers?: boolean;
}

/** How many threads the `js` kernel screens on, and why, for `status().backendReason`. */
export interface ResolvedJsThreads {
  readonly threads: number;
  readonly reason: string;
}

/**
 * Turns the app's `threads` option (already validated by `resolveOrtThreads`) into the number of
 * threads the `js` kernel splits the catalog over: the engine's worker plus `threads − 1` helper
 * workers. Unlike ORT's threads this needs no cross-origin isolation (the helpers get copies of
 * their part of the table, not shared memory). The engine's worker starts the helpers itself
 * where it can; elsewhere `'auto'` stays on 1 thread, and an explicit count has the page start
 * them (`pageHelpers`); with neither the kernel runs on 1 thread.
 *
 * @example
 * ```ts
 * const { threads } = resolveJsThreads('auto', { hardwareConcurrency: 4, nestedWorkers: true }); // 2
 * ```
 */
export function resolveJsThreads(option: OrtThreadsOption | undefined, environment: JsThreadingEnvironment): ResolvedJsThreads {
  const requested = option ?? 'auto';
  if (requested === 1) return { threads: 1, reason: '1 thread (asked for)' };
  if (!environment.nestedWorkers && !environment.pageHelpers) return { threads: 1, reason: '1 thread (this engine cannot start a worker from a worker)' };
  // Helpers the page starts talk to the engine's worker through a MessageChannel, which WPE
  // WebKit 2.38 makes slow enough that they lose (100k: 2.96 ms a query with one, 2.48 without):
  // only an explicit count starts them.
  if (!environment.nestedWorkers && requested === 'auto') {
    return { threads: 1, reason: '1 thread (workers here cannot start workers; threads: 2 has the page start a helper)' };
  }
  // Where workers cannot start workers, the page starts the helpers and hands them over.
  const byPage = environment.nestedWorkers ? '' : '; helpers started by the page, as workers here cannot start workers';
  const threads = Math.min(
    requested === 'auto' ? MAX_AUTO_JS_THREADS : requested,
    requested !== 'auto' ? MAX_ORT_THREADS : Number.isInteger(environment.hardwareConcurrency) && environment.hardwareConcurrency! >= 1 ? environment.hardwareConcurrency! : 1,
  );
  if (requested !== 'auto') return { threads, reason: `${threads} threads (asked for${byPage})` };
  return { threads, reason: threads === 1 ? '1 thread (one core)' : `${threads} threads (${environment.hardwareConcurrency} cores${byPage})` };
}
