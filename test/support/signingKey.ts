import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair for tests, with the raw public key as the device is configured with it. */
export interface TestSigningKey {
  readonly privateKey: KeyObject;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  readonly publicKeyBase64: string;
  /** Ed25519 signature of `message` (64 bytes). */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * A fresh Ed25519 key pair from Node's crypto (the cloud side's signer is not needed to test the
 * device's verifier).
 *
 * @example
 * ```ts
 * const key = testSigningKey();
 * await verifyEd25519(message, key.sign(message), key.publicKey);
 * ```
 */
export function testSigningKey(): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // The SPKI DER of an Ed25519 key ends with the 32 raw key bytes.
  const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
  return {
    privateKey,
    publicKey: raw,
    publicKeyBase64: Buffer.from(raw).toString('base64'),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}
