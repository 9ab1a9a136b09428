import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { OndeckError } from '../../errors/OndeckError';
import { keyIdOf } from '../../sync/keyIdOf';
import { parseSignedManifest, parseSyncManifest } from '../../sync/parseSyncManifest';
import { unknownSigningKeyError } from '../../sync/unknownSigningKeyError';
import type { SignedManifest, SyncManifest } from '../../sync/SyncManifest';

/** An Ed25519 key pair as `ondeck keygen` writes it. */
export interface SigningKeyPair {
  /** PKCS#8 PEM of the private key (keep it secret: it signs manifests). */
  readonly privateKeyPem: string;
  /** Base64 of the raw 32-byte public key: what devices are configured with. */
  readonly publicKeyBase64: string;
  /** {@link keyIdOf} the public key. */
  readonly keyId: string;
}

/**
 * A new Ed25519 key pair for signing sync manifests (Node's crypto).
 *
 * @example
 * ```ts
 * const { privateKeyPem, publicKeyBase64 } = generateSigningKeyPair();
 * ```
 */
export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKeyPem, ...publicKeyOf(privateKeyPem) };
}

/**
 * The public half of a PEM private key, as base64 and key id.
 *
 * @throws OndeckError `invalid-argument` when the PEM is not an Ed25519 private key.
 */
export function publicKeyOf(privateKeyPem: string): { publicKeyBase64: string; keyId: string } {
  const raw = rawPublicKey(createPublicKey(loadPrivateKey(privateKeyPem)));
  return { publicKeyBase64: raw.toString('base64'), keyId: keyIdOf(raw) };
}

/**
 * Signs a manifest: the payload is the manifest's compact JSON in UTF-8, and the envelope carries
 * those exact bytes (base64) with the Ed25519 signature over them, so verification never depends on
 * re-serialising JSON.
 *
 * @example
 * ```ts
 * const envelope = signManifest(manifest, await readFile('ondeck-signing-key.pem', 'utf8'));
 * await writeFile('manifest.json', JSON.stringify(envelope));
 * ```
 */
export function signManifest(manifest: SyncManifest, privateKeyPem: string): SignedManifest {
  const key = loadPrivateKey(privateKeyPem);
  const payload = Buffer.from(JSON.stringify(manifest), 'utf8');
  return {
    payload: payload.toString('base64'),
    signature: sign(null, payload, key).toString('base64'),
    keyId: keyIdOf(rawPublicKey(createPublicKey(key))),
  };
}

/**
 * Checks a manifest.json text against a trusted public key (base64, raw 32 bytes) and returns the
 * parsed payload: the cloud-side twin of the device's check, used by `ondeck publish` before it
 * builds on what a directory already holds.
 *
 * @throws OndeckError `signature-invalid` (other key, bad signature) or `sync-manifest-invalid`.
 */
export function verifySignedManifest(text: string, publicKeyBase64: string): SyncManifest {
  const envelope = parseSignedManifest(text);
  const raw = Buffer.from(publicKeyBase64, 'base64');
  if (envelope.keyId !== keyIdOf(raw)) throw unknownSigningKeyError(envelope.keyId, [keyIdOf(raw)]);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  const payload = Buffer.from(envelope.payload, 'base64');
  if (!verify(null, payload, publicKey, Buffer.from(envelope.signature, 'base64'))) {
    throw new OndeckError('signature-invalid', { reason: 'the Ed25519 signature does not match the payload' });
  }
  return parseSyncManifest(payload.toString('utf8'));
}

function loadPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new OndeckError('invalid-argument', { name: 'signing key', reason: `not a PEM private key (${error instanceof Error ? error.message : String(error)})` });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new OndeckError('invalid-argument', { name: 'signing key', reason: `an Ed25519 key is needed, got ${String(key.asymmetricKeyType)}` });
  return key;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(String(jwk.x), 'base64url');
}
