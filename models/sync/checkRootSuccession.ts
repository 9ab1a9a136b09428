import { OndeckError } from '../errors/OndeckError';
import type { KeyRole, SyncRoot } from './SyncRoot';

/** A role's keys as a verifier takes them: base64 public keys with their ids, in order, and the threshold. */
export interface RoleKeys {
  readonly keyIds: readonly string[];
  /** Base64 raw 32-byte Ed25519 public keys, in the order of `keyIds`. */
  readonly publicKeys: readonly string[];
  readonly threshold: number;
}

/**
 * The keys of one of `root`'s roles (`root` signs the next root document, `manifest` signs
 * manifests), looked up in its key list.
 *
 * @example
 * ```ts
 * const { publicKeys, threshold } = roleKeys(root, 'manifest');
 * ```
 */
export function roleKeys(root: SyncRoot, role: 'root' | 'manifest'): RoleKeys {
  const { keyIds, threshold }: KeyRole = root[role];
  return { keyIds, publicKeys: keyIds.map((keyId) => root.keys[keyId]!), threshold };
}

/**
 * TUF's rule for moving from a trusted root to the next one, apart from the signatures (the
 * caller checks that `next` is signed by the root role of `previous` AND by its own): it is
 * exactly the next version, of the same publish directory.
 *
 * @throws OndeckError `sync-refused`.
 */
export function checkRootSuccession(previous: SyncRoot, next: SyncRoot): void {
  if (next.version !== previous.version + 1) {
    throw new OndeckError('sync-refused', { reason: `root version ${next.version} does not follow the trusted root version ${previous.version}` });
  }
  if (next.directoryId !== previous.directoryId) {
    throw new OndeckError('sync-refused', { reason: `root version ${next.version} is for publish directory ${next.directoryId}, not ${previous.directoryId}` });
  }
}
