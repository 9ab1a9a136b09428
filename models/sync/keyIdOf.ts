import { sha256 } from '@noble/hashes/sha2.js';

/** Bytes of the digest a key id keeps: 8 bytes, 16 hex digits. */
const KEY_ID_BYTES = 8;

/**
 * The id of a signing key: hex of the first 8 bytes of SHA-256(raw 32-byte Ed25519 public key),
 * 16 lower-case hex digits. It names the key that signed a manifest, so a device with several
 * trusted keys (during a rotation) knows which to try. `ondeck keygen` / `publish` derive it when
 * signing and the device when checking a manifest, from this one function: a rule written twice
 * could drift and make every device refuse every manifest. The hash is the pure-JS one the
 * neutral layer already uses (32 bytes cost nothing), so the result needs neither Node's crypto
 * nor a secure context's SubtleCrypto.
 *
 * @example
 * ```ts
 * keyIdOf(rawPublicKey); // '3f9a0c…' (16 hex digits)
 * ```
 */
export function keyIdOf(rawPublicKey: Uint8Array): string {
  const digest = sha256(rawPublicKey);
  // Hex by hand, not @noble/hashes' bytesToHex: its module builds a table with padStart
  // (Chromium 57), and this runs in the device worker, whose floor is Chromium 56.
  let hex = '';
  for (let i = 0; i < KEY_ID_BYTES; i++) hex += (digest[i] < 16 ? '0' : '') + digest[i].toString(16);
  return hex;
}
