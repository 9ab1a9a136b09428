import { OndeckError } from '../../models/errors/OndeckError';
import { keyIdOf } from '../../models/sync/keyIdOf';
import { parseSignedManifest, parseSyncManifest } from '../../models/sync/parseSyncManifest';
import type { SyncManifest } from '../../models/sync/SyncManifest';
import { decodeBase64 } from './decodeBase64';
import { unknownSigningKeyError } from '../../models/sync/unknownSigningKeyError';
import { verifyEd25519, type Ed25519Implementation, type Ed25519Verifier } from './verifyEd25519';

/** A manifest whose signature verified. */
export interface VerifiedManifest {
  readonly manifest: SyncManifest;
  /** Which implementation checked the signature. */
  readonly verifier: Ed25519Verifier;
}

/**
 * Opens manifest.json: checks the envelope's shape, that it was signed by the configured key
 * (its `keyId`, then the Ed25519 signature over the exact payload bytes), and only then parses the
 * payload. Nothing of an unverified payload is ever read, so a forged manifest cannot even make
 * the device allocate for a huge blob.
 *
 * @param publicKey Raw 32-byte Ed25519 key the device trusts.
 * @throws OndeckError `sync-manifest-invalid` (malformed envelope or payload), `signature-invalid`
 *   (another key, or a signature that does not verify).
 * @example
 * ```ts
 * const { manifest, verifier } = await openSignedManifest(bytes, publicKey);
 * ```
 */
export async function openSignedManifest(bytes: Uint8Array, publicKey: Uint8Array, implementation: Ed25519Implementation = 'auto'): Promise<VerifiedManifest> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OndeckError('sync-manifest-invalid', { field: 'manifest.json', reason: 'not UTF-8' });
  }
  const envelope = parseSignedManifest(text);
  const keyId = keyIdOf(publicKey);
  if (envelope.keyId !== keyId) throw unknownSigningKeyError(envelope.keyId, [keyId]);
  const payload = decodeBase64(envelope.payload, 'payload');
  const verifier = await verifyEd25519(payload, decodeBase64(envelope.signature, 'signature'), publicKey, implementation);
  let payloadText: string;
  try {
    payloadText = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    throw new OndeckError('sync-manifest-invalid', { field: 'payload', reason: 'not UTF-8' });
  }
  return { manifest: parseSyncManifest(payloadText), verifier };
}
