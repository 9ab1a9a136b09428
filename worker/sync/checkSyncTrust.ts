import { OndeckError } from '../../models/errors/OndeckError';
import { MAX_MANIFEST_SIGNATURES } from '../../models/sync/SyncManifest';
import { decodeBase64 } from '../../models/sync/decodeBase64';

/** What a device trusts, as configured: keys, how many must sign, and optionally its publish directory. */
export interface SyncTrustOptions {
  /** Base64 of one raw 32-byte Ed25519 public key (the one-key form of `publicKeys`). */
  readonly publicKey?: string;
  /** Base64 raw 32-byte Ed25519 public keys, any `signatureThreshold` of which must sign a manifest. */
  readonly publicKeys?: readonly string[];
  /** @defaultValue 1 */
  readonly signatureThreshold?: number;
  /** The publish directory's `directoryId`; unset, the first verified manifest's is pinned. */
  readonly syncDirectoryId?: string;
  /** The text of a root document (`roots/N.json`) the app ships: keys then come from the directory's roots. */
  readonly syncRoot?: string;
}

/** {@link SyncTrustOptions}, checked and decoded. */
export interface SyncTrust {
  readonly publicKeys: readonly Uint8Array[];
  readonly threshold: number;
  readonly directoryId?: string;
  /** The shipped root document's text, still to be opened (its signatures are checked asynchronously). */
  readonly rootText?: string;
}

/**
 * Checks what the integrator configured the device to trust: exactly one of `publicKey`,
 * `publicKeys` and `syncRoot`; keys are each a 32-byte key in base64 and no key twice, and a threshold that is an
 * integer between 1 and the number of keys. A mistake here fails start-up (`invalid-argument`)
 * instead of every sync later.
 *
 * @throws OndeckError `invalid-argument` naming the option.
 * @example
 * ```ts
 * const trust = checkSyncTrust({ publicKeys: [keyA, keyB, keyC], signatureThreshold: 2 });
 * ```
 */
export function checkSyncTrust(options: SyncTrustOptions): SyncTrust {
  const refuse = (name: string, reason: string): never => {
    throw new OndeckError('invalid-argument', { name, reason });
  };
  const given = [options.publicKey, options.publicKeys, options.syncRoot].filter((value) => value !== undefined).length;
  if (given !== 1) refuse('publicKey', 'sync needs exactly one of publicKey, publicKeys and syncRoot');
  if (options.syncRoot !== undefined) {
    if (typeof options.syncRoot !== 'string' || options.syncRoot.length > 1 << 20) refuse('syncRoot', 'the text of a root document (roots/N.json)');
    if (options.signatureThreshold !== undefined || options.syncDirectoryId !== undefined) {
      refuse('syncRoot', 'a root names its keys, threshold and directory: signatureThreshold and syncDirectoryId do not apply');
    }
    return { publicKeys: [], threshold: 1, rootText: options.syncRoot };
  }
  const name = options.publicKeys === undefined ? 'publicKey' : 'publicKeys';
  const encoded = options.publicKeys ?? [options.publicKey!];
  if (!Array.isArray(encoded) || encoded.length < 1 || encoded.length > MAX_MANIFEST_SIGNATURES) refuse(name, `1 to ${MAX_MANIFEST_SIGNATURES} keys`);
  const publicKeys = encoded.map((key, index) => {
    const raw = decodeBase64(key, name);
    if (raw.length !== 32) refuse(name, `an Ed25519 public key is 32 bytes, key ${index + 1} is ${raw.length}`);
    return raw;
  });
  if (new Set(encoded).size !== encoded.length) refuse(name, 'the same key is listed twice');
  const threshold = options.signatureThreshold ?? 1;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > publicKeys.length) {
    refuse('signatureThreshold', `an integer from 1 to the ${publicKeys.length} trusted key(s), got ${String(threshold)}`);
  }
  if (options.syncDirectoryId !== undefined && (typeof options.syncDirectoryId !== 'string' || options.syncDirectoryId === '' || options.syncDirectoryId.length > 200)) {
    refuse('syncDirectoryId', 'a non-empty string of at most 200 characters (the directoryId `ondeck publish` prints)');
  }
  return { publicKeys, threshold, ...(options.syncDirectoryId !== undefined ? { directoryId: options.syncDirectoryId } : {}) };
}
