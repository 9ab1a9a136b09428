import type { Workbox } from 'workbox-window';

/** Options of `registerServiceWorker()`. */
export interface RegisterServiceWorkerOptions {
  /**
   * The registration's scope: the pages it controls. It must cover the app's page; a scope above
   * the script's directory also needs the `Service-Worker-Allowed` response header on
   * `ondeck-sw.js` (see docs/device.md, "Service worker").
   * @defaultValue the browser's: the directory of the service worker script
   */
  readonly scope?: string;
  /**
   * How long to wait for the service worker to control this page (on a first visit it claims
   * the page once it has precached the SDK). `0` returns as soon as it is registered.
   * @defaultValue 10000
   */
  readonly controlTimeoutMilliseconds?: number;
  /**
   * Register at once instead of after the window's `load` event (workbox-window's default, so
   * the precache downloads do not compete with the app's first paint).
   * @defaultValue false
   */
  readonly immediate?: boolean;
  /**
   * When the worker takes control of this page for the first time, have it cache the page and
   * its same-origin scripts and stylesheets (they loaded before it controlled anything), so the
   * app starts offline after this one visit. `false` leaves that to the next online visit.
   * @defaultValue true
   */
  readonly cachePage?: boolean;
}

/** The defaults of {@link RegisterServiceWorkerOptions}, in one place. */
export const SERVICE_WORKER_DEFAULTS = Object.freeze({
  controlTimeoutMilliseconds: 10_000,
  immediate: false,
  cachePage: true,
});

/**
 * Why ondeck's service worker does not control the page:
 * - `unsupported`: no `navigator.serviceWorker` (old engine, or an insecure origin: service
 *   workers need https, or http on localhost / 127.0.0.1);
 * - `registration-failed`: the browser refused the script or scope (see `message`);
 * - `not-controlling-yet`: registered, but it did not take control within the timeout.
 */
export type ServiceWorkerUnavailableReason = 'unsupported' | 'registration-failed' | 'not-controlling-yet';

/** What `registerServiceWorker()` resolves with; it never rejects. */
export interface ServiceWorkerSetup {
  /** `true` when ondeck's service worker controls this page, so its files are served offline. */
  readonly controlling: boolean;
  /** The registration, when the browser accepted it. */
  readonly registration: ServiceWorkerRegistration | undefined;
  /** Set when `controlling` is `false`. */
  readonly reason?: ServiceWorkerUnavailableReason;
  /** A human-readable explanation accompanying `reason`. */
  readonly message?: string;
  /** The workbox-window instance, for update events (`waiting`, `controlling`, …); absent when unsupported. */
  readonly workbox?: Workbox;
}
