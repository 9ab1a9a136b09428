import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MODEL_FILES } from '../../../models/artifact/ModelManifest';
import { parseManifest } from '../../../models/artifact/parseManifest';
import { describeOnnxModel } from '../../../models/onnx/describeOnnxModel';
import { applyDelta } from '../../../models/sync/applyDelta';
import { canonicalizeModel } from '../../../models/sync/canonicalizeModel';
import { computeDelta } from '../../../models/sync/computeDelta';
import { decodeModelTables } from '../../../models/sync/decodeModelTables';
import { encodeModelFiles } from '../../../models/sync/encodeModelFiles';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion } from '../../../models/node/sync/syntheticModelVersions';
import { decodeSnapshotBlob, encodeSnapshotBlob } from '../../../models/sync/snapshotBlob';
import { decodeModelFiles } from '../../../worker/model/decodeModelFiles';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const hashes = (files: ReadonlyMap<string, Uint8Array>): Record<string, string> => Object.fromEntries([...files].map(([name, bytes]) => [name, sha(bytes)]));

// 2,000 titles × 16 dims; each daily update retrains 2% of the rows (40), adds 0.5% (10) and
// removes 0.5% (10), edits 0.1% (2) of the titles and drifts every popularity by ~3%.
const v1 = syntheticModelVersion({ items: 2000, dims: 16, seed: 7 });
const v2 = nextSyntheticVersion(v1);
const v3 = nextSyntheticVersion(v2);
const modelA = packageSyntheticVersion(v1);
const filesA = encodeModelFiles(modelA);
const modelB = canonicalizeModel(modelA, packageSyntheticVersion(v2));
const filesB = encodeModelFiles(modelB);
const modelC = canonicalizeModel(modelB, packageSyntheticVersion(v3));
const filesC = encodeModelFiles(modelC);

describe('computeDelta / applyDelta', () => {
  it('ships exactly the removed, retrained and new rows', () => {
    const { summary } = computeDelta(filesA, filesB);
    expect(summary.removedRows).toBe(10);
    expect(summary.addedRows).toBe(10);
    expect(summary.upsertedRows).toBe(40 + 10);
    expect(summary.clustersChanged).toBe(false);
  });

  it('rebuilds B byte for byte from A, and C from A through B (chain)', async () => {
    const deltaAB = computeDelta(filesA, filesB).bytes;
    const deltaBC = computeDelta(filesB, filesC).bytes;
    const appliedB = applyDelta(filesA, deltaAB);
    expect(hashes(appliedB)).toEqual(hashes(filesB));
    const appliedC = applyDelta(appliedB, deltaBC);
    expect(hashes(appliedC)).toEqual(hashes(filesC));
    expect([...appliedC.keys()]).toEqual([MODEL_FILES.manifest, MODEL_FILES.factors, MODEL_FILES.catalog, MODEL_FILES.scoringGraph]);
    // What the device does next: verify against C's model.json and decode.
    const model = await decodeModelFiles(parseManifest(new TextDecoder().decode(appliedC.get(MODEL_FILES.manifest))), appliedC);
    expect(model.catalog.ids).toEqual(modelC.catalog.ids);
    expect(describeOnnxModel(model.scoringGraph).initializers[0].dims).toEqual([modelC.factors.rows, 16]);
  });

  it('is a small fraction of the snapshot once both are compressed', () => {
    const delta = gzipSync(computeDelta(filesA, filesB).bytes);
    const snapshot = gzipSync(encodeSnapshotBlob(filesB));
    // 50 of 2,000 rows plus a 2 KB Gramian and ~70 catalog cells against the whole model.
    expect(delta.byteLength / snapshot.byteLength).toBeLessThan(0.1);
  });

  it('refuses a delta made for another base, and a truncated one', () => {
    const deltaAB = computeDelta(filesA, filesB).bytes;
    expect(() => applyDelta(filesB, deltaAB)).toThrow(expect.objectContaining({ code: 'sync-delta-invalid' }));
    expect(() => applyDelta(filesA, deltaAB.subarray(0, deltaAB.byteLength - 1))).toThrow(expect.objectContaining({ code: 'sync-delta-invalid' }));
    const badMagic = deltaAB.slice();
    badMagic[0] = 0x58;
    expect(() => applyDelta(filesA, badMagic)).toThrow(expect.objectContaining({ code: 'sync-delta-invalid' }));
  });

  it('refuses to diff against a model that was not canonicalised', () => {
    const raw = encodeModelFiles(packageSyntheticVersion(v2));
    expect(() => computeDelta(filesA, raw)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('canonicalizeModel', () => {
  const a = decodeModelTables(filesA, 'A').catalog;
  const b = decodeModelTables(filesB, 'B').catalog;

  it("puts A's survivors first in A's order, then the new titles", () => {
    const kept = new Set(b.ids);
    const survivors = a.ids.filter((id) => kept.has(id));
    expect(survivors).toHaveLength(1990);
    expect(b.ids.slice(0, 1990)).toEqual(survivors);
    expect(b.ids.slice(1990).every((id) => !a.ids.includes(id))).toBe(true);
  });

  it("keeps A's genre names as a prefix, A's clusters, and the cluster of every unchanged row", () => {
    expect(b.genreNames.slice(0, a.genreNames.length)).toEqual(a.genreNames);
    expect(b.genreNames.slice(a.genreNames.length)).toEqual(['New genre 2']);
    expect(b.clusters).toEqual(a.clusters);
    const tablesA = decodeModelTables(filesA, 'A').factors;
    const tablesB = decodeModelTables(filesB, 'B').factors;
    const rowOfA = new Map(a.ids.map((id, row) => [id, row]));
    let unchanged = 0;
    for (let row = 0; row < 1990; row++) {
      const before = rowOfA.get(b.ids[row])!;
      const same =
        tablesA.scales[before] === tablesB.scales[row] && tablesA.values.subarray(before * 16, before * 16 + 16).every((value, d) => value === tablesB.values[row * 16 + d]);
      if (!same) continue;
      unchanged++;
      expect(b.clusterOfItem[row]).toBe(a.clusterOfItem[before]);
    }
    expect(unchanged).toBe(1990 - 40);
  });

  it('keeps a popularity within 10% of the previous value, and ships exact counts with tolerance 0', () => {
    const rowOfA = new Map(a.ids.map((id, row) => [id, row]));
    const exact = packageSyntheticVersion(v2).catalog;
    const exactOf = new Map(exact.ids.map((id, row) => [id, exact.popularity[row]]));
    let kept = 0;
    b.ids.slice(0, 1990).forEach((id, row) => {
      const before = a.popularity[rowOfA.get(id)!];
      const now = exactOf.get(id)!;
      const published = b.popularity[row];
      if (published === before && now !== before) kept++;
      expect(published === now || Math.abs(now - before) <= Math.max(1, 0.1 * before)).toBe(true);
    });
    // A 3% daily drift stays inside the 10% band for nearly every title.
    expect(kept).toBeGreaterThan(1000);
    const exactB = canonicalizeModel(modelA, packageSyntheticVersion(v2), { popularityTolerance: 0 });
    exactB.catalog.ids.forEach((id, row) => expect(exactB.catalog.popularity[row]).toBe(exactOf.get(id)));
    const withDrift = computeDelta(filesA, encodeModelFiles(exactB)).bytes.byteLength;
    expect(computeDelta(filesA, filesB).bytes.byteLength).toBeLessThan(withDrift);
  });
});

describe('canonicalizeModel with a row tolerance', () => {
  it('ships only the rows that really moved, keeping the published bytes of rows that barely did', () => {
    // Planted: rows 0–99 nudged by 1% noise (retraining jitter), rows 100–119 moved by 30%.
    const dims = 16;
    const moved = v1.itemFactors.slice();
    let seed = 1;
    const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    for (let row = 0; row < 120; row++) {
      const size = row < 100 ? 0.01 : 0.3;
      for (let d = 0; d < dims; d++) moved[row * dims + d] *= 1 + size * noise();
    }
    const retrained = packageSyntheticVersion({ ...v1, modelVersion: 2, itemFactors: moved });
    const exact = computeDelta(filesA, encodeModelFiles(canonicalizeModel(modelA, retrained))).summary;
    expect(exact.upsertedRows).toBeGreaterThan(60);
    const tolerant = canonicalizeModel(modelA, retrained, { rowTolerance: 0.05 });
    expect(computeDelta(filesA, encodeModelFiles(tolerant)).summary.upsertedRows).toBe(20);
    // The kept rows are A's bytes exactly; the moved ones are the retrained rows.
    const rowOfA = new Map(modelA.catalog.ids.map((id, row) => [id, row]));
    const sourceRow = (id: string): number => v1.itemIds.indexOf(id);
    tolerant.catalog.ids.forEach((id, row) => {
      const before = rowOfA.get(id)!;
      const same = modelA.factors.values.subarray(before * dims, before * dims + dims).every((value, d) => value === tolerant.factors.values[row * dims + d]);
      expect(same, id).toBe(sourceRow(id) < 100 || sourceRow(id) >= 120);
    });
  });
});

describe('snapshot blob', () => {
  it('round-trips the model files in a fixed order', () => {
    const blob = encodeSnapshotBlob(new Map([...filesB].reverse()));
    expect(String.fromCharCode(...blob.subarray(0, 4))).toBe('ODKS');
    const files = decodeSnapshotBlob(blob);
    expect([...files.keys()]).toEqual([MODEL_FILES.manifest, MODEL_FILES.factors, MODEL_FILES.catalog, MODEL_FILES.scoringGraph]);
    expect(hashes(files)).toEqual(hashes(filesB));
    expect(encodeSnapshotBlob(files)).toEqual(encodeSnapshotBlob(filesB));
  });

  it('rejects truncated, padded and mislabelled archives with a typed error', () => {
    const blob = encodeSnapshotBlob(filesB);
    const cases = [
      blob.subarray(0, blob.byteLength - 1),
      Uint8Array.from([...blob, 0]),
      new Uint8Array(4),
      (() => {
        const copy = blob.slice();
        copy[0] = 0x41;
        return copy;
      })(),
    ];
    for (const bytes of cases) expect(() => decodeSnapshotBlob(bytes)).toThrow(expect.objectContaining({ code: 'sync-delta-invalid' }));
    // A file name with a path in it.
    const hostile = encodeSnapshotBlob(new Map([['model.json', new Uint8Array(1)]]));
    hostile.set(new TextEncoder().encode('../oops.j'), 10);
    expect(() => decodeSnapshotBlob(hostile.subarray(0, 10 + 10 + 4 + 1))).toThrow(expect.objectContaining({ code: 'sync-delta-invalid' }));
  });
});
