import type { SchedulerEnvironment } from './SyncScheduler';

/**
 * The {@link SchedulerEnvironment} of the running realm (a worker, a page, Node): real time,
 * `Math.random`, and the network state from `navigator.onLine` and the global `online` event,
 * both of which dedicated workers have (WorkerNavigator, WorkerGlobalScope).
 *
 * @example
 * ```ts
 * const scheduler = new SyncScheduler(attempt, timing, globalSchedulerEnvironment());
 * ```
 */
export function globalSchedulerEnvironment(): SchedulerEnvironment {
  const scope = globalThis as {
    navigator?: { onLine?: boolean };
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
  return {
    now: () => Date.now(),
    setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: () => Math.random(),
    // Only a definite `false` counts: engines that do not know (or lie with `true`) still try.
    isOnline: () => !(scope.navigator && scope.navigator.onLine === false),
    onOnline(callback) {
      if (typeof scope.addEventListener !== 'function') return () => undefined;
      scope.addEventListener('online', callback);
      return () => scope.removeEventListener?.('online', callback);
    },
  };
}
