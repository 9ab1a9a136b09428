/**
 * The fragment that turns the engine's worker script into a screening helper: the helper is the
 * same script (dist/browser/ondeck-worker.js), already cached, so there is no second bundle to
 * build, precache or keep in step. A fragment never reaches the server or the service worker.
 * A module of its own so that the main-thread SDK can start helpers without bundling the kernel.
 */
export const SCREENING_HELPER_FRAGMENT = '#ondeck-screening-helper';

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
