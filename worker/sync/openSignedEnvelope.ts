import { OndeckError, isOndeckError } from '../../models/errors/OndeckError';
import { decodeBase64 } from '../../models/sync/decodeBase64';
import { keyIdOf } from '../../models/sync/keyIdOf';
import { parseSignedManifest } from '../../models/sync/parseSyncManifest';
import { requireVerifiedThreshold, selectTrustedSignatures } from '../../models/sync/selectTrustedSignatures';
import type { SignedManifest } from '../../models/sync/SyncManifest';
import { verifyEd25519, type Ed25519Implementation, type Ed25519Verifier } from './verifyEd25519';

/** A threshold of trusted keys: any `threshold` of `publicKeys` must have signed. */
export interface TrustedKeys {
  /** Raw 32-byte Ed25519 public keys. */
  readonly publicKeys: readonly Uint8Array[];
  readonly threshold: number;
}

/** An envelope whose signatures satisfied every required set of keys. */
export interface OpenedEnvelope {
  readonly envelope: SignedManifest;
  /** The payload's text: only now safe to parse. */
  readonly payloadText: string;
  /** Which implementation checked the signatures. */
  readonly verifier: Ed25519Verifier;
}

/**
 * Opens a signed envelope (manifest.json, or a root document): checks its shape, then for each of
 * `requirements` that at least its threshold of its keys signed the exact payload bytes (their
 * key ids select the signatures, Ed25519 decides), and only then decodes the payload. A root
 * rotation passes two requirements: the old root's keys and the new root's own.
 *
 * @param what names the document in errors (`manifest.json`, `roots/3.json`).
 * @throws OndeckError `sync-manifest-invalid` (malformed, not UTF-8), `signature-invalid`.
 * @example
 * ```ts
 * const { payloadText } = await openSignedEnvelope(bytes, 'manifest.json', [{ publicKeys, threshold: 1 }]);
 * ```
 */
export async function openSignedEnvelope(
  bytes: Uint8Array,
  what: string,
  requirements: readonly TrustedKeys[],
  implementation: Ed25519Implementation = 'auto',
): Promise<OpenedEnvelope> {
  const envelope = parseSignedManifest(utf8(bytes, what));
  const payload = decodeBase64(envelope.payload, 'payload');
  let verifier: Ed25519Verifier | undefined;
  for (const { publicKeys, threshold } of requirements) {
    const candidates = selectTrustedSignatures(
      envelope,
      publicKeys.map((key) => keyIdOf(key)),
      threshold,
    );
    let valid = 0;
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
  }
  return { envelope, payloadText: utf8(payload, `${what} payload`), verifier: verifier! };
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OndeckError('sync-manifest-invalid', { field: what, reason: 'not UTF-8' });
  }
}
