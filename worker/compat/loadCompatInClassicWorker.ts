import type { CompatFallbacks, CompatGlobalScope } from './CompatFallbacks';
import { OndeckError } from '../../models/errors/OndeckError';

declare const self: CompatGlobalScope & { importScripts?: (...urls: string[]) => void; location?: { readonly href: string } };

/** The compat bundle's file name; the build puts it next to `ondeck-worker.js`. */
export const COMPAT_SCRIPT_FILE = 'ondeck-compat.js';

/**
 * Stands in for `loadCompat` in the browser worker bundle (scripts/build.mjs swaps it in): loads
 * `ondeck-compat.js` from next to the worker script with `importScripts` (synchronous in a classic
 * worker) the first time a fallback is needed, then reuses the `ondeckCompat` global it defines.
 * A page that included the script with a `<script>` tag already has the global and loads nothing.
 * A failed load is not remembered, so the next sync tries again.
 *
 * @throws OndeckError `network-failed` when the script cannot be fetched or run, or defines no
 *   fallbacks: the sync is retried later, as after any download failure.
 * @example
 * ```ts
 * if (!loadCompat().verifyEd25519(message, signature, publicKey)) throw new OndeckError('signature-invalid');
 * ```
 */
export function loadCompat(): CompatFallbacks {
  const loaded = self.ondeckCompat;
  if (isComplete(loaded)) return loaded;
  let url = COMPAT_SCRIPT_FILE;
  try {
    // The worker's own URL: the build ships the compat script next to ondeck-worker.js, and a
    // service worker precaches it there too.
    url = new URL(COMPAT_SCRIPT_FILE, self.location ? self.location.href : undefined).href;
    if (typeof self.importScripts !== 'function') throw new Error('importScripts is not available (not a classic worker)');
    self.importScripts(url);
  } catch (error) {
    throw new OndeckError('network-failed', { url, reason: error instanceof Error ? error.message : String(error) });
  }
  const fallbacks = self.ondeckCompat;
  if (!isComplete(fallbacks)) throw new OndeckError('network-failed', { url, reason: `${COMPAT_SCRIPT_FILE} did not define self.ondeckCompat` });
  return fallbacks;
}

function isComplete(fallbacks: CompatFallbacks | undefined): fallbacks is CompatFallbacks {
  return fallbacks !== undefined && typeof fallbacks.verifyEd25519 === 'function' && typeof fallbacks.gunzip === 'function';
}
