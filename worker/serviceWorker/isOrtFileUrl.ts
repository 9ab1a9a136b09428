/** ORT's self-hosted file names: `ort.wasm.min.js`, `ort-wasm-simd-threaded.{mjs,wasm}` and kin. */
const ortFileName = /^ort[.-][\w.-]*\.(?:m?js|wasm)$/;

/**
 * True when `url` is one of ORT's self-hosted files inside a directory named `ort/` (the layout
 * of `dist/browser/ort/` and the default `ortBaseUrl`, "ort/ next to the worker script"). The
 * service worker caches these at run time only, so an engine that cannot run ORT never
 * downloads the 14 MB wasm: nothing fetches it unless the worker chose the `wasm` backend.
 *
 * @example
 * ```ts
 * isOrtFileUrl(new URL('https://tv.example/app/ort/ort-wasm-simd-threaded.wasm')); // true
 * isOrtFileUrl(new URL('https://tv.example/app/ondeck-worker.js')); // false
 * ```
 */
export function isOrtFileUrl(url: URL): boolean {
  const segments = url.pathname.split('/');
  return segments.length >= 2 && segments[segments.length - 2] === 'ort' && ortFileName.test(segments[segments.length - 1]);
}
