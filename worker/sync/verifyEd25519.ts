import { OndeckError } from '../../models/errors/OndeckError';
import { loadCompat } from '../compat/loadCompat';

/** Which implementation checks signatures: `auto` prefers SubtleCrypto, `js` forces tweetnacl. */
export type Ed25519Implementation = 'auto' | 'js';

/** What {@link verifyEd25519} used, for status and tests. */
export type Ed25519Verifier = 'webcrypto' | 'tweetnacl';

/** The part of SubtleCrypto this needs (the DOM lib types of `verify` are narrower than engines). */
interface Ed25519Subtle {
  importKey(format: 'raw', key: Uint8Array, algorithm: { name: string }, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: { name: string }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

/** L, the order of the Ed25519 base point, little-endian (RFC 8032 §5.1). */
const GROUP_ORDER = new Uint8Array([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/**
 * Verifies an Ed25519 signature (RFC 8032, pure Ed25519) of `message` under a raw 32-byte public
 * key. SubtleCrypto (`importKey('raw', …, {name: 'Ed25519'})`) where the engine has it (Chromium
 * ≥ 113 and secure contexts); everywhere else tweetnacl, an audited pure-JS port of TweetNaCl that
 * works on 64-bit floats, so it also runs on engines without BigInt (Chromium 56–66 on Tizen 4 /
 * webOS 4), where BigInt-based libraries such as @noble/ed25519 cannot even parse. Both paths
 * reject a non-canonical `S` (≥ L, RFC 8032 §5.1.7), which tweetnacl alone would accept, so the
 * answer never depends on the engine. In the browser worker tweetnacl lives in `ondeck-compat.js`,
 * fetched on first need only (see `loadCompat`).
 *
 * @returns which implementation gave the (true) answer.
 * @throws OndeckError `signature-invalid` when the signature does not verify; `network-failed`
 *   when the JS path is needed and the worker cannot load `ondeck-compat.js`.
 * @example
 * ```ts
 * await verifyEd25519(payloadBytes, decodeBase64(envelope.signature, 'signature'), publicKey);
 * ```
 */
export async function verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array, implementation: Ed25519Implementation = 'auto'): Promise<Ed25519Verifier> {
  if (publicKey.length !== 32) throw new OndeckError('invalid-argument', { name: 'publicKey', reason: `an Ed25519 public key is 32 bytes, got ${publicKey.length}` });
  if (signature.length !== 64 || !isCanonicalScalar(signature.subarray(32))) {
    throw new OndeckError('signature-invalid', { reason: `malformed signature (${signature.length} bytes)` });
  }
  const subtle = implementation === 'auto' ? ed25519Subtle() : undefined;
  if (subtle) {
    // Engines without Ed25519 in SubtleCrypto (WebKit before 2.40, Chromium before 113) reject
    // the import with NotSupportedError: that, and only a thrown error, means "use the JS path".
    const valid = await subtle
      .importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])
      .then((key) => subtle.verify({ name: 'Ed25519' }, key, signature, message))
      .catch(() => undefined);
    if (valid === false) throw new OndeckError('signature-invalid', { reason: 'the Ed25519 signature does not match the payload' });
    if (valid === true) return 'webcrypto';
  }
  if (!loadCompat().verifyEd25519(message, signature, publicKey)) throw new OndeckError('signature-invalid', { reason: 'the Ed25519 signature does not match the payload' });
  return 'tweetnacl';
}

function ed25519Subtle(): Ed25519Subtle | undefined {
  // Only secure contexts have crypto.subtle; http pages on a LAN get the JS path.
  const subtle = typeof crypto !== 'undefined' ? (crypto.subtle as unknown as Ed25519Subtle | undefined) : undefined;
  return subtle && typeof subtle.importKey === 'function' ? subtle : undefined;
}

/** `S < L`, comparing little-endian byte strings from the most significant byte. */
function isCanonicalScalar(scalar: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (scalar[i] !== GROUP_ORDER[i]) return scalar[i] < GROUP_ORDER[i];
  }
  return false;
}
