import type { CompatFallbacks } from './CompatFallbacks';
import { staticCompatFallbacks } from './staticCompatFallbacks';

/**
 * Node and bundlers: the pure-JS fallbacks from the npm packages, imported statically. The
 * browser worker bundle replaces this file with `loadCompatInClassicWorker.ts` (scripts/build.mjs),
 * which fetches them as a separate script only on engines that need them, keeping ~23 KB
 * (minified) of tweetnacl and fflate out of the worker.
 *
 * @throws OndeckError `network-failed` (only the browser stand-in: the compat script did not load).
 * @example
 * ```ts
 * const decoded = loadCompat().gunzip(gzipBytes);
 * ```
 */
export function loadCompat(): CompatFallbacks {
  return staticCompatFallbacks;
}
