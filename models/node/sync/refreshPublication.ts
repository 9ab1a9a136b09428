import { randomUUID } from 'node:crypto';
import { OndeckError } from '../../errors/OndeckError';
import type { SyncManifest } from '../../sync/SyncManifest';
import { publicKeysOf, signManifest } from './manifestSigning';
import { pathExists } from './pathExists';
import { checkManifestLifetime, manifestExpiry, refuseUnlessRootTrusts } from './publishModel';
import { readPublishedManifest, writeSignedManifest } from './publicationFiles';
import { withPublicationLock } from './withPublicationLock';
import { keysOfDirectory, readNewestRoot } from './publishRoot';

/** Options of {@link refreshPublication}. */
export interface RefreshOptions {
  readonly outDirectory: string;
  /** See `PublishOptions.privateKeyPem`. */
  readonly privateKeyPem: string | readonly string[];
  /** See `PublishOptions.expiresInMs`. @defaultValue 5 days */
  readonly expiresInMs?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/**
 * `ondeck publish --refresh`: re-signs the current manifest with a new expiry and nothing else
 * changed (a directory published before identities existed also gets its `directoryId`) (same version, blobs, deltas and `publishedAt`), for a scheduled job that keeps devices
 * fresh between model releases. Devices take it as "still current" and their `freshUntil` moves.
 * The archived `versions/N.json` is left as it was published. Runs under the directory's lock.
 *
 * @throws OndeckError `invalid-argument` when nothing is published there, `signature-invalid`
 *   for a directory another key signed, `publication-locked` while another run writes it.
 * @example
 * ```ts
 * const manifest = await refreshPublication({ outDirectory: 'cdn', privateKeyPem });
 * console.log(manifest.expires);
 * ```
 */
export async function refreshPublication(options: RefreshOptions): Promise<SyncManifest> {
  const { outDirectory, privateKeyPem } = options;
  checkManifestLifetime(options.expiresInMs);
  const givenKeys = publicKeysOf(privateKeyPem);
  const nothing = (): OndeckError => new OndeckError('invalid-argument', { name: 'refresh', reason: `nothing is published in ${outDirectory}` });
  if (!(await pathExists(outDirectory))) throw nothing();
  return withPublicationLock(outDirectory, 'refresh', async () => {
    const publicKeyBase64 = await keysOfDirectory(outDirectory, givenKeys);
    const current = await readPublishedManifest(outDirectory, publicKeyBase64);
    if (!current) throw nothing();
    const now = options.now?.() ?? new Date();
    // Also gives a directory published before expiries and identities existed its first ones.
    const manifest: SyncManifest = {
      ...current,
      directoryId: current.directoryId ?? (await readNewestRoot(outDirectory))?.directoryId ?? randomUUID(),
      expires: manifestExpiry(now, options.expiresInMs),
    };
    const signed = signManifest(manifest, privateKeyPem);
    await refuseUnlessRootTrusts(outDirectory, signed, manifest);
    await writeSignedManifest(outDirectory, signed, manifest.version, false);
    return manifest;
  });
}
