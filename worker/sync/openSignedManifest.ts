import { parseSyncManifest } from '../../models/sync/parseSyncManifest';
import type { SyncManifest } from '../../models/sync/SyncManifest';
import { openSignedEnvelope } from './openSignedEnvelope';
import type { Ed25519Implementation, Ed25519Verifier } from './verifyEd25519';

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
  const { payloadText, verifier } = await openSignedEnvelope(bytes, 'manifest.json', [{ publicKeys, threshold }], implementation);
  return { manifest: parseSyncManifest(payloadText), verifier };
}
