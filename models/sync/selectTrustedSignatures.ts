import { OndeckError } from '../errors/OndeckError';
import type { SignedManifest } from './SyncManifest';
import { unknownSigningKeyError } from './unknownSigningKeyError';

/** A signature of the envelope made by a trusted key, still to be verified. */
export interface TrustedSignature {
  /** Index of the signing key in the trusted list. */
  readonly keyIndex: number;
  /** Base64 Ed25519 signature of the payload bytes. */
  readonly signature: string;
}

/**
 * The first step of a threshold check, the same on the device and in the cloud: the envelope's
 * signatures whose key ids are trusted (at most one per key, as the envelope's ids are distinct),
 * refusing at once when fewer than `threshold` could ever verify. Each side then verifies them with
 * its own Ed25519 and calls {@link requireVerifiedThreshold}.
 *
 * @param trustedKeyIds key ids of the trusted public keys, in their order.
 * @throws OndeckError `signature-invalid` naming the signing and trusted key ids.
 * @example
 * ```ts
 * const candidates = selectTrustedSignatures(envelope, trustedKeyIds, 2);
 * let valid = 0;
 * for (const { keyIndex, signature } of candidates) if (verify(payload, signature, keys[keyIndex])) valid++;
 * requireVerifiedThreshold(valid, 2);
 * ```
 */
export function selectTrustedSignatures(envelope: SignedManifest, trustedKeyIds: readonly string[], threshold: number): TrustedSignature[] {
  const selected: TrustedSignature[] = [];
  for (const { keyId, signature } of envelope.signatures) {
    const keyIndex = trustedKeyIds.indexOf(keyId);
    if (keyIndex >= 0) selected.push({ keyIndex, signature });
  }
  if (selected.length === 0)
    throw unknownSigningKeyError(
      envelope.signatures.map((entry) => entry.keyId),
      trustedKeyIds,
    );
  if (selected.length < threshold) {
    throw new OndeckError('signature-invalid', { reason: `signed by ${selected.length} trusted key(s), ${threshold} are required` });
  }
  return selected;
}

/**
 * The second step: `valid` of the selected signatures verified; fewer than `threshold` is refused.
 *
 * @throws OndeckError `signature-invalid`.
 */
export function requireVerifiedThreshold(valid: number, threshold: number): void {
  if (valid >= threshold) return;
  throw new OndeckError('signature-invalid', {
    reason: threshold === 1 ? 'the Ed25519 signature does not match the payload' : `${valid} of the ${threshold} required Ed25519 signatures match the payload`,
  });
}
