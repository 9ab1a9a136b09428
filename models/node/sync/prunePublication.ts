import type { Dirent } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyncManifest } from '../../sync/SyncManifest';
import { pathExists } from './pathExists';
import { listPublishedVersions, PUBLICATION_PATHS, readPublishedManifest, readVersionManifest } from './publicationFiles';
import { withPublicationLock } from './withPublicationLock';

/**
 * What publish writes under `blobs/`: `<sha256>.<kind>`, and the temporary name of one being
 * written (a leftover of a crashed publish when the lock is held). Nothing else there is ondeck's
 * to delete.
 */
const BLOB_FILE_NAME = /^[0-9a-f]{64}\.(?:snapshot|delta)(?:\.tmp-[0-9a-f]+)?$/;

/**
 * Deletes the blobs that neither the current manifest nor the manifests of the newest
 * `keepVersions` published versions refer to. Blobs are immutable and a CDN may keep serving a
 * manifest for its max-age, so old blobs stay until a prune; a rollback to a pruned version is
 * refused afterwards (its snapshot is gone). The archived manifests under `versions/` are kept,
 * and so is anything under `blobs/` that is not named like a blob.
 * Runs under the directory's lock ({@link withPublicationLock}), so it never deletes the blobs of
 * a publish in progress.
 *
 * @returns the deleted paths, relative to `directory`.
 * @throws OndeckError `publication-locked` while a publish or rollback writes the directory.
 * @example
 * ```ts
 * const deleted = await prunePublication('cdn', publicKeyBase64, 7);
 * ```
 */
export async function prunePublication(directory: string, publicKeyBase64: string | readonly string[], keepVersions: number): Promise<string[]> {
  // Nothing to prune, and no reason to create the directory just to lock it.
  if (!(await pathExists(directory))) return [];
  return withPublicationLock(directory, 'prune', () => pruneUnreferencedBlobs(directory, publicKeyBase64, keepVersions));
}

/**
 * {@link prunePublication} without taking the lock, for a caller that holds it already
 * (`publishModel` prunes after writing its manifest, inside its own lock).
 *
 * @returns the deleted paths, relative to `directory`.
 * @example
 * ```ts
 * await withPublicationLock('cdn', 'publish', async () => {
 *   // … publish …
 *   return pruneUnreferencedBlobs('cdn', publicKeyBase64, 7);
 * });
 * ```
 */
export async function pruneUnreferencedBlobs(directory: string, publicKeyBase64: string | readonly string[], keepVersions: number): Promise<string[]> {
  const current = await readPublishedManifest(directory, publicKeyBase64);
  const versions = await listPublishedVersions(directory);
  const newest = versions.slice(Math.max(0, versions.length - keepVersions));
  const manifests: SyncManifest[] = current ? [current] : [];
  for (const version of newest) manifests.push(await readVersionManifest(directory, version, publicKeyBase64));
  const referenced = new Set<string>();
  for (const manifest of manifests) for (const blob of [manifest.snapshot, ...manifest.deltas]) referenced.add(blob.path);
  let entries: Dirent[];
  try {
    entries = await readdir(join(directory, PUBLICATION_PATHS.blobs), { withFileTypes: true });
  } catch {
    return [];
  }
  const deleted: string[] = [];
  const blobNames = entries.filter((entry) => entry.isFile() && BLOB_FILE_NAME.test(entry.name)).map((entry) => entry.name);
  for (const name of blobNames.sort()) {
    const path = `${PUBLICATION_PATHS.blobs}/${name}`;
    if (referenced.has(path)) continue;
    await rm(join(directory, path), { force: true });
    deleted.push(path);
  }
  return deleted;
}
