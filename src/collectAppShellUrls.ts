/** Resource Timing initiator types of a page's own code: `<script>` and `<link>` (stylesheets, preloads). */
const appShellInitiators: ReadonlySet<string> = new Set(['script', 'link']);

/**
 * The URLs that make up the current page's shell: the page itself (without its `#fragment`) and
 * every same-origin script and `<link>` resource it has loaded so far (Resource Timing). After
 * ondeck's service worker first takes control, `registerServiceWorker` sends this list so the
 * worker caches the page that registered it: that page loaded before any worker controlled it,
 * so without this the app shell would only be cached on the second online visit.
 *
 * @example
 * ```ts
 * collectAppShellUrls(); // ['https://tv.example/app/', 'https://tv.example/app/main.js', …]
 * ```
 */
export function collectAppShellUrls(): string[] {
  const page = location.href.split('#')[0];
  const urls = [page];
  const entries = typeof performance !== 'undefined' && performance.getEntriesByType ? performance.getEntriesByType('resource') : [];
  for (const entry of entries as PerformanceResourceTiming[]) {
    if (!appShellInitiators.has(entry.initiatorType)) continue;
    const url = new URL(entry.name);
    if (url.origin !== location.origin) continue;
    const withoutFragment = url.href.split('#')[0];
    if (urls.indexOf(withoutFragment) < 0) urls.push(withoutFragment);
  }
  return urls;
}
