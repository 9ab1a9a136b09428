import { join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import type { SyncManifest } from '../../sync/SyncManifest';
import { publicKeyOf, signManifest } from './manifestSigning';
import { listPublishedVersions, readPublishedManifest, readVersionManifest, writeSignedManifest } from './publicationFiles';
import { pathExists } from './pathExists';
import { withPublicationLock } from './withPublicationLock';

/** Options of {@link rollbackPublication}. */
export interface RollbackOptions {
  readonly outDirectory: string;
  readonly privateKeyPem: string;
  /** The older published version to go back to. */
  readonly version: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/**
 * `ondeck publish --rollback N`: makes an older published version current again with a newly
 * signed manifest marked `rollback: true` and `rollbackFrom` = the newest version published so far.
 * Devices accept a lower version only from such a manifest, and only if they serve a version no
 * newer than `rollbackFrom`, so the rollback cannot be replayed later against newer versions.
 * The snapshot and deltas of version N are reused as they are (blobs are immutable); the next
 * publish continues from N with a version above `rollbackFrom`. Runs under the directory's lock
 * ({@link withPublicationLock}).
 *
 * @throws OndeckError `invalid-argument` when N was never published, is not older than the newest
 *   version, or its snapshot was pruned; `signature-invalid` for a directory signed with another key;
 *   `publication-locked` while a publish or prune writes the directory.
 * @example
 * ```ts
 * await rollbackPublication({ outDirectory: 'cdn', privateKeyPem, version: 3 });
 * ```
 */
export async function rollbackPublication(options: RollbackOptions): Promise<SyncManifest> {
  const { outDirectory, privateKeyPem } = options;
  const { publicKeyBase64 } = publicKeyOf(privateKeyPem);
  // Taking the lock would create the directory: a mistyped --out must not leave one behind.
  if (!(await pathExists(outDirectory))) throw nothingPublished(outDirectory);
  return withPublicationLock(outDirectory, 'rollback', () => rollBack(options, publicKeyBase64));
}

/** The rollback itself; the caller holds the directory's lock. */
async function rollBack(options: RollbackOptions, publicKeyBase64: string): Promise<SyncManifest> {
  const { outDirectory, privateKeyPem, version } = options;
  const current = await readPublishedManifest(outDirectory, publicKeyBase64);
  if (!current) throw nothingPublished(outDirectory);
  const newest = Math.max(current.version, current.rollbackFrom ?? 0, ...(await listPublishedVersions(outDirectory)));
  if (!(version < newest)) throw new OndeckError('invalid-argument', { name: 'rollback', reason: `version ${version} is not older than the newest published version ${newest}` });
  const target = await readVersionManifest(outDirectory, version, publicKeyBase64);
  if (!(await pathExists(join(outDirectory, target.snapshot.path)))) {
    throw new OndeckError('invalid-argument', { name: 'rollback', reason: `the snapshot of version ${version} was pruned` });
  }
  // Keep the newest run of deltas whose blobs are all still there (the chain must end at N).
  const deltas = [...target.deltas];
  for (let index = deltas.length - 1; index >= 0; index--) {
    if (!(await pathExists(join(outDirectory, deltas[index].path)))) {
      deltas.splice(0, index + 1);
      break;
    }
  }
  const manifest: SyncManifest = {
    ...target,
    deltas,
    rollback: true,
    rollbackFrom: newest,
    publishedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  await writeSignedManifest(outDirectory, signManifest(manifest, privateKeyPem), version, false);
  return manifest;
}

function nothingPublished(outDirectory: string): OndeckError {
  return new OndeckError('invalid-argument', { name: 'rollback', reason: `nothing is published in ${outDirectory}` });
}
