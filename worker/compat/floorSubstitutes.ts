/**
 * Floor-safe stand-ins that the browser build substitutes for APIs newer than the support floor
 * (Chromium 56) which ondeck's dependencies call unguarded. scripts/build.mjs maps each API to
 * the export of the same role with esbuild's `define` + `inject`, so the bundles call these
 * instead and the host page's globals are never patched.
 *
 * - `Object.hasOwn` (Chromium 93): @noble/hashes checks option objects with it.
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
