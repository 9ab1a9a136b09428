import type { PrecacheEntry } from 'workbox-precaching';

/**
 * What `scripts/buildServiceWorker.mjs` computes at build time and injects into
 * `dist/browser/ondeck-sw.js` (esbuild `define` of `__ONDECK_SW_BUILD__`): the SDK files to
 * precache with their content hashes, and a hash of ORT's self-hosted files that names their
 * runtime cache. A new build changes the hashes, so browsers see a changed service worker, fetch
 * only the files whose revision moved, and drop an ORT cache left by an older ORT.
 *
 * @example
 * ```ts
 * const manifest: ServiceWorkerBuildManifest = {
 *   precache: [{ url: 'ondeck.js', revision: '3f2a…' }, { url: 'ondeck-worker.js', revision: '9b1c…' }],
 *   ortRevision: 'c0ffee…',
 * };
 * ```
 */
export interface ServiceWorkerBuildManifest {
  /** SDK bundles, URLs relative to the service worker script, revision = SHA-256 prefix of the content. */
  readonly precache: readonly PrecacheEntry[];
  /** SHA-256 prefix over ORT's self-hosted files (`dist/browser/ort/`). */
  readonly ortRevision: string;
}
