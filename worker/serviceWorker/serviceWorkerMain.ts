/**
 * Entry point of ondeck's service worker (built as a classic script, `dist/browser/ondeck-sw.js`,
 * target Chromium 56, workbox's dev logging stripped) that lets a TV app start offline:
 *
 * - **SDK bundles, precached**: `ondeck.js`, `ondeck-worker.js` and `ondeck-compat.js` (the
 *   pure-JS fallbacks the worker loads only where it lacks a native primitive), with revisions = content
 *   hashes injected at build time (`__ONDECK_SW_BUILD__`, see {@link ServiceWorkerBuildManifest}),
 *   URLs resolved next to this script. Served cache-first; a new build re-downloads only what
 *   changed. URL query strings are ignored (`ondeck.js?v=3` is the same file).
 * - **ORT's self-hosted files, runtime CacheFirst, never precached**: an engine without
 *   WebAssembly SIMD must never download the 14 MB wasm, and only engines whose worker picked the
 *   `wasm` backend ever request `ort/…`. The first such request fills `ondeck-ort-<revision>`;
 *   later starts (online or not) read it. Older ORT caches are deleted on activate.
 * - **The app shell, runtime NetworkFirst**: navigations and same-origin scripts, styles, fonts,
 *   manifests and worker scripts (see {@link isAppShellRequest}) go to the network first (5 s
 *   timeout) and fall back to `ondeck-app-shell`, so the page that registered this worker and its
 *   own files work offline after one online visit with no build-time list of the app's files.
 *   The registering page itself loaded before this worker controlled it: `registerServiceWorker`
 *   sends its URLs in a workbox `CACHE_URLS` message, which goes through the same route.
 *   At most 60 entries, least recently used evicted.
 * - **Everything else, network only** (no route): model files and API calls. The engine keeps
 *   models and history in IndexedDB and verifies every model blob itself.
 *
 * A new version takes over at once (`skipWaiting` + `clientsClaim`): a TV app often reloads in
 * the same tab and would otherwise never let a waiting worker activate.
 */
import { clientsClaim, setCacheNameDetails } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { deleteStaleOrtCaches } from './deleteStaleOrtCaches';
import { isAppShellRequest } from './isAppShellRequest';
import { isOrtFileUrl } from './isOrtFileUrl';
import type { ServiceWorkerBuildManifest } from './ServiceWorkerBuildManifest';
import { ortCacheName, SERVICE_WORKER_CACHE_NAMES } from './serviceWorkerCacheNames';

/** Injected by scripts/buildServiceWorker.mjs (esbuild `define`). */
declare const __ONDECK_SW_BUILD__: ServiceWorkerBuildManifest;

/** The parts of ServiceWorkerGlobalScope used here (the project compiles against the DOM lib). */
interface ExtendableEventLike {
  waitUntil(promise: Promise<unknown>): void;
}
declare const self: {
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
};

const build = __ONDECK_SW_BUILD__;
const ortCache = ortCacheName(build.ortRevision);

setCacheNameDetails({ prefix: SERVICE_WORKER_CACHE_NAMES.workboxPrefix });

// Routes match in registration order: precached SDK files first, then ORT, then the app shell.
precacheAndRoute(build.precache.slice(), { ignoreURLParametersMatching: [/./] });
cleanupOutdatedCaches();

registerRoute(({ url, sameOrigin }) => sameOrigin && isOrtFileUrl(url), new CacheFirst({ cacheName: ortCache }));

registerRoute(
  // A `message` event is a `CACHE_URLS` request from registerServiceWorker(): the URLs of the
  // page that registered this worker, which loaded before it was controlled. They arrive as
  // plain `new Request(url)` (no navigate mode, no destination), so they are matched by origin.
  ({ request, sameOrigin, event }) => sameOrigin && (isAppShellRequest(request) || event.type === 'message'),
  new NetworkFirst({
    cacheName: SERVICE_WORKER_CACHE_NAMES.appShell,
    // A TV on a flaky network should start from cache rather than stare at a blank screen.
    networkTimeoutSeconds: 5,
    plugins: [new ExpirationPlugin({ maxEntries: 60, purgeOnQuotaError: true })],
  }),
);

self.addEventListener('install', () => {
  // The result is irrelevant: activation proceeds once install (precaching) has finished.
  self.skipWaiting().catch(() => undefined);
});
self.addEventListener('activate', (event) => {
  event.waitUntil(deleteStaleOrtCaches(caches, ortCache));
});
clientsClaim();
