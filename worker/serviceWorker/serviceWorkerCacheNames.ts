/**
 * Names of the Cache Storage caches ondeck's service worker owns. Tests and integrators read them
 * (e.g. to show what is stored offline, or to clear it); the precache's own name comes from
 * workbox (`ondeck-precache-v2-<scope>`, prefix set with `setCacheNameDetails`).
 *
 * @example
 * ```ts
 * const ortCache = await caches.open(ortCacheName('c0ffee'));
 * ```
 */
export const SERVICE_WORKER_CACHE_NAMES = Object.freeze({
  /** Prefix given to workbox's cache names (the precache is `ondeck-precache-v2-<scope>`). */
  workboxPrefix: 'ondeck',
  /** Every ORT runtime cache starts with this; the rest is the ORT files' build revision. */
  ortPrefix: 'ondeck-ort-',
  /** Pages and same-origin scripts/styles/fonts of the app, cached as they are fetched. */
  appShell: 'ondeck-app-shell',
});

/**
 * The cache holding ORT's self-hosted files for one ORT build, e.g. `ondeck-ort-c0ffee`. Naming
 * the cache after the files' hash matters because CacheFirst never revalidates: a new ORT
 * (same file names, new bytes) must land in a new cache, and the old one is deleted on activate.
 *
 * @example
 * ```ts
 * ortCacheName('c0ffee'); // 'ondeck-ort-c0ffee'
 * ```
 */
export function ortCacheName(ortRevision: string): string {
  return SERVICE_WORKER_CACHE_NAMES.ortPrefix + ortRevision;
}
