import { open, readdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import type { ImportedFactors } from '../../importers/ImportedFactors';
import { readNumpyFactors } from './readNumpyFactors';
import type { SparkPartThreadOptions } from './decodeSparkPartInThread';
import { readSparkItemFactors } from './readSparkItemFactors';

/**
 * Formats {@link importFactors} reads.
 *
 * @example
 * ```ts
 * const format: ImportFormat = 'numpy';
 * ```
 */
export type ImportFormat = 'spark-parquet' | 'numpy';

/**
 * Options of {@link importFactors}.
 *
 * @example
 * ```ts
 * const options: ImportFactorsOptions = { path: 'item_factors.npy', ids: 'items.txt' };
 * ```
 */
export interface ImportFactorsOptions {
  /** A Spark output directory, a saved ALS model directory, a `.parquet` file or a `.npy` file. */
  readonly path: string;
  /** Id list for formats that carry no ids (numpy): `.txt` one per line, `.json` array or `.csv`. */
  readonly ids?: string;
  /**
   * Source format.
   * @defaultValue detected from `path`: a directory or `.parquet` file → `'spark-parquet'`,
   * a `.npy` file → `'numpy'`.
   */
  readonly format?: ImportFormat;
  /** Spark Parquet only: the limits of the decoding thread ({@link SparkPartThreadOptions}). */
  readonly parquet?: SparkPartThreadOptions;
}

/**
 * Reads item factors trained elsewhere (Spark MLlib ALS parquet, numpy `.npy` + id list) into
 * {@link ImportedFactors}, detecting the format when it is not given.
 *
 * @throws OndeckError `unknown-format` when the format cannot be told from `path`,
 *   `invalid-argument` when numpy factors come without `ids`, `file-not-found`, or the
 *   `import-failed` errors of the readers.
 * @example
 * ```ts
 * const fromSpark = await importFactors({ path: 'als-out/itemFactors' });
 * const fromImplicit = await importFactors({ path: 'item_factors.npy', ids: 'items.txt' });
 * ```
 */
export async function importFactors(options: ImportFactorsOptions): Promise<ImportedFactors> {
  const { path, ids } = options;
  const format = options.format ?? (await detectFormat(path));
  if (format === 'spark-parquet') return readSparkItemFactors(path, options.parquet);
  if (format === 'numpy') {
    if (ids === undefined) {
      throw new OndeckError('invalid-argument', {
        name: 'ids',
        reason: `numpy factors carry no item ids; pass the id list (items.txt, .json or .csv) for ${path}`,
      });
    }
    return readNumpyFactors(path, ids);
  }
  throw new OndeckError('invalid-argument', { name: 'format', value: String(format) });
}

/** Tells the format from the path: parquet parts or a saved model in a directory, or the extension. */
async function detectFormat(path: string): Promise<ImportFormat> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new OndeckError('file-not-found', { path });
    throw error;
  });
  if (info.isDirectory()) {
    const names = await readdir(path);
    const looksLikeSpark = names.some((name) => name === 'itemFactors' || name.endsWith('.parquet'));
    if (looksLikeSpark) return 'spark-parquet';
    // A directory of parquet parts without the extension (older Hadoop writers) still has part-*.
    if (names.some((name) => name.startsWith('part-') && !name.endsWith('.crc'))) return 'spark-parquet';
    throw new OndeckError('unknown-format', {
      path,
      hint: 'expected Spark parquet part files (part-*.parquet) or an ALS model with itemFactors/',
    });
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.parquet') return 'spark-parquet';
  if (extension === '.npy') return 'numpy';
  // Magic bytes settle files with unusual names: 'PAR1' for parquet, '\x93NUMPY' for numpy.
  const head = await readHead(path);
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'spark-parquet';
  if (head.subarray(1, 6).toString('latin1') === 'NUMPY' && head[0] === 0x93) return 'numpy';
  throw new OndeckError('unknown-format', { path, hint: 'expected a .parquet or .npy file, or a Spark output directory' });
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(6);
    const { bytesRead } = await handle.read(buffer, 0, 6, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
