import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFactorsFile, encodeFactorsFile, FACTORS_MAGIC } from '../../../../models/artifact/factorsFile';
import { MODEL_FILES, MODEL_FORMAT_VERSION } from '../../../../models/artifact/ModelManifest';
import { readModelDirectory, sha256Hex, writeModelDirectory } from '../../../../models/node/artifact/modelDirectory';
import type { OndeckModel } from '../../../../models/artifact/OndeckModel';
import { packageModel } from '../../../../models/node/artifact/packageModel';
import { stagingDirectoryPath } from '../../../../models/node/artifact/stagingDirectories';
import type { ItemMetadata } from '../../../../models/data/ItemMetadata';
import { quantizeRows } from '../../../../models/quantize';
import { SeededRandom } from '../../../../models/random';

const dims = 4;
const foldIn = { alpha: 2, unobservedWeight: 0.1, regularization: 0.01, regularizationExponent: 1 };

const unicodeTitle = 'Amélie — 東京物語 🎬 «Ünïcödé»';
const scriptTitle = '<script>alert("pwned")</script> & <b>bold</b>';

/** 24 titles in three genre groups, with a unicode title and an HTML-looking one. */
function sampleModel(seed: number, modelVersion = 1, lineageId = 'lineage-under-test'): OndeckModel {
  const genres = ['Comedy', 'Horror', 'Documentary'];
  const itemIds = Array.from({ length: 24 }, (_, i) => `item-${i}`);
  const items = new Map<string, ItemMetadata>(
    itemIds.map((id, i) => [
      id,
      {
        id,
        title: i === 0 ? unicodeTitle : i === 1 ? scriptTitle : `Title ${i}`,
        genres: [genres[i % 3]],
        maturityRating: i % 2 === 0 ? 'PG-13' : undefined,
        maturityAge: i % 2 === 0 ? 13 : undefined,
        year: 1990 + i,
        availableFrom: i === 5 ? '2024-01-01' : undefined,
      },
    ]),
  );
  const random = new SeededRandom(seed);
  const itemFactors = Float32Array.from({ length: itemIds.length * dims }, () => random.nextGaussian());
  return packageModel({
    itemIds,
    itemFactors,
    dims,
    items,
    popularity: Int32Array.from(itemIds, (_, i) => 1 + (i % 5)),
    foldIn,
    training: { algorithm: 'ials', epochs: 3, source: 'test' },
    modelVersion,
    lineageId,
    clusters: 3,
  });
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ondeck-artifact-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Names in `root` that look like staging or retired directories of a model write. */
async function leftovers(): Promise<string[]> {
  return (await readdir(root)).filter((name) => name.includes('.tmp-') || name.includes('.old-'));
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'OndeckError', code });
}

describe('writeModelDirectory / readModelDirectory', () => {
  it('round-trips manifest, int8 table, scales, Gramian, catalog and ONNX bytes', async () => {
    const model = sampleModel(1, 3);
    const directory = join(root, 'model');
    const written = await writeModelDirectory(model, directory);
    const read = await readModelDirectory(directory);

    expect(read.manifest).toEqual(written);
    expect(read.manifest).toMatchObject({
      format: 'ondeck-model',
      formatVersion: MODEL_FORMAT_VERSION,
      modelVersion: 3,
      lineageId: 'lineage-under-test',
      dims,
      itemCount: 24,
      foldIn,
      training: { algorithm: 'ials', epochs: 3, source: 'test' },
      createdAt: model.manifest.createdAt,
    });
    // Every listed file's size and hash describe the bytes on disk.
    expect(Object.keys(read.manifest.files).sort()).toEqual([MODEL_FILES.catalog, MODEL_FILES.factors, MODEL_FILES.scoringGraph].sort());
    for (const [name, entry] of Object.entries(read.manifest.files)) {
      const bytes = await readFile(join(directory, name));
      expect(entry).toEqual({ bytes: bytes.byteLength, sha256: sha256Hex(bytes) });
    }

    expect(read.factors.rows).toBe(24);
    expect(read.factors.dims).toBe(dims);
    expect(Array.from(read.factors.values)).toEqual(Array.from(model.factors.values));
    expect(Array.from(read.factors.scales)).toEqual(Array.from(model.factors.scales));
    expect(Array.from(read.gramian)).toEqual(Array.from(model.gramian));
    expect(read.catalog).toEqual(model.catalog);
    expect(read.catalog.titles[0]).toBe(unicodeTitle);
    expect(read.catalog.titles[1]).toBe(scriptTitle);
    expect(read.catalog.maturityRatings[1]).toBeNull();
    expect(read.catalog.availableFrom[5]).toBe('2024-01-01');
    expect(read.catalog.genreNames.slice().sort()).toEqual(['Comedy', 'Documentary', 'Horror']);
    expect(read.catalog.clusters.names).toHaveLength(3);
    expect(Buffer.from(read.scoringGraph).equals(Buffer.from(model.scoringGraph))).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  it('flipping one byte of factors.bin is model-corrupt', async () => {
    const directory = join(root, 'model');
    await writeModelDirectory(sampleModel(2), directory);
    const path = join(directory, MODEL_FILES.factors);
    const bytes = await readFile(path);
    bytes[40] ^= 0x01;
    await writeFile(path, bytes);
    await expectCode(readModelDirectory(directory), 'model-corrupt');
  });

  it('a truncated factors.bin is model-corrupt', async () => {
    const directory = join(root, 'model');
    await writeModelDirectory(sampleModel(3), directory);
    const path = join(directory, MODEL_FILES.factors);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.byteLength - 8));
    await expectCode(readModelDirectory(directory), 'model-corrupt');
  });

  it('a tampered catalog.json is model-corrupt', async () => {
    const directory = join(root, 'model');
    await writeModelDirectory(sampleModel(3), directory);
    const path = join(directory, MODEL_FILES.catalog);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('Title 7', 'Title 8'));
    await expectCode(readModelDirectory(directory), 'model-corrupt');
  });

  it('model.json with formatVersion 2 is model-version-mismatch', async () => {
    const directory = join(root, 'model');
    await writeModelDirectory(sampleModel(4), directory);
    const path = join(directory, MODEL_FILES.manifest);
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...manifest, formatVersion: 2 }));
    await expectCode(readModelDirectory(directory), 'model-version-mismatch');
  });

  it('a missing directory is model-not-found', async () => {
    await expectCode(readModelDirectory(join(root, 'no-such-model')), 'model-not-found');
  });

  it('a model whose writer was killed between its two renames is restored on read (issue 12)', async () => {
    const directory = join(root, 'model');
    const written = await writeModelDirectory(sampleModel(1, 5), directory);
    // What the killed writer left: the previous model moved aside under a dead pid, no `model`.
    const dead = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid!;
    const retired = stagingDirectoryPath(directory, 'old', 'c0ffee01').replace(`-${process.pid}-`, `-${dead}-`);
    await rename(directory, retired);
    expect((await readModelDirectory(directory)).manifest).toEqual(written);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses to write over a non-empty directory that is not a model, leaving it untouched', async () => {
    const directory = join(root, 'precious');
    await mkdir(directory);
    await writeFile(join(directory, 'notes.txt'), 'do not delete');
    await expectCode(writeModelDirectory(sampleModel(5), directory), 'invalid-argument');
    expect(await readdir(directory)).toEqual(['notes.txt']);
    expect(await readFile(join(directory, 'notes.txt'), 'utf8')).toBe('do not delete');
    expect(await leftovers()).toEqual([]);
  });

  it('writes into an existing empty directory', async () => {
    const directory = join(root, 'empty');
    await mkdir(directory);
    await writeModelDirectory(sampleModel(5), directory);
    expect((await readModelDirectory(directory)).manifest.itemCount).toBe(24);
  });

  it('replaces an existing model whole, leaving no staging directories behind', async () => {
    const directory = join(root, 'model');
    const first = sampleModel(6, 1);
    const second = sampleModel(7, 2);
    await writeModelDirectory(first, directory);
    await writeModelDirectory(second, directory);
    const read = await readModelDirectory(directory);
    expect(read.manifest.modelVersion).toBe(2);
    expect(Array.from(read.factors.values)).toEqual(Array.from(second.factors.values));
    expect(Array.from(read.factors.values)).not.toEqual(Array.from(first.factors.values));
    expect((await readdir(directory)).sort()).toEqual(Object.values(MODEL_FILES).sort());
    expect(await readdir(root)).toEqual(['model']);
  });

  it('a failed rewrite leaves the previous model unchanged and no staging directories', async () => {
    const directory = join(root, 'model');
    await writeModelDirectory(sampleModel(8), directory);
    const before = new Map<string, Buffer>();
    for (const name of await readdir(directory)) before.set(name, await readFile(join(directory, name)));

    const good = sampleModel(9, 2);
    const broken: OndeckModel = { ...good, gramian: new Float64Array(dims * dims - 1) };
    await expectCode(writeModelDirectory(broken, directory), 'dimension-mismatch');

    expect((await readdir(directory)).sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) expect((await readFile(join(directory, name))).equals(bytes)).toBe(true);
    expect(await leftovers()).toEqual([]);
    expect((await readModelDirectory(directory)).manifest.modelVersion).toBe(1);
  });
});

describe('encodeFactorsFile / decodeFactorsFile', () => {
  // 300 rows so the item count needs two bytes (0x012C) and little-endian order shows.
  const rows = 300;
  const columns = 3;
  const random = new SeededRandom(21);
  const factors = quantizeRows(
    Float32Array.from({ length: rows * columns }, () => random.nextGaussian()),
    rows,
    columns,
  );
  const gramian = Float64Array.from({ length: columns * columns }, (_, i) => i + 0.5);

  it('lays out magic, little-endian header, int8 rows, 8-aligned scales and Gramian', () => {
    const bytes = encodeFactorsFile({ factors, gramian });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe(FACTORS_MAGIC);
    expect(FACTORS_MAGIC).toBe('ODKF');
    expect([bytes[4], bytes[5]]).toEqual([MODEL_FORMAT_VERSION & 0xff, MODEL_FORMAT_VERSION >> 8]);
    expect([bytes[6], bytes[7]]).toEqual([columns, 0]);
    expect([bytes[8], bytes[9], bytes[10], bytes[11]]).toEqual([0x2c, 0x01, 0, 0]);
    expect(Array.from(bytes.subarray(12, 16))).toEqual([0, 0, 0, 0]);

    // int8 table from byte 16; scales at align8(16 + 900) = 920; Gramian at align8(920 + 1200) = 2120.
    expect(Array.from(new Int8Array(bytes.buffer, bytes.byteOffset + 16, rows * columns))).toEqual(Array.from(factors.values));
    const scalesOffset = 920;
    const gramianOffset = 2120;
    expect(bytes.byteLength).toBe(gramianOffset + 8 * columns * columns);
    for (let r = 0; r < rows; r++) expect(view.getFloat32(scalesOffset + 4 * r, true)).toBe(factors.scales[r]);
    for (let i = 0; i < columns * columns; i++) expect(view.getFloat64(gramianOffset + 8 * i, true)).toBe(gramian[i]);
    // Padding between the sections is zero.
    expect(Array.from(bytes.subarray(16 + rows * columns, scalesOffset))).toEqual([0, 0, 0, 0]);
  });

  it('decodes what it encodes, also from an unaligned view inside a larger buffer', () => {
    const bytes = encodeFactorsFile({ factors, gramian });
    const padded = new Uint8Array(bytes.byteLength + 7);
    padded.set(bytes, 3);
    for (const input of [bytes, padded.subarray(3, 3 + bytes.byteLength)]) {
      const decoded = decodeFactorsFile(input);
      expect(decoded.factors.rows).toBe(rows);
      expect(decoded.factors.dims).toBe(columns);
      expect(Array.from(decoded.factors.values)).toEqual(Array.from(factors.values));
      expect(Array.from(decoded.factors.scales)).toEqual(Array.from(factors.scales));
      expect(Array.from(decoded.gramian)).toEqual(Array.from(gramian));
    }
  });

  it('rejects bad magic, short files, trailing bytes and another version', () => {
    const bytes = encodeFactorsFile({ factors, gramian });
    const badMagic = bytes.slice();
    badMagic[0] = 'X'.charCodeAt(0);
    expect(() => decodeFactorsFile(badMagic)).toThrowError(expect.objectContaining({ code: 'model-corrupt' }));
    expect(() => decodeFactorsFile(bytes.subarray(0, 10))).toThrowError(expect.objectContaining({ code: 'model-corrupt' }));
    expect(() => decodeFactorsFile(bytes.subarray(0, bytes.byteLength - 1))).toThrowError(expect.objectContaining({ code: 'model-corrupt' }));
    const longer = new Uint8Array(bytes.byteLength + 8);
    longer.set(bytes);
    expect(() => decodeFactorsFile(longer)).toThrowError(expect.objectContaining({ code: 'model-corrupt' }));
    const otherVersion = bytes.slice();
    otherVersion[4] = 2;
    expect(() => decodeFactorsFile(otherVersion)).toThrowError(expect.objectContaining({ code: 'model-version-mismatch' }));
  });

  it('refuses a Gramian of the wrong size', () => {
    expect(() => encodeFactorsFile({ factors, gramian: new Float64Array(columns * columns + 1) })).toThrowError(expect.objectContaining({ code: 'dimension-mismatch' }));
  });
});
