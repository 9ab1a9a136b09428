import { OndeckError, isOndeckError } from '../../models/errors/OndeckError';
import { keyIdOf } from '../../models/sync/keyIdOf';
import { parseSignedManifest, parseSyncManifest } from '../../models/sync/parseSyncManifest';
import type { SyncManifest } from '../../models/sync/SyncManifest';
import { decodeBase64 } from './decodeBase64';
import { requireVerifiedThreshold, selectTrustedSignatures } from '../../models/sync/selectTrustedSignatures';
import { verifyEd25519, type Ed25519Implementation, type Ed25519Verifier } from './verifyEd25519';

/** A manifest whose signature verified. */
export interface VerifiedManifest {
  readonly manifest: SyncManifest;
  /** Which implementation checked the signature. */
  readonly verifier: Ed25519Verifier;
}

/**
 * Opens manifest.json: checks the envelope's shape, that at least `threshold` of its signatures
 * are by distinct keys the device trusts (their `keyId`s, then the Ed25519 signatures over the
 * exact payload bytes), and only then parses the payload. Nothing of an unverified payload is ever
 * read, so a forged manifest cannot even make the device allocate for a huge blob.
 *
 * @param publicKeys Raw 32-byte Ed25519 keys the device trusts.
 * @param threshold How many of them must have signed.
 * @throws OndeckError `sync-manifest-invalid` (malformed envelope or payload), `signature-invalid`
 *   (another key, or a signature that does not verify).
 * @example
 * ```ts
 * const { manifest, verifier } = await openSignedManifest(bytes, [publicKey], 1);
 * ```
 */
export async function openSignedManifest(
  bytes: Uint8Array,
  publicKeys: readonly Uint8Array[],
  threshold: number,
  implementation: Ed25519Implementation = 'auto',
): Promise<VerifiedManifest> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OndeckError('sync-manifest-invalid', { field: 'manifest.json', reason: 'not UTF-8' });
  }
  const envelope = parseSignedManifest(text);
  const candidates = selectTrustedSignatures(
    envelope,
    publicKeys.map((key) => keyIdOf(key)),
    threshold,
  );
  const payload = decodeBase64(envelope.payload, 'payload');
  let valid = 0;
  let verifier: Ed25519Verifier | undefined;
  for (const { keyIndex, signature } of candidates) {
    try {
      verifier = await verifyEd25519(payload, decodeBase64(signature, 'signature'), publicKeys[keyIndex]!, implementation);
      valid++;
    } catch (error) {
      // A signature that does not verify only counts against the threshold; anything else (the
      // compat script failed to load) is the attempt's failure.
      if (!isOndeckError(error, 'signature-invalid')) throw error;
    }
  }
  requireVerifiedThreshold(valid, threshold);
  let payloadText: string;
  try {
    payloadText = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    throw new OndeckError('sync-manifest-invalid', { field: 'payload', reason: 'not UTF-8' });
  }
  return { manifest: parseSyncManifest(payloadText), verifier: verifier! };
}
