import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import { decodeSparkPartInThread, type SparkPartThreadOptions } from './decodeSparkPartInThread';
import type { ImportedFactors } from '../../importers/ImportedFactors';
import { validateImportedFactors } from '../../importers/validateImportedFactors';

/**
 * Reads the item factors of a Spark MLlib ALS model, as written by
 * `model.itemFactors.write.parquet(dir)`: a directory of `part-*.parquet` files (Spark's
 * `_SUCCESS` marker and `.crc` checksums are ignored) or a single `.parquet` file, with the
 * schema `id: int` (int64 and string ids are accepted too, and stringified) and
 * `features: array<float>`. The directory of `ALSModel.save(path)` works as well: its
 * `itemFactors/` subfolder is used. Rows keep the part-file order (sorted by name), then file order.
 * Each part is decoded in a thread of its own, bounded in time and heap ({@link decodeSparkPartInThread}).
 *
 * @throws OndeckError `import-failed` naming the part file for a missing column, a ragged row
 *   (`row N has X features, expected Y`), a null or non-finite value, a duplicate id, an
 *   unreadable file, a decode that did not finish in time or outgrew its heap, or no rows at all;
 *   `file-not-found` when `path` does not exist.
 * @example
 * ```ts
 * const imported = await readSparkItemFactors('s3-mirror/als-model'); // or …/itemFactors
 * imported.itemIds.length; // one per Spark item
 * ```
 */
export async function readSparkItemFactors(path: string, options: SparkPartThreadOptions = {}): Promise<ImportedFactors> {
  const partFiles = await findPartFiles(path);
  const itemIds: string[] = [];
  const rowChunks: Float32Array[] = [];
  let dims = -1;
  let dimsFile = '';
  const firstFileOfId = new Map<string, string>();

  for (const file of partFiles) {
    const part = await decodeSparkPartInThread(file, options);
    if (part.itemIds.length === 0) continue; // Spark writes empty part files for empty partitions
    if (dims < 0) {
      dims = part.dims;
      dimsFile = file;
    }
    if (part.dims !== dims) throw new OndeckError('import-failed', { path: file, reason: `rows have ${part.dims} features, expected ${dims} (as in ${basename(dimsFile)})` });
    part.itemIds.forEach((id, rowIndex) => {
      const earlierFile = firstFileOfId.get(id);
      if (earlierFile !== undefined) {
        throw new OndeckError('import-failed', { path: file, reason: `duplicate item id ${id} (row ${rowIndex}; first seen in ${basename(earlierFile)})` });
      }
      firstFileOfId.set(id, file);
      itemIds.push(id);
    });
    rowChunks.push(part.factors);
  }

  if (itemIds.length === 0) throw new OndeckError('import-failed', { path, reason: 'no item rows found' });
  const factors = new Float32Array(itemIds.length * dims);
  let offset = 0;
  for (const chunk of rowChunks) {
    factors.set(chunk, offset);
    offset += chunk.length;
  }
  return validateImportedFactors({ itemIds, dims, factors, source: 'spark-parquet' }, path);
}

/** The parquet files behind `path`: itself, a directory's part files, or a saved model's itemFactors/. */
async function findPartFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new OndeckError('file-not-found', { path });
    throw new OndeckError('import-failed', { path, reason: error.message });
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  // ALSModel.save() writes metadata/, userFactors/ and itemFactors/ side by side.
  const saved = entries.find((entry) => entry.isDirectory() && entry.name === 'itemFactors');
  if (saved) return findPartFiles(join(path, saved.name));
  const parts = entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    // Hadoop's convention: names starting with '_' or '.' (_SUCCESS, .part-0.crc) are not data.
    .filter((name) => !name.startsWith('_') && !name.startsWith('.') && !name.endsWith('.crc'))
    .filter((name) => name.endsWith('.parquet') || name.startsWith('part-'))
    .sort();
  if (parts.length === 0) {
    throw new OndeckError('import-failed', { path, reason: 'no parquet part files (part-*.parquet) in the directory' });
  }
  return parts.map((name) => join(path, name));
}
