import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { OndeckError } from '../../errors/OndeckError';
import { keyIdOf } from '../../sync/keyIdOf';
import { parseSignedManifest, parseSyncManifest } from '../../sync/parseSyncManifest';
import { requireVerifiedThreshold, selectTrustedSignatures } from '../../sync/selectTrustedSignatures';
import { MAX_MANIFEST_SIGNATURES, type SignedManifest, type SyncManifest } from '../../sync/SyncManifest';

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

/** The base64 public halves of one or several PEM private keys, in order. */
export function publicKeysOf(privateKeyPems: string | readonly string[]): string[] {
  return (typeof privateKeyPems === 'string' ? [privateKeyPems] : privateKeyPems).map((pem) => publicKeyOf(pem).publicKeyBase64);
}

/**
 * Signs a manifest with one or several keys: the payload is the manifest's compact JSON in UTF-8,
 * and the envelope carries those exact bytes (base64) with one Ed25519 signature over them per key,
 * so verification never depends on re-serialising JSON. The first signature is repeated in the
 * single-key fields that SDKs before several keys read.
 *
 * @example
 * ```ts
 * const envelope = signManifest(manifest, [onlineKeyPem, secondKeyPem]);
 * await writeFile('manifest.json', JSON.stringify(envelope));
 * ```
 */
export function signManifest(manifest: SyncManifest, privateKeyPems: string | readonly string[]): SignedManifest {
  return signDocument(manifest, privateKeyPems);
}

/**
 * Signs any document (a manifest, a root document) as {@link signManifest} does: its compact JSON
 * bytes in the envelope, one Ed25519 signature per key.
 *
 * @throws OndeckError `invalid-argument` for no key, too many, a key given twice or a key that is not Ed25519.
 */
export function signDocument(document: object, privateKeyPems: string | readonly string[]): SignedManifest {
  const pems = typeof privateKeyPems === 'string' ? [privateKeyPems] : privateKeyPems;
  if (pems.length < 1 || pems.length > MAX_MANIFEST_SIGNATURES) {
    throw new OndeckError('invalid-argument', { name: 'signing keys', reason: `1 to ${MAX_MANIFEST_SIGNATURES} keys sign a document, got ${pems.length}` });
  }
  const payload = Buffer.from(JSON.stringify(document), 'utf8');
  const signatures = pems.map((pem) => {
    const key = loadPrivateKey(pem);
    return { keyId: keyIdOf(rawPublicKey(createPublicKey(key))), signature: sign(null, payload, key).toString('base64') };
  });
  if (new Set(signatures.map((entry) => entry.keyId)).size !== signatures.length) {
    throw new OndeckError('invalid-argument', { name: 'signing keys', reason: 'the same key is given twice' });
  }
  return { payload: payload.toString('base64'), signatures, signature: signatures[0]!.signature, keyId: signatures[0]!.keyId };
}

/**
 * Checks a manifest.json text against trusted public keys (base64, raw 32 bytes) and returns the
 * parsed payload: the cloud-side twin of the device's check, used by `ondeck publish` before it
 * builds on what a directory already holds. At least `threshold` signatures of distinct trusted
 * keys must verify.
 *
 * @throws OndeckError `signature-invalid` (other key, bad signature, too few) or `sync-manifest-invalid`.
 */
export function verifySignedManifest(text: string, publicKeysBase64: string | readonly string[], threshold = 1): SyncManifest {
  return parseSyncManifest(verifiedPayload(text, [{ publicKeysBase64: typeof publicKeysBase64 === 'string' ? [publicKeysBase64] : publicKeysBase64, threshold }]));
}

/**
 * The payload text of a signed envelope once, for each requirement, at least its threshold of its
 * keys signed it (the Node twin of the device's `openSignedEnvelope`).
 *
 * @throws OndeckError `signature-invalid` or `sync-manifest-invalid`.
 */
export function verifiedPayload(text: string, requirements: readonly { readonly publicKeysBase64: readonly string[]; readonly threshold: number }[]): string {
  const envelope = parseSignedManifest(text);
  const payload = Buffer.from(envelope.payload, 'base64');
  for (const { publicKeysBase64, threshold } of requirements) {
    const raws = publicKeysBase64.map((key) => Buffer.from(key, 'base64'));
    const candidates = selectTrustedSignatures(
      envelope,
      raws.map((raw) => keyIdOf(raw)),
      threshold,
    );
    let valid = 0;
    for (const { keyIndex, signature } of candidates) {
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raws[keyIndex]!.toString('base64url') }, format: 'jwk' });
      if (verify(null, payload, publicKey, Buffer.from(signature, 'base64'))) valid++;
    }
    requireVerifiedThreshold(valid, threshold);
  }
  return payload.toString('utf8');
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
