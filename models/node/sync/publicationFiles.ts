import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { OndeckError } from '../../errors/OndeckError';
import { decodeSnapshotBlob } from '../../sync/snapshotBlob';
import type { BlobReference, SignedManifest, SyncManifest } from '../../sync/SyncManifest';
import { verifySignedManifest } from './manifestSigning';
import { pathExists } from './pathExists';

/**
 * Layout of a publish directory (docs/sync.md): what devices fetch (`manifest.json`, with
 * precompressed `.gz` / `.br` twins for servers that serve those, and `blobs/`), and the
 * signed manifest of every version published (`versions/`), which rollbacks and the next publish
 * read.
 */
export const PUBLICATION_PATHS = Object.freeze({
  manifest: 'manifest.json',
  blobs: 'blobs',
  versions: 'versions',
});

/**
 * Writes `bytes` to `path` through a temporary sibling and a rename, so a reader (a server, a CDN
 * sync) never sees half a file.
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A blob's bytes as served: gzip at the highest level (compressed once, downloaded millions of times). */
export function gzipBlob(raw: Uint8Array): Uint8Array {
  return gzipSync(raw, { level: 9 });
}

/**
 * Writes `raw`, gzipped, as `blobs/<sha256>.<kind>` unless that blob exists already (content
 * addressing: same bytes, same name, never rewritten).
 *
 * @param compressed `gzipBlob(raw)` when the caller already has it.
 * @returns the reference a manifest lists.
 */
export async function writeBlob(directory: string, raw: Uint8Array, kind: 'snapshot' | 'delta', compressed: Uint8Array = gzipBlob(raw)): Promise<BlobReference> {
  const sha256 = createHash('sha256').update(compressed).digest('hex');
  const path = `${PUBLICATION_PATHS.blobs}/${sha256}.${kind}`;
  const absolute = join(directory, path);
  if (!(await pathExists(absolute))) await writeFileAtomically(absolute, compressed);
  return { path, sha256, bytes: compressed.byteLength, encoding: 'gzip', decodedBytes: raw.byteLength };
}

/** Reads a blob, checks its size and SHA-256 against the reference, and decompresses it. */
export async function readBlob(directory: string, reference: BlobReference): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(directory, reference.path));
  } catch {
    throw new OndeckError('file-not-found', { path: join(directory, reference.path) });
  }
  if (bytes.byteLength !== reference.bytes || createHash('sha256').update(bytes).digest('hex') !== reference.sha256) {
    throw new OndeckError('sync-delta-invalid', { blob: reference.path, reason: 'size or SHA-256 does not match the manifest' });
  }
  const raw = reference.encoding === 'gzip' ? gunzipSync(bytes) : bytes;
  if (raw.byteLength !== reference.decodedBytes)
    throw new OndeckError('sync-delta-invalid', { blob: reference.path, reason: `decodes to ${raw.byteLength} bytes, the manifest says ${reference.decodedBytes}` });
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The model files held by a manifest's snapshot blob. */
export async function readSnapshotFiles(directory: string, manifest: SyncManifest): Promise<Map<string, Uint8Array>> {
  return decodeSnapshotBlob(await readBlob(directory, manifest.snapshot));
}

/**
 * The manifest currently published in `directory`, signed by at least one of `publicKeysBase64`, or
 * `undefined` when nothing was published there yet.
 *
 * @throws OndeckError `signature-invalid` when another key signed it.
 */
export async function readPublishedManifest(directory: string, publicKeysBase64: string | readonly string[]): Promise<SyncManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(directory, PUBLICATION_PATHS.manifest), 'utf8');
  } catch {
    return undefined;
  }
  return verifySignedManifest(text, publicKeysBase64);
}

/** The signed manifest archived for `version`, verified. */
export async function readVersionManifest(directory: string, version: number, publicKeysBase64: string | readonly string[]): Promise<SyncManifest> {
  let text: string;
  try {
    text = await readFile(join(directory, PUBLICATION_PATHS.versions, `${version}.json`), 'utf8');
  } catch {
    throw new OndeckError('invalid-argument', { name: 'version', reason: `version ${version} was never published in ${directory}` });
  }
  return verifySignedManifest(text, publicKeysBase64);
}

/** Versions archived under `versions/`, ascending. */
export async function listPublishedVersions(directory: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(join(directory, PUBLICATION_PATHS.versions));
  } catch {
    return [];
  }
  return names
    .map((name) => /^(\d+)\.json$/.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The precompressed twins of manifest.json, by the suffix `ondeck serve` and nginx `gzip_static`
 * look for. Either server falls back to manifest.json itself when a twin is missing.
 */
const MANIFEST_TWINS = [
  { suffix: '.gz', compress: (text: string) => gzipSync(text, { level: 9 }) },
  { suffix: '.br', compress: (text: string) => brotliCompressSync(text, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }) },
] as const;

/**
 * Publishes a signed manifest: the archived copy under `versions/` first (when `archive`), then
 * manifest.json and its precompressed twins, each through a rename.
 *
 * The order keeps what every client gets in agreement at every instant, so a crash anywhere
 * leaves no gzip client on a version the plain clients do not see (issue 12, finding 5): the old
 * twins are deleted first (every client then gets the old manifest.json: servers fall back to it
 * when a twin is missing), then manifest.json is replaced (every client gets the new one), and
 * only then are the new twins written. A crash after the deletion leaves the twins missing until
 * the next publish or rollback, which costs bandwidth only (nginx compresses on the fly).
 */
export async function writeSignedManifest(directory: string, envelope: SignedManifest, version: number, archive: boolean): Promise<void> {
  const text = JSON.stringify(envelope, null, 2) + '\n';
  if (archive) await writeFileAtomically(join(directory, PUBLICATION_PATHS.versions, `${version}.json`), text);
  const manifestPath = join(directory, PUBLICATION_PATHS.manifest);
  for (const { suffix } of MANIFEST_TWINS) await rm(manifestPath + suffix, { force: true });
  await writeFileAtomically(manifestPath, text);
  for (const { suffix, compress } of MANIFEST_TWINS) await writeFileAtomically(manifestPath + suffix, compress(text));
}
