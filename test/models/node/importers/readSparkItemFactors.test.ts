import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OndeckError } from '../../../../models/errors/OndeckError';
import { readSparkItemFactors } from '../../../../models/node/importers/readSparkItemFactors';
import { sparkPartThread, withTempDir, writeSparkPart } from '../../../support/importerFixtures';

const uuid = '6f1b0c1e-1f2a-4bd3-9a61-2f0c8b9d6c11';
const partName = (index: number): string => `part-0000${index}-${uuid}-c000.snappy.parquet`;

const firstPart = [
  { id: 10, features: [0.5, -1.25] },
  { id: 3, features: [0.1, 2] },
  { id: 7, features: [0.001, 3.75] },
];
const secondPart = [
  { id: 12, features: [-0.3, 0] },
  { id: 5, features: [4, -4.5] },
];

/** Lays out a directory exactly as `itemFactors.write.parquet(dir)` leaves it. */
async function writeSparkOutput(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeSparkPart(join(dir, partName(0)), firstPart);
  await writeSparkPart(join(dir, partName(1)), secondPart, { codec: 'UNCOMPRESSED' });
  await writeFile(join(dir, '_SUCCESS'), '');
  await writeFile(join(dir, '._SUCCESS.crc'), new Uint8Array([0x63, 0x72, 0x63, 0x00, 0, 0, 0, 0]));
  await writeFile(join(dir, `.${partName(0)}.crc`), new Uint8Array([0x63, 0x72, 0x63, 0x00, 1, 2, 3, 4]));
}

async function expectImportFailure(promise: Promise<unknown>, fileName: string, reason: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OndeckError);
  expect((error as OndeckError).code).toBe('import-failed');
  expect((error as OndeckError).message).toContain(fileName);
  expect((error as OndeckError).message).toMatch(reason);
}

describe('readSparkItemFactors', () => {
  it('reads a Spark output directory of two part files, ignoring _SUCCESS and .crc files', async () => {
    await withTempDir(async (dir) => {
      const output = join(dir, 'itemFactors');
      await writeSparkOutput(output);
      const imported = await readSparkItemFactors(output, sparkPartThread);
      expect(imported.source).toBe('spark-parquet');
      expect(imported.itemIds).toEqual(['10', '3', '7', '12', '5']);
      expect(imported.dims).toBe(2);
      const expected = Float32Array.from([...firstPart, ...secondPart].flatMap((row) => row.features));
      expect(Array.from(imported.factors)).toEqual(Array.from(expected));
    });
  });

  it('finds itemFactors/ inside an ALSModel.save() directory and ignores userFactors/', async () => {
    await withTempDir(async (dir) => {
      const model = join(dir, 'als-model');
      await writeSparkOutput(join(model, 'itemFactors'));
      await mkdir(join(model, 'userFactors'));
      await writeSparkPart(join(model, 'userFactors', partName(0)), [{ id: 99, features: [9, 9, 9] }]);
      await mkdir(join(model, 'metadata'));
      await writeFile(join(model, 'metadata', 'part-00000'), '{"class":"org.apache.spark.ml.recommendation.ALSModel","paramMap":{"rank":2}}\n');
      const imported = await readSparkItemFactors(model, sparkPartThread);
      expect(imported.itemIds).toEqual(['10', '3', '7', '12', '5']);
      expect(imported.dims).toBe(2);
    });
  });

  it('reads a single .parquet file and stringifies int64 and string ids verbatim', async () => {
    await withTempDir(async (dir) => {
      const longIds = join(dir, 'long.parquet');
      await writeSparkPart(
        longIds,
        [
          { id: 9007199254740993n, features: [1, 2, 3] },
          { id: -4n, features: [4, 5, 6] },
        ],
        { idType: 'INT64' },
      );
      const fromLong = await readSparkItemFactors(longIds, sparkPartThread);
      // 2^53 + 1 is not a safe double: the bigint must be stringified, not converted to a number.
      expect(fromLong.itemIds).toEqual(['9007199254740993', '-4']);
      expect(Array.from(fromLong.factors)).toEqual([1, 2, 3, 4, 5, 6]);

      const stringIds = join(dir, 'strings.parquet');
      await writeSparkPart(
        stringIds,
        [
          { id: 'tt0111161', features: [0.25] },
          { id: ' spaced <&> ', features: [-0.75] },
        ],
        { idType: 'STRING' },
      );
      const fromStrings = await readSparkItemFactors(stringIds, sparkPartThread);
      expect(fromStrings.itemIds).toEqual(['tt0111161', ' spaced <&> ']);
      expect(fromStrings.dims).toBe(1);
    });
  });

  it('rejects ragged rows, naming the part file, the row and both counts', async () => {
    await withTempDir(async (dir) => {
      await writeSparkPart(join(dir, partName(0)), firstPart);
      await writeSparkPart(join(dir, partName(1)), [
        { id: 12, features: [1, 2] },
        { id: 5, features: [1, 2, 3] },
      ]);
      await expectImportFailure(readSparkItemFactors(dir, sparkPartThread), partName(1), /row 1 \(id 5\) has 3 features, expected 2/);
    });
  });

  it('rejects NaN factors, naming the item id', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'nan.parquet');
      await writeSparkPart(file, [
        { id: 1, features: [1, 2] },
        { id: 42, features: [3, Number.NaN] },
      ]);
      await expectImportFailure(readSparkItemFactors(file, sparkPartThread), 'nan.parquet', /id 42.*non-finite.*dimension 1/);
    });
  });

  it('rejects an id that appears in two part files', async () => {
    await withTempDir(async (dir) => {
      await writeSparkPart(join(dir, partName(0)), firstPart);
      await writeSparkPart(join(dir, partName(1)), [{ id: 3, features: [0, 0] }]);
      await expectImportFailure(readSparkItemFactors(dir, sparkPartThread), partName(1), /duplicate item id 3 .*first seen in part-00000/);
    });
  });

  it('rejects a directory without part files, and a file that is not parquet', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, '_SUCCESS'), '');
      await expectImportFailure(readSparkItemFactors(dir, sparkPartThread), dir, /no parquet part files/);
      const fake = join(dir, 'fake.parquet');
      await writeFile(fake, 'id,features\n1,"[1,2]"\n');
      await expectImportFailure(readSparkItemFactors(fake, sparkPartThread), 'fake.parquet', /not a readable parquet file/);
    });
  });

  it('rejects a parquet file without a features column, and one compressed with an unreadable codec', async () => {
    await withTempDir(async (dir) => {
      const renamed = join(dir, 'vectors.parquet');
      await writeSparkPart(renamed, firstPart, { featuresName: 'vector' });
      await expectImportFailure(readSparkItemFactors(renamed, sparkPartThread), 'vectors.parquet', /expected columns "id" and "features", found "id", "vector"/);
      const gzip = join(dir, 'gzip.parquet');
      await writeSparkPart(gzip, firstPart, { codec: 'GZIP' });
      await expectImportFailure(readSparkItemFactors(gzip, sparkPartThread), 'gzip.parquet', /compressed with GZIP/);
    });
  });

  it('reports a missing path as file-not-found', async () => {
    await withTempDir(async (dir) => {
      await expect(readSparkItemFactors(join(dir, 'nowhere'), sparkPartThread)).rejects.toMatchObject({ code: 'file-not-found' });
    });
  });
});
