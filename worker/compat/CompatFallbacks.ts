/**
 * The pure-JS fallbacks of the device's sync code, for engines that lack the native primitive:
 * Ed25519 in SubtleCrypto (WPE WebKit, Chromium < 113, non-secure contexts) or
 * `DecompressionStream` (WPE 2.38, older TV engines). In the browser they ship in their own
 * classic script, `ondeck-compat.js`, which the worker loads only when it needs one of them;
 * Node and bundlers import them statically (see `loadCompat`).
 *
 * @example
 * ```ts
 * const fallbacks: CompatFallbacks = loadCompat();
 * if (!fallbacks.verifyEd25519(message, signature, publicKey)) throw new Error('bad signature');
 * ```
 */
export interface CompatFallbacks {
  /** tweetnacl's `sign.detached.verify`: true when `signature` is `message` signed under `publicKey`. */
  readonly verifyEd25519: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;
  /** fflate's `gunzipSync`: the decoded bytes, or a thrown `Error` for a stream that is not valid gzip. */
  readonly gunzip: (bytes: Uint8Array) => Uint8Array;
}

/**
 * The global scope as `ondeck-compat.js` leaves it: the fallbacks under `ondeckCompat`.
 *
 * @example
 * ```ts
 * const fallbacks = (self as CompatGlobalScope).ondeckCompat;
 * ```
 */
export interface CompatGlobalScope {
  ondeckCompat?: CompatFallbacks;
}
