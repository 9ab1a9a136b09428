import { decodeBase64 } from '../../models/sync/decodeBase64';
import { checkRootSuccession, roleKeys } from '../../models/sync/checkRootSuccession';
import { parseSyncRoot } from '../../models/sync/parseSyncRoot';
import type { SyncRoot } from '../../models/sync/SyncRoot';
import { openSignedEnvelope, type TrustedKeys } from './openSignedEnvelope';
import type { Ed25519Implementation } from './verifyEd25519';

/** A role's keys decoded for {@link openSignedEnvelope}. */
export function trustedKeysOf(root: SyncRoot, role: 'root' | 'manifest'): TrustedKeys {
  const { publicKeys, threshold } = roleKeys(root, role);
  return { publicKeys: publicKeys.map((key) => decodeBase64(key, `root key`)), threshold };
}

/**
 * Opens a root document. With `trusted`, it must be the next root after it: signed by the
 * threshold of `trusted`'s root keys (checked before its payload is read) and by the threshold of
 * its own root keys, one version up, for the same publish directory. Without, it is the root the
 * app shipped with, and must be signed by its own root keys.
 *
 * @throws OndeckError `signature-invalid`, `sync-manifest-invalid`, `sync-refused`.
 * @example
 * ```ts
 * const next = await openRootDocument(bytes, 'roots/3.json', currentRoot);
 * ```
 */
export async function openRootDocument(bytes: Uint8Array, what: string, trusted?: SyncRoot, implementation: Ed25519Implementation = 'auto'): Promise<SyncRoot> {
  if (!trusted) {
    // The shipped root is trusted because the app carries it; its own signatures prove it is whole.
    const unverified = await openSignedEnvelope(bytes, what, [], implementation);
    const root = parseSyncRoot(unverified.payloadText);
    await openSignedEnvelope(bytes, what, [trustedKeysOf(root, 'root')], implementation);
    return root;
  }
  const opened = await openSignedEnvelope(bytes, what, [trustedKeysOf(trusted, 'root')], implementation);
  const next = parseSyncRoot(opened.payloadText);
  checkRootSuccession(trusted, next);
  await openSignedEnvelope(bytes, what, [trustedKeysOf(next, 'root')], implementation);
  return next;
}
