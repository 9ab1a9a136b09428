import { SERVICE_WORKER_CACHE_NAMES } from './serviceWorkerCacheNames';

/**
 * Deletes every ORT runtime cache except `currentCacheName` and resolves with the names it
 * deleted. Called when a new service worker activates: an ORT cache is named after the ORT build
 * it holds, so an older one is dead weight (its wasm alone is 14 MB) once the new build serves.
 *
 * @example
 * ```ts
 * await deleteStaleOrtCaches(caches, ortCacheName(manifest.ortRevision)); // ['ondeck-ort-0ld']
 * ```
 */
export async function deleteStaleOrtCaches(cacheStorage: CacheStorage, currentCacheName: string): Promise<string[]> {
  const stale = (await cacheStorage.keys()).filter((name) => name.startsWith(SERVICE_WORKER_CACHE_NAMES.ortPrefix) && name !== currentCacheName);
  await Promise.all(stale.map((name) => cacheStorage.delete(name)));
  return stale;
}
