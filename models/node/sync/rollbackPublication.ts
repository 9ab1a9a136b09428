import { OndeckError } from '../../errors/OndeckError';
import { checkManifestLifetime, publishNextVersion, toModel, type PublishResult } from './publishModel';
import { publicKeysOf } from './manifestSigning';
import { readPublishedManifest, readSnapshotFiles, readVersionManifest } from './publicationFiles';
import { pathExists } from './pathExists';
import { withPublicationLock } from './withPublicationLock';
import { keysOfDirectory } from './publishRoot';

/** Options of {@link rollbackPublication}. */
export interface RollbackOptions {
  readonly outDirectory: string;
  /** See `PublishOptions.privateKeyPem`. */
  readonly privateKeyPem: string | readonly string[];
  /** The older published version whose model comes back. */
  readonly version: number;
  /** See `PublishOptions.expiresInMs`. */
  readonly expiresInMs?: number;
  /** Deltas listed in the manifest. @defaultValue 7 */
  readonly keepDeltas?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/** What {@link rollbackPublication} did: a publish, plus the version whose model it restored. */
export interface RollbackResult extends PublishResult {
  readonly restoredVersion: number;
}

/**
 * `ondeck publish --rollback N`: publishes version N's model again, as a new version above every
 * version published so far (TUF: versions only go up). Devices never install a version lower than
 * one they have verified, so a rollback cannot be a lower number; as a new version it reaches every
 * device by the usual path (a delta from the newest version where that is smaller), and a replay
 * of the withdrawn version's manifest is refused like any older manifest. Version N's snapshot
 * must still be in the directory. Runs under the directory's lock ({@link withPublicationLock}).
 *
 * @throws OndeckError `invalid-argument` when N was never published, is not older than the current
 *   version, or its snapshot was pruned; `signature-invalid` for a directory signed with another key;
 *   `publication-locked` while a publish or prune writes the directory.
 * @example
 * ```ts
 * const { manifest } = await rollbackPublication({ outDirectory: 'cdn', privateKeyPem, version: 3 });
 * // manifest.version is above every earlier version; its model is version 3's
 * ```
 */
export async function rollbackPublication(options: RollbackOptions): Promise<RollbackResult> {
  const { outDirectory, privateKeyPem } = options;
  checkManifestLifetime(options.expiresInMs);
  const givenKeys = publicKeysOf(privateKeyPem);
  // Taking the lock would create the directory: a mistyped --out must not leave one behind.
  if (!(await pathExists(outDirectory))) throw nothingPublished(outDirectory);
  return withPublicationLock(outDirectory, 'rollback', async () => {
    const publicKeyBase64 = await keysOfDirectory(outDirectory, givenKeys);
    const current = await readPublishedManifest(outDirectory, publicKeyBase64);
    if (!current) throw nothingPublished(outDirectory);
    const { version } = options;
    if (!(version < current.version)) {
      throw new OndeckError('invalid-argument', { name: 'rollback', reason: `version ${version} is not older than the current version ${current.version}` });
    }
    const target = await readVersionManifest(outDirectory, version, publicKeyBase64);
    const files = await readSnapshotFiles(outDirectory, target).catch((error: unknown) => {
      throw new OndeckError('invalid-argument', {
        name: 'rollback',
        reason: `the snapshot of version ${version} cannot be read (${error instanceof Error ? error.message : String(error)}); was it pruned?`,
      });
    });
    const restored = toModel(files);
    const result = await publishNextVersion(
      { ...options, newLineage: restored.manifest.lineageId !== current.lineageId, rowTolerance: 0, popularityTolerance: 0 },
      publicKeyBase64,
      options.keepDeltas ?? 7,
      0.2,
      restored,
      current,
    );
    return { ...result, restoredVersion: version };
  });
}

function nothingPublished(outDirectory: string): OndeckError {
  return new OndeckError('invalid-argument', { name: 'rollback', reason: `nothing is published in ${outDirectory}` });
}
