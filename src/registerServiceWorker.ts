import { messageSW, Workbox } from 'workbox-window';
import { collectAppShellUrls } from './collectAppShellUrls';
import { sdkScriptBase } from './sdkScriptBase';
import { SERVICE_WORKER_DEFAULTS, type RegisterServiceWorkerOptions, type ServiceWorkerSetup } from './ServiceWorkerSetup';

/**
 * Registers ondeck's service worker (`ondeck-sw.js` from the build) with workbox-window so the
 * app starts offline, and resolves once it controls the page (or the wait times out).
 *
 * What the service worker caches, and why:
 * - the SDK bundles (`ondeck.js`, `ondeck-worker.js`, `ondeck-compat.js`), precached with
 *   content-hash revisions computed at build time;
 * - ORT's files under `ort/`, cached when an engine that can run ORT first fetches them (never
 *   precached: an old TV must not download a 14 MB wasm it cannot run);
 * - the app shell, with no build-time list: navigations and same-origin scripts, styles, fonts
 *   and worker scripts go network-first and fall back to a cache. The page that registered it
 *   loaded before any worker controlled it, so once the worker first takes control this sends it
 *   the page's URL and its same-origin scripts and stylesheets ({@link collectAppShellUrls}) to
 *   cache: the app then starts offline after one online visit;
 * - not model files nor API calls (`fetch()`): the engine keeps its model in IndexedDB.
 *
 * Offline support is an enhancement, so this never rejects: without `navigator.serviceWorker`
 * (old engines, insecure origins) it resolves at once with `controlling: false` and reason
 * `unsupported`; a refused registration resolves with `registration-failed` and the browser's
 * message. Keep `ondeck-sw.js` next to `ondeck.js` (it finds the bundles relative to itself) and
 * give it a scope that covers the app's page (see {@link RegisterServiceWorkerOptions.scope});
 * docs/device.md, "Service worker", has the deployment details.
 *
 * @param scriptUrl the service worker script.
 * @defaultValue scriptUrl: `ondeck-sw.js` next to the script that loaded ondeck
 * @example
 * ```ts
 * import { createRecommender, registerServiceWorker } from 'ondeck';
 * const offline = await registerServiceWorker('/ondeck/ondeck-sw.js', { scope: '/' });
 * if (!offline.controlling) console.info('no offline start:', offline.reason, offline.message);
 * const recommender = createRecommender({ modelUrl: '/models/current/' });
 * ```
 */
export async function registerServiceWorker(scriptUrl?: string, options: RegisterServiceWorkerOptions = {}): Promise<ServiceWorkerSetup> {
  // Chromium and WebKit hide navigator.serviceWorker entirely on insecure origins.
  if (typeof navigator === 'undefined' || !navigator.serviceWorker) {
    return {
      controlling: false,
      registration: undefined,
      reason: 'unsupported',
      message: 'This engine has no service workers here (navigator.serviceWorker is missing: old engine or insecure origin)',
    };
  }
  let absoluteScriptUrl: string;
  try {
    absoluteScriptUrl = new URL(scriptUrl ?? 'ondeck-sw.js', sdkScriptBase).href;
  } catch {
    return { controlling: false, registration: undefined, reason: 'registration-failed', message: `Not a valid service worker URL: ${String(scriptUrl)}` };
  }
  const timeout = options.controlTimeoutMilliseconds ?? SERVICE_WORKER_DEFAULTS.controlTimeoutMilliseconds;
  const controlledAtLoad = isControlledBy(absoluteScriptUrl);
  const workbox = new Workbox(absoluteScriptUrl, options.scope === undefined ? undefined : { scope: options.scope });
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await workbox.register({ immediate: options.immediate ?? SERVICE_WORKER_DEFAULTS.immediate });
  } catch (error) {
    return {
      controlling: false,
      registration: undefined,
      reason: 'registration-failed',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      workbox,
    };
  }
  if (!registration) {
    return { controlling: false, registration: undefined, reason: 'registration-failed', message: 'the browser returned no registration', workbox };
  }
  if (!isControlledBy(absoluteScriptUrl) && timeout > 0) {
    // workbox.controlling settles when this script's worker controls the page: at once when it
    // already did at load, after activation + clients.claim() on a first visit.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([workbox.controlling, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
    clearTimeout(timer);
  }
  // The page's actual controller is the truth (workbox.controlling can also settle for a worker
  // that another registration replaced meanwhile).
  if (isControlledBy(absoluteScriptUrl)) {
    if (!controlledAtLoad && (options.cachePage ?? SERVICE_WORKER_DEFAULTS.cachePage)) await cacheAppShell(timeout);
    return { controlling: true, registration, workbox };
  }
  return {
    controlling: false,
    registration,
    reason: 'not-controlling-yet',
    message: timeout > 0 ? `${absoluteScriptUrl} did not control this page within ${timeout} ms` : `${absoluteScriptUrl} is registered but does not control this page yet`,
    workbox,
  };
}

/**
 * Asks the controlling worker to cache this page's shell (workbox-routing's `CACHE_URLS`
 * message, answered once every URL went through the worker's routes). Never fails: a URL that
 * could not be cached is simply cached on the next online visit. Bounded by `timeout` because the
 * worker does not answer when one of the fetches fails.
 */
async function cacheAppShell(timeout: number): Promise<void> {
  const controller = navigator.serviceWorker.controller;
  if (!controller) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reply = messageSW(controller, { type: 'CACHE_URLS', payload: { urlsToCache: collectAppShellUrls() } }).catch(() => undefined);
  await Promise.race([reply, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout > 0 ? timeout : SERVICE_WORKER_DEFAULTS.controlTimeoutMilliseconds)))]);
  clearTimeout(timer);
}

/** True when this page's controller runs `scriptUrl`. */
function isControlledBy(scriptUrl: string): boolean {
  const controller = navigator.serviceWorker.controller;
  return controller !== null && controller.scriptURL === scriptUrl;
}
