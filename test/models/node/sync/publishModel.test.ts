import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelDirectory } from '../../../../models/node/artifact/modelDirectory';
import type { OndeckModel } from '../../../../models/artifact/OndeckModel';
import { applyDelta } from '../../../../models/sync/applyDelta';
import { generateSigningKeyPair, verifySignedManifest } from '../../../../models/node/sync/manifestSigning';
import { DEFAULT_MIN_SDK_VERSION, MAX_PUBLISH_VERSION_STEP, publishModel } from '../../../../models/node/sync/publishModel';
import { refreshPublication } from '../../../../models/node/sync/refreshPublication';
import { rollbackPublication } from '../../../../models/node/sync/rollbackPublication';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion, type SyntheticModelVersion } from '../../../../models/node/sync/syntheticModelVersions';
import { decodeSnapshotBlob } from '../../../../models/sync/snapshotBlob';
import { decodeModelTables } from '../../../../models/sync/decodeModelTables';
import type { BlobReference, SyncManifest } from '../../../../models/sync/SyncManifest';

const keys = generateSigningKeyPair();
const otherKeys = generateSigningKeyPair();
let workDir: string;

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const hashes = (files: ReadonlyMap<string, Uint8Array>): Record<string, string> => Object.fromEntries([...files].map(([name, bytes]) => [name, sha(bytes)]));

async function writeModel(name: string, model: OndeckModel): Promise<string> {
  const directory = join(workDir, 'models', name);
  await writeModelDirectory(model, directory);
  return directory;
}

/** What a device downloads: the blob's bytes, checked against the manifest, decompressed. */
async function download(cdn: string, blob: BlobReference): Promise<Uint8Array> {
  const bytes = await readFile(join(cdn, blob.path));
  expect(bytes.byteLength).toBe(blob.bytes);
  expect(sha(bytes)).toBe(blob.sha256);
  return gunzipSync(bytes);
}

async function currentManifest(cdn: string): Promise<SyncManifest> {
  return verifySignedManifest(await readFile(join(cdn, 'manifest.json'), 'utf8'), keys.publicKeyBase64);
}

// 2,000 × 16 versions: v1, then two daily updates (2% retrained, 0.5% added, 0.5% removed).
const versions: SyntheticModelVersion[] = [syntheticModelVersion({ items: 2000, dims: 16, seed: 3 })];
for (let day = 0; day < 2; day++) versions.push(nextSyntheticVersion(versions[versions.length - 1]));
const modelDirectories: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-publish-'));
  for (const [index, version] of versions.entries()) modelDirectories.push(await writeModel(`v${index + 1}`, packageSyntheticVersion(version)));
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('publishModel', () => {
  it('publishes a chain A → B → C whose deltas rebuild exactly the snapshot of C', async () => {
    const cdn = join(workDir, 'chain');
    const first = await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    expect(first.deltaSkipped).toBe('first version');
    expect(first.manifest).toMatchObject({ version: 1, deltas: [], dims: 16, itemCount: 2000, minSdkVersion: DEFAULT_MIN_SDK_VERSION });
    expect(first.manifest.parentVersion).toBeUndefined();
    const second = await publishModel({ modelDirectory: modelDirectories[1], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    const third = await publishModel({ modelDirectory: modelDirectories[2], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    expect(second.deltaSummary).toMatchObject({ removedRows: 10, addedRows: 10, upsertedRows: 50 });
    const manifest = await currentManifest(cdn);
    expect(manifest).toEqual(third.manifest);
    expect(manifest).toMatchObject({ version: 3, parentVersion: 2, lineageId: 'synthetic-lineage', itemCount: 2000 });
    expect(manifest.deltas.map((delta) => [delta.fromVersion, delta.toVersion])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(manifest.snapshot.path).toMatch(/^blobs\/[0-9a-f]{64}\.snapshot$/);

    // A device on version 1 applies both deltas and ends with exactly the files of C's snapshot.
    let files = decodeSnapshotBlob(await download(cdn, first.manifest.snapshot));
    for (const delta of manifest.deltas) files = applyDelta(files, await download(cdn, delta));
    expect(hashes(files)).toEqual(hashes(decodeSnapshotBlob(await download(cdn, manifest.snapshot))));
    // Each delta is a small fraction of a snapshot.
    for (const delta of manifest.deltas) expect(delta.bytes / manifest.snapshot.bytes).toBeLessThan(0.1);
    // The archive holds every version's signed manifest.
    expect((await readdir(join(cdn, 'versions'))).sort()).toEqual(['1.json', '2.json', '3.json']);
  });

  it('keeps only the newest --keep-deltas deltas, still ending at the current version', async () => {
    const cdn = join(workDir, 'keep');
    for (const directory of modelDirectories) await publishModel({ modelDirectory: directory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem, keepDeltas: 1 });
    expect((await currentManifest(cdn)).deltas.map((delta) => delta.toVersion)).toEqual([3]);
  });

  it('skips the delta when it is not smaller than the snapshot by the margin', async () => {
    const cdn = join(workDir, 'margin');
    await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    const result = await publishModel({ modelDirectory: modelDirectories[1], outDirectory: cdn, privateKeyPem: keys.privateKeyPem, deltaMargin: 0.99 });
    expect(result.delta).toBeUndefined();
    expect(result.deltaSkipped).toMatch(/not smaller than 1% of the snapshot/);
    expect(result.manifest.deltas).toEqual([]);
    expect((await readdir(join(cdn, 'blobs'))).filter((name) => name.endsWith('.delta'))).toEqual([]);
  });

  it('refuses another lineage or other dims unless told to start a new lineage', async () => {
    const cdn = join(workDir, 'lineage');
    await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    const otherLineage = await writeModel('other-lineage', packageSyntheticVersion({ ...versions[1], lineageId: 'cold-retrain' }));
    const otherDims = await writeModel('other-dims', packageSyntheticVersion(syntheticModelVersion({ items: 2000, dims: 8, seed: 3 })));
    const otherCatalog = await writeModel(
      'other-catalog',
      packageSyntheticVersion({ ...syntheticModelVersion({ items: 2000, dims: 16, seed: 3 }), itemIds: versions[0].itemIds.map((id) => `x${id}`) }),
    );
    for (const modelDirectory of [otherLineage, otherDims, otherCatalog]) {
      await expect(publishModel({ modelDirectory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem })).rejects.toMatchObject({ code: 'sync-lineage-mismatch' });
    }
    expect((await currentManifest(cdn)).version).toBe(1);
    const fresh = await publishModel({ modelDirectory: otherDims, outDirectory: cdn, privateKeyPem: keys.privateKeyPem, newLineage: true });
    expect(fresh.deltaSkipped).toBe('new lineage');
    expect(fresh.manifest).toMatchObject({ version: 2, parentVersion: 1, dims: 8, deltas: [] });
    // The model said lineage "synthetic-lineage" like the published one: a new basis gets a new id.
    expect(fresh.manifest.lineageId).not.toBe('synthetic-lineage');
  });

  it('refuses a directory signed with another key', async () => {
    const cdn = join(workDir, 'foreign');
    await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: otherKeys.privateKeyPem });
    await expect(publishModel({ modelDirectory: modelDirectories[1], outDirectory: cdn, privateKeyPem: keys.privateKeyPem })).rejects.toMatchObject({ code: 'signature-invalid' });
  });

  it("rolls back by publishing an older version's model as a new, higher version, reached by a delta", async () => {
    const cdn = join(workDir, 'rollback');
    for (const directory of modelDirectories) await publishModel({ modelDirectory: directory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    const rolledBack = await rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 2 });
    const manifest = await currentManifest(cdn);
    expect(manifest).toEqual(rolledBack.manifest);
    expect(rolledBack.restoredVersion).toBe(2);
    expect(manifest).toMatchObject({ version: 4, parentVersion: 3 });
    expect(manifest.rollback).toBeUndefined();
    // Its model is version 2's, relabelled 4 (in the row order of the lineage's canonical catalog):
    // every title has v2's int8 row and scale.
    const archived = verifySignedManifest(await readFile(join(cdn, 'versions', '2.json'), 'utf8'), keys.publicKeyBase64);
    const restored = decodeSnapshotBlob(await download(cdn, manifest.snapshot));
    const rowsById = (files: Map<string, Uint8Array>): Map<string, string> => {
      const { factors, catalog } = decodeModelTables(files, 'test');
      return new Map(catalog.ids.map((id, row) => [id, `${factors.scales[row]}:${factors.values.subarray(row * factors.dims, (row + 1) * factors.dims).join(',')}`]));
    };
    expect(rowsById(restored)).toEqual(rowsById(decodeSnapshotBlob(await download(cdn, archived.snapshot))));
    expect(JSON.parse(new TextDecoder().decode(restored.get('model.json')))).toMatchObject({ modelVersion: 4 });
    // A device on 3 takes the new delta 3 → 4; the chain still ends at the new version.
    expect(manifest.deltas.map((delta) => [delta.fromVersion, delta.toVersion])).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    await expect(rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 7 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 4 })).rejects.toMatchObject({ code: 'invalid-argument' });

    // Publishing v3's model again after the rollback: version 5, parent 4.
    const next = await publishModel({ modelDirectory: modelDirectories[2], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    expect(next.manifest).toMatchObject({ version: 5, parentVersion: 4 });
  });

  it('signs an expiry into every manifest (5 days, or --expires-in), and a refresh re-signs only the expiry', async () => {
    const cdn = join(workDir, 'expiry');
    const publishedAt = new Date('2026-12-01T06:00:00.000Z');
    const first = await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: keys.privateKeyPem, now: () => publishedAt });
    expect(first.manifest).toMatchObject({ publishedAt: publishedAt.toISOString(), expires: '2026-12-06T06:00:00.000Z' });
    const short = await publishModel({
      modelDirectory: modelDirectories[1],
      outDirectory: cdn,
      privateKeyPem: keys.privateKeyPem,
      now: () => publishedAt,
      expiresInMs: 36 * 3_600_000,
    });
    expect(short.manifest.expires).toBe('2026-12-02T18:00:00.000Z');
    const archivedBefore = await readFile(join(cdn, 'versions', '2.json'), 'utf8');

    const refreshed = await refreshPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, now: () => new Date('2026-12-02T06:00:00.000Z') });
    expect(refreshed).toEqual({ ...short.manifest, expires: '2026-12-07T06:00:00.000Z' });
    expect(await currentManifest(cdn)).toEqual(refreshed);
    // The archive keeps what was published; the served manifest changed (a new ETag for devices).
    expect(await readFile(join(cdn, 'versions', '2.json'), 'utf8')).toBe(archivedBefore);

    for (const expiresInMs of [1000, 400 * 86_400_000, Number.NaN]) {
      await expect(refreshPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, expiresInMs })).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    await expect(refreshPublication({ outDirectory: join(workDir, 'never-published'), privateKeyPem: keys.privateKeyPem })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(refreshPublication({ outDirectory: cdn, privateKeyPem: otherKeys.privateKeyPem })).rejects.toMatchObject({ code: 'signature-invalid' });
  });

  it('creates the directory identity at the first publish and keeps it through publish, rollback and refresh; several keys each sign', async () => {
    const cdn = join(workDir, 'identity');
    const second = generateSigningKeyPair();
    const both = [keys.privateKeyPem, second.privateKeyPem];
    const first = await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: both });
    expect(first.manifest.directoryId).toMatch(/^[0-9a-f-]{36}$/);
    const envelope = JSON.parse(await readFile(join(cdn, 'manifest.json'), 'utf8')) as { signatures: { keyId: string }[] };
    expect(envelope.signatures.map((entry) => entry.keyId)).toEqual([keys.keyId, second.keyId]);
    expect(verifySignedManifest(JSON.stringify(envelope), [keys.publicKeyBase64, second.publicKeyBase64], 2)).toEqual(first.manifest);
    // The next run may sign with only one of the keys: the directory is continued by any key that signed it.
    const next = await publishModel({ modelDirectory: modelDirectories[1], outDirectory: cdn, privateKeyPem: second.privateKeyPem });
    // A key that did not sign the current manifest cannot continue it alone.
    await expect(rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 1 })).rejects.toMatchObject({ code: 'signature-invalid' });
    const rolledBack = await rollbackPublication({ outDirectory: cdn, privateKeyPem: both, version: 1 });
    const refreshed = await refreshPublication({ outDirectory: cdn, privateKeyPem: both });
    expect([next.manifest, rolledBack.manifest, refreshed].map((manifest) => manifest.directoryId)).toEqual(new Array(3).fill(first.manifest.directoryId));
    // Another directory gets another identity.
    const other = await publishModel({ modelDirectory: modelDirectories[0], outDirectory: join(workDir, 'identity-2'), privateKeyPem: keys.privateKeyPem });
    expect(other.manifest.directoryId).not.toBe(first.manifest.directoryId);
    await expect(publishModel({ modelDirectory: modelDirectories[2], outDirectory: cdn, privateKeyPem: otherKeys.privateKeyPem })).rejects.toMatchObject({
      code: 'signature-invalid',
    });
  });

  it('refuses a model whose own version jumps far above the published ones (a fast-forward cannot be taken back)', async () => {
    const cdn = join(workDir, 'jump');
    await publishModel({ modelDirectory: modelDirectories[0], outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    const far = packageSyntheticVersion({ ...versions[1]!, modelVersion: 1 + MAX_PUBLISH_VERSION_STEP + 1 });
    const directory = await writeModel('far', far);
    await expect(publishModel({ modelDirectory: directory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringContaining(`more than ${MAX_PUBLISH_VERSION_STEP} above the highest published version 1`),
    });
    expect((await currentManifest(cdn)).version).toBe(1);
  });

  it('prunes blobs no recent manifest uses', async () => {
    const cdn = join(workDir, 'prune');
    const results = [];
    for (const directory of modelDirectories) results.push(await publishModel({ modelDirectory: directory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem }));
    const before = await readdir(join(cdn, 'blobs'));
    expect(before).toHaveLength(3 + 2);
    const pruned = await publishModel({ modelDirectory: modelDirectories[2], outDirectory: cdn, privateKeyPem: keys.privateKeyPem, keepDeltas: 1, prune: true });
    // Kept: version 4's snapshot and delta 3 → 4, plus what the current manifest (v4) names.
    const remaining = (await readdir(join(cdn, 'blobs'))).sort();
    expect(remaining).toEqual([pruned.manifest.snapshot.path, ...pruned.manifest.deltas.map((delta) => delta.path)].map((path) => path.slice('blobs/'.length)).sort());
    expect(pruned.pruned).toContain(results[0].manifest.snapshot.path);
  });

  it('prunes only blobs: what else someone put under blobs/ stays', async () => {
    const cdn = join(workDir, 'prune-foreign');
    for (const directory of modelDirectories.slice(0, 2)) await publishModel({ modelDirectory: directory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
    await writeFile(join(cdn, 'blobs', 'NOTES.md'), 'kept by hand\n');
    await mkdir(join(cdn, 'blobs', 'archive'));
    await writeFile(join(cdn, 'blobs', 'archive', `${'0'.repeat(64)}.snapshot`), 'an old copy');
    const leftover = `${'1'.repeat(64)}.snapshot.tmp-0123456789ab`;
    await writeFile(join(cdn, 'blobs', leftover), 'half a blob from a crashed publish');
    const pruned = await publishModel({ modelDirectory: modelDirectories[2], outDirectory: cdn, privateKeyPem: keys.privateKeyPem, keepDeltas: 1, prune: true });
    expect(pruned.pruned.length).toBeGreaterThan(1);
    expect(pruned.pruned).toContain(`blobs/${leftover}`);
    const remaining = await readdir(join(cdn, 'blobs'));
    expect(remaining).toEqual(expect.arrayContaining(['NOTES.md', 'archive']));
    expect(await readFile(join(cdn, 'blobs', 'NOTES.md'), 'utf8')).toBe('kept by hand\n');
    expect(await readdir(join(cdn, 'blobs', 'archive'))).toHaveLength(1);
  });
});
