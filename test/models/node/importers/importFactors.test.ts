import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFactors } from '../../../../models/node/importers/importFactors';
import { npyBytes, sparkPartThread, withTempDir, writeSparkPart } from '../../../support/importerFixtures';

const rows = [
  { id: 4, features: [1, 0.5] },
  { id: 8, features: [-2, 0.25] },
];

describe('importFactors', () => {
  it('detects a Spark output directory and a single .parquet file', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'out'));
      await writeSparkPart(join(dir, 'out', 'part-00000-x-c000.snappy.parquet'), rows);
      await writeFile(join(dir, 'out', '_SUCCESS'), '');
      const fromDir = await importFactors({ path: join(dir, 'out'), parquet: sparkPartThread });
      expect(fromDir).toMatchObject({ source: 'spark-parquet', itemIds: ['4', '8'], dims: 2 });
      expect(Array.from(fromDir.factors)).toEqual([1, 0.5, -2, 0.25]);

      await writeSparkPart(join(dir, 'single.parquet'), rows);
      expect((await importFactors({ path: join(dir, 'single.parquet'), parquet: sparkPartThread })).itemIds).toEqual(['4', '8']);
    });
  });

  it('detects a saved ALS model directory by its itemFactors/ folder', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'model', 'itemFactors'), { recursive: true });
      await writeSparkPart(join(dir, 'model', 'itemFactors', 'part-00000.parquet'), rows);
      expect((await importFactors({ path: join(dir, 'model'), parquet: sparkPartThread })).source).toBe('spark-parquet');
    });
  });

  it('detects .npy by extension, and by magic bytes when the name has no extension', async () => {
    await withTempDir(async (dir) => {
      const bytes = npyBytes({ descr: '<f4', shape: [2, 2], stored: [1, 0.5, -2, 0.25] });
      await writeFile(join(dir, 'items.txt'), '4\n8\n');
      await writeFile(join(dir, 'item_factors.npy'), bytes);
      const byExtension = await importFactors({ path: join(dir, 'item_factors.npy'), ids: join(dir, 'items.txt') });
      expect(byExtension).toMatchObject({ source: 'numpy', itemIds: ['4', '8'], dims: 2 });
      await writeFile(join(dir, 'factors-blob'), bytes);
      const byMagic = await importFactors({ path: join(dir, 'factors-blob'), ids: join(dir, 'items.txt') });
      expect(Array.from(byMagic.factors)).toEqual([1, 0.5, -2, 0.25]);
    });
  });

  it('honours an explicit format over the extension', async () => {
    await withTempDir(async (dir) => {
      await writeSparkPart(join(dir, 'factors.bin'), rows);
      const imported = await importFactors({ path: join(dir, 'factors.bin'), format: 'spark-parquet', parquet: sparkPartThread });
      expect(imported.itemIds).toEqual(['4', '8']);
    });
  });

  it('raises unknown-format for other files and directories, and invalid-argument for numpy without ids', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'factors.csv'), 'id,f0,f1\n4,1,0.5\n');
      await expect(importFactors({ path: join(dir, 'factors.csv') })).rejects.toMatchObject({ code: 'unknown-format' });
      await mkdir(join(dir, 'notes'));
      await writeFile(join(dir, 'notes', 'readme.txt'), 'nothing here');
      await expect(importFactors({ path: join(dir, 'notes') })).rejects.toMatchObject({ code: 'unknown-format' });
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f4', shape: [1, 1], stored: [1] }));
      await expect(importFactors({ path: join(dir, 'f.npy') })).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(importFactors({ path: join(dir, 'missing.npy') })).rejects.toMatchObject({ code: 'file-not-found' });
    });
  });
});
