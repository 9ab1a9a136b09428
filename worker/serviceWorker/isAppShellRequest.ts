/** Request destinations that make up an app's shell (its code and look), as opposed to data. */
const appShellDestinations: ReadonlySet<string> = new Set(['document', 'script', 'style', 'font', 'manifest', 'worker', 'sharedworker']);

/**
 * True when `request` loads part of the app shell: a navigation (the app's HTML) or a script,
 * stylesheet, font, web manifest or worker script. The service worker caches those at run time
 * so the app's own files start offline after one online visit, without a build-time list of them.
 *
 * Everything `fetch()`/XHR asks for (destination `''`) is left to the network on purpose: that
 * is the model directory (the engine keeps models in IndexedDB and verifies every blob itself)
 * and the app's API calls, which a cache must not answer with stale data. Images are left out
 * too: a catalogue's posters would crowd the app's code out of a bounded cache.
 *
 * @example
 * ```ts
 * isAppShellRequest({ mode: 'navigate', destination: 'document' }); // true
 * isAppShellRequest({ mode: 'cors', destination: '' }); // false: a fetch(), e.g. a model file
 * ```
 */
export function isAppShellRequest(request: { readonly mode: string; readonly destination: string }): boolean {
  return request.mode === 'navigate' || appShellDestinations.has(request.destination);
}
