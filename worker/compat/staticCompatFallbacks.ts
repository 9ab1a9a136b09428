import nacl from 'tweetnacl/nacl.js';
import { gunzipSync } from 'fflate';
import type { CompatFallbacks } from './CompatFallbacks';

/**
 * The {@link CompatFallbacks} from tweetnacl and fflate, imported statically. tweetnacl's
 * reference build (`nacl.js`) rather than `nacl-fast.js`: 2.3 KB (brotli) smaller, and it works
 * on 64-bit floats, so it runs on engines without BigInt (Chromium 56–66 on Tizen 4 / webOS 4);
 * it verifies a signature in ~25 ms on a desktop core, once per manifest. Only
 * `worker/compat/compatMain.ts` (the `ondeck-compat.js` bundle) and the Node-side `loadCompat`
 * import this file: the worker bundle must not, or it carries both libraries again.
 *
 * @example
 * ```ts
 * staticCompatFallbacks.gunzip(gzipBytes);
 * ```
 */
export const staticCompatFallbacks: CompatFallbacks = Object.freeze({
  verifyEd25519: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => nacl.sign.detached.verify(message, signature, publicKey),
  gunzip: (bytes: Uint8Array) => gunzipSync(bytes),
});
