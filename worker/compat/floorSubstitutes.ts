/**
 * Floor-safe stand-ins that the browser build substitutes for APIs newer than the support floor
 * (Chromium 56) which ondeck's dependencies call unguarded. scripts/build.mjs maps each API to
 * the export of the same role with esbuild's `define` + `inject`, so the bundles call these
 * instead and the host page's globals are never patched.
 *
 * - `Object.hasOwn` (Chromium 93): @noble/hashes checks option objects with it.
 * - `Promise.allSettled` (Chromium 76): workbox's strategy handler awaits its `waitUntil`
 *   promises with it on every NetworkFirst response of the service worker.
 *
 * (`globalThis`, Chromium 71, used by comlink and by ondeck itself, is defined as `self`, which
 * names the global object in a window and in every kind of worker.)
 *
 * @example
 * ```ts
 * objectHasOwn({ a: 1 }, 'a'); // true
 * objectHasOwn(Object.create({ a: 1 }), 'a'); // false
 * ```
 */
export function objectHasOwn(object: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** What {@link promiseAllSettled} resolves with for each promise, as `Promise.allSettled` does. */
export type SettledResult<Value> = { status: 'fulfilled'; value: Value } | { status: 'rejected'; reason: unknown };

/**
 * `Promise.allSettled` for engines before Chromium 76: waits for every promise, never rejects.
 *
 * @example
 * ```ts
 * await promiseAllSettled([Promise.resolve(1), Promise.reject(new Error('x'))]);
 * // [{ status: 'fulfilled', value: 1 }, { status: 'rejected', reason: Error('x') }]
 * ```
 */
export function promiseAllSettled<Value>(promises: Iterable<Value | PromiseLike<Value>>): Promise<SettledResult<Awaited<Value>>[]> {
  return Promise.all(
    Array.from(promises, (promise) =>
      Promise.resolve(promise).then(
        (value): SettledResult<Awaited<Value>> => ({ status: 'fulfilled', value }),
        (reason: unknown): SettledResult<Awaited<Value>> => ({ status: 'rejected', reason }),
      ),
    ),
  );
}
