/**
 * Types for tweetnacl's reference build (`nacl.js`, the plain port of TweetNaCl), which the package
 * ships without its own declaration: the same API as the package's main entry (`nacl-fast.js`).
 * `staticCompatFallbacks.ts` uses it because it is 2.3 KB (brotli) smaller; it verifies a signature
 * in ~25 ms on a desktop core, once per manifest.
 */
declare module 'tweetnacl/nacl.js' {
  import nacl from 'tweetnacl';
  export default nacl;
}
