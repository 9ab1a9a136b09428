import { sha256 } from '@noble/hashes/sha2.js';

declare const crypto: { subtle?: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } } | undefined;

/**
 * Lower-case hex SHA-256 of `bytes`: SubtleCrypto where the engine has it (secure contexts),
 * the audited pure-JS `@noble/hashes` elsewhere (pages served over plain http on a LAN, old
 * engines), so a missing SubtleCrypto never means an unverified model.
 *
 * @example
 * ```ts
 * if ((await sha256Hex(bytes)) !== entry.sha256) throw …;
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  let digest: Uint8Array;
  const subtle = typeof crypto !== 'undefined' ? crypto.subtle : undefined;
  if (subtle) {
    digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  } else {
    digest = sha256(bytes);
  }
  let hex = '';
  for (let i = 0; i < digest.length; i++) hex += (digest[i] < 16 ? '0' : '') + digest[i].toString(16);
  return hex;
}
