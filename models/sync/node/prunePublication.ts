import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyncManifest } from '../SyncManifest';
import { listPublishedVersions, PUBLICATION_PATHS, readPublishedManifest, readVersionManifest } from './publicationFiles';

/**
 * Deletes the blobs that neither the current manifest nor the manifests of the newest
 * `keepVersions` published versions refer to. Blobs are immutable and a CDN may keep serving a
 * manifest for its max-age, so old blobs stay until a prune; a rollback to a pruned version is
 * refused afterwards (its snapshot is gone). The archived manifests under `versions/` are kept.
 *
 * @returns the deleted paths, relative to `directory`.
 * @example
 * ```ts
 * const deleted = await prunePublication('cdn', publicKeyBase64, 7);
 * ```
 */
export async function prunePublication(directory: string, publicKeyBase64: string, keepVersions: number): Promise<string[]> {
  const current = await readPublishedManifest(directory, publicKeyBase64);
  const versions = await listPublishedVersions(directory);
  const newest = versions.slice(Math.max(0, versions.length - keepVersions));
  const manifests: SyncManifest[] = current ? [current] : [];
  for (const version of newest) manifests.push(await readVersionManifest(directory, version, publicKeyBase64));
  const referenced = new Set<string>();
  for (const manifest of manifests) for (const blob of [manifest.snapshot, ...manifest.deltas]) referenced.add(blob.path);
  let names: string[];
  try {
    names = await readdir(join(directory, PUBLICATION_PATHS.blobs));
  } catch {
    return [];
  }
  const deleted: string[] = [];
  for (const name of names.sort()) {
    const path = `${PUBLICATION_PATHS.blobs}/${name}`;
    if (referenced.has(path)) continue;
    await rm(join(directory, path), { force: true });
    deleted.push(path);
  }
  return deleted;
}
