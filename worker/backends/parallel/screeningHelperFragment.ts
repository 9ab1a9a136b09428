/**
 * The fragment that turns the engine's worker script into a screening helper: the helper is the
 * same script (dist/browser/ondeck-worker.js), already cached, so there is no second bundle to
 * build, precache or keep in step. A fragment never reaches the server or the service worker.
 * A module of its own so that the main-thread SDK can start helpers without bundling the kernel.
 */
export const SCREENING_HELPER_FRAGMENT = '#ondeck-screening-helper';

/**
 * The name every screening helper is started with (`new Worker(url, { name })`, read as
 * `self.name`). Needed besides the fragment because a worker's `location` is its script
 * RESPONSE's URL: where ondeck's service worker answers the script from its precache, that URL
 * has no fragment, and the helper would start a second engine instead (found by the privacy
 * test). Engines before Chromium 70 ignore the name; there the fragment alone decides, which is
 * right wherever no service worker controls the page.
 */
export const SCREENING_HELPER_NAME = 'ondeck-screening-helper';

/** The options to start a screening helper with (see {@link SCREENING_HELPER_NAME}). */
export const screeningHelperWorkerOptions: Readonly<{ name: string }> = Object.freeze({ name: SCREENING_HELPER_NAME });

/**
 * True in a worker that was started as a screening helper: its name says so, or, where the
 * engine ignores worker names, its location's fragment.
 *
 * @example
 * ```ts
 * isScreeningHelperRealm(self); // false in the engine's own worker
 * ```
 */
export function isScreeningHelperRealm(realm: unknown): boolean {
  const scope = realm as { readonly name?: string; readonly location?: { readonly hash?: string } } | null;
  return scope?.name === SCREENING_HELPER_NAME || scope?.location?.hash === SCREENING_HELPER_FRAGMENT;
}

/**
 * What the page sends a helper it started for the engine: the end of a `MessageChannel` whose
 * other end went to the engine's worker (see `DeferredHelperPort`).
 */
export interface HelperPortHandover {
  readonly ondeckScreeningPort: MessagePort;
}

/**
 * `url` (the engine's worker script) with {@link SCREENING_HELPER_FRAGMENT} in place of any fragment.
 *
 * @example
 * ```ts
 * new Worker(screeningHelperUrl('https://app.example/ondeck/ondeck-worker.js'));
 * ```
 */
export function screeningHelperUrl(url: string): string {
  return url.replace(/#.*$/, '') + SCREENING_HELPER_FRAGMENT;
}
