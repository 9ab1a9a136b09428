import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OndeckError } from '../../../../models/errors/OndeckError';
import { readNumpyFactors } from '../../../../models/node/importers/readNumpyFactors';
import { npyBytes, withTempDir } from '../../../support/importerFixtures';

/** 3 items × 2 dims, row-major; the expected output of every variant below. */
const rowMajor = [0.5, -1.25, 0.1, 2, 0.001, 3.75];
/** The same matrix stored column after column, as numpy writes fortran_order=True arrays. */
const columnMajor = [0.5, 0.1, 0.001, -1.25, 2, 3.75];
const expectedFactors = Array.from(Float32Array.from(rowMajor));

async function failureOf(promise: Promise<unknown>): Promise<OndeckError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OndeckError);
  return error as OndeckError;
}

describe('readNumpyFactors', () => {
  it('reads a v1.0 <f4 C-order array with ids from a text file (CRLF, final newline)', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'item_factors.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor }));
      await writeFile(join(dir, 'items.txt'), 'tt0111161\r\ntt0068646\r\n  padded id\r\n');
      const imported = await readNumpyFactors(join(dir, 'item_factors.npy'), join(dir, 'items.txt'));
      expect(imported.source).toBe('numpy');
      expect(imported.itemIds).toEqual(['tt0111161', 'tt0068646', '  padded id']);
      expect(imported.dims).toBe(2);
      expect(Array.from(imported.factors)).toEqual(expectedFactors);
    });
  });

  it('reads <f8 (rounded to float32) with ids from a JSON array of strings and integers', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f8', shape: [3, 2], stored: rowMajor }));
      await writeFile(join(dir, 'ids.json'), '["a", 17, "c"]');
      const imported = await readNumpyFactors(join(dir, 'f.npy'), join(dir, 'ids.json'));
      expect(imported.itemIds).toEqual(['a', '17', 'c']);
      expect(Array.from(imported.factors)).toEqual(expectedFactors);
    });
  });

  it('transposes fortran_order=True data, with ids from the first column of a quoted CSV', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: columnMajor, fortranOrder: true }));
      await writeFile(join(dir, 'items.csv'), 'item_id,title\n"id, with comma","Heat"\nplain,"multi\nline, title"\n"say ""hi""",x\n');
      const imported = await readNumpyFactors(join(dir, 'f.npy'), join(dir, 'items.csv'));
      expect(imported.itemIds).toEqual(['id, with comma', 'plain', 'say "hi"']);
      expect(Array.from(imported.factors)).toEqual(expectedFactors);
    });
  });

  it('converts big-endian >f4 in a v2.0 file, and reads a v3.0 header with reordered double-quoted keys', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'items.txt'), 'x\ny\nz');
      await writeFile(join(dir, 'big.npy'), npyBytes({ descr: '>f4', shape: [3, 2], stored: rowMajor, version: 2 }));
      const big = await readNumpyFactors(join(dir, 'big.npy'), join(dir, 'items.txt'));
      expect(big.itemIds).toEqual(['x', 'y', 'z']);
      expect(Array.from(big.factors)).toEqual(expectedFactors);

      const headerLiteral = '{"shape": (3, 2), "fortran_order": False, "descr": "<f4"}';
      await writeFile(join(dir, 'v3.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor, version: 3, headerLiteral }));
      const v3 = await readNumpyFactors(join(dir, 'v3.npy'), join(dir, 'items.txt'));
      expect(Array.from(v3.factors)).toEqual(expectedFactors);
    });
  });

  it('rejects a row/id count mismatch, naming both files', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor }));
      await writeFile(join(dir, 'items.txt'), 'a\nb\n');
      const error = await failureOf(readNumpyFactors(join(dir, 'f.npy'), join(dir, 'items.txt')));
      expect(error.code).toBe('import-failed');
      expect(error.message).toContain('f.npy');
      expect(error.message).toMatch(/3 factor rows but 2 ids in .*items\.txt/);
    });
  });

  it.each([
    [
      'bad magic',
      (): Uint8Array => {
        const bytes = npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor });
        bytes[1] = 0x58;
        return bytes;
      },
      /missing the \\x93NUMPY magic/,
    ],
    ['unsupported dtype <i8', (): Uint8Array => npyBytes({ descr: '<i8', shape: [3, 2], stored: [1, 2, 3, 4, 5, 6] }), /unsupported dtype "<i8"/],
    ['a 1-D array', (): Uint8Array => npyBytes({ descr: '<f4', shape: [6], stored: rowMajor }), /expected a 2-D array .*got shape \(6\)/],
    [
      'truncated data',
      (): Uint8Array => {
        const bytes = npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor });
        return bytes.subarray(0, bytes.length - 4);
      },
      /truncated data: .*needs 24 bytes, file has 20/,
    ],
    [
      'a header that is code, not a literal',
      (): Uint8Array =>
        npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor, headerLiteral: "{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (3, 2)}" }),
      /unreadable \.npy header/,
    ],
    [
      'a structured dtype',
      (): Uint8Array =>
        npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor, headerLiteral: "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (3, 2), }" }),
      /unsupported dtype/,
    ],
  ])('rejects %s with import-failed naming the file', async (_case, makeBytes, reason) => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'broken.npy'), makeBytes());
      await writeFile(join(dir, 'items.txt'), 'a\nb\nc\n');
      const error = await failureOf(readNumpyFactors(join(dir, 'broken.npy'), join(dir, 'items.txt')));
      expect(error.code).toBe('import-failed');
      expect(error.message).toContain('broken.npy');
      expect(error.message).toMatch(reason);
    });
  });

  it('rejects a NaN factor, naming the item id', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: [1, 2, 3, Number.NaN, 5, 6] }));
      await writeFile(join(dir, 'items.txt'), 'a\nsecond-item\nc\n');
      const error = await failureOf(readNumpyFactors(join(dir, 'f.npy'), join(dir, 'items.txt')));
      expect(error.code).toBe('import-failed');
      expect(error.message).toMatch(/f\.npy.*item "second-item" \(row 1\) has a non-finite factor NaN at dimension 1/);
    });
  });

  it('rejects float64 values beyond float32 range instead of storing Infinity', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f8', shape: [1, 2], stored: [1, 1e300] }));
      await writeFile(join(dir, 'items.txt'), 'huge\n');
      const error = await failureOf(readNumpyFactors(join(dir, 'f.npy'), join(dir, 'items.txt')));
      expect(error.message).toMatch(/item "huge" .*non-finite factor Infinity/);
    });
  });

  it.each([
    ['items.txt', 'a\na\nb\n', /duplicate id "a" \(entries 1 and 2\)/],
    ['items.txt', 'a\n\nb\n', /line 2 is empty/],
    ['ids.json', '{"a": 1}', /expected a JSON array/],
    ['ids.json', '["a", 1.5, "c"]', /entry 2 is 1\.5/],
    ['items.csv', 'id\n"a\nb\n', /unterminated quoted field/],
  ])('rejects a bad id list %s (%j), naming it', async (name, content, reason) => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor }));
      await writeFile(join(dir, name), content);
      const error = await failureOf(readNumpyFactors(join(dir, 'f.npy'), join(dir, name)));
      expect(error.code).toBe('import-failed');
      expect(error.message).toContain(name);
      expect(error.message).toMatch(reason);
    });
  });

  it('reports a missing id list as file-not-found', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'f.npy'), npyBytes({ descr: '<f4', shape: [3, 2], stored: rowMajor }));
      const error = await failureOf(readNumpyFactors(join(dir, 'f.npy'), join(dir, 'missing.txt')));
      expect(error.code).toBe('file-not-found');
    });
  });
});
