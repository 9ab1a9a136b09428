import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { OndeckError } from '../errors/OndeckError';
import type { ImportedFactors } from './ImportedFactors';
import { validateImportedFactors } from './validateImportedFactors';

/** Codecs hyparquet decodes without the optional hyparquet-compressors package. */
const readableCodecs = new Set(['UNCOMPRESSED', 'SNAPPY']);
/** Physical types an `id` column may have: Spark ALS writes int32; other pipelines long or string. */
const idTypes = new Set(['INT32', 'INT64', 'BYTE_ARRAY']);

/**
 * Reads the item factors of a Spark MLlib ALS model, as written by
 * `model.itemFactors.write.parquet(dir)`: a directory of `part-*.parquet` files (Spark's
 * `_SUCCESS` marker and `.crc` checksums are ignored) or a single `.parquet` file, with the
 * schema `id: int` (int64 and string ids are accepted too, and stringified) and
 * `features: array<float>`. The directory of `ALSModel.save(path)` works as well: its
 * `itemFactors/` subfolder is used. Rows keep the part-file order (sorted by name), then file order.
 *
 * @throws OndeckError `import-failed` naming the part file for a missing column, a ragged row
 *   (`row N has X features, expected Y`), a null or non-finite value, a duplicate id, an
 *   unreadable file or no rows at all; `file-not-found` when `path` does not exist.
 * @example
 * ```ts
 * const imported = await readSparkItemFactors('s3-mirror/als-model'); // or …/itemFactors
 * imported.itemIds.length; // one per Spark item
 * ```
 */
export async function readSparkItemFactors(path: string): Promise<ImportedFactors> {
  const partFiles = await findPartFiles(path);
  const itemIds: string[] = [];
  const rowChunks: Float32Array[] = [];
  let dims = -1;
  const firstFileOfId = new Map<string, string>();

  for (const file of partFiles) {
    const fail = (reason: string): never => {
      throw new OndeckError('import-failed', { path: file, reason });
    };
    const rows = await readPartRows(file, fail);
    if (rows.length === 0) continue; // Spark writes empty part files for empty partitions
    if (dims < 0) {
      dims = featureCount(rows[0].features);
      if (dims === 0) fail('row 0 has no features');
    }
    const chunk = new Float32Array(rows.length * dims);
    rows.forEach((row, rowIndex) => {
      const id = stringifyId(row.id, rowIndex, fail);
      const features = row.features as unknown;
      const count = featureCount(features);
      if (count !== dims) fail(`row ${rowIndex} (id ${id}) has ${count} features, expected ${dims}`);
      const values = features as ArrayLike<unknown>;
      for (let dim = 0; dim < dims; dim++) {
        const value = values[dim];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          fail(`row ${rowIndex} (id ${id}) has a ${value === null ? 'null' : 'non-finite'} feature ${String(value)} at dimension ${dim}`);
        }
        chunk[rowIndex * dims + dim] = value as number;
      }
      const earlierFile = firstFileOfId.get(id);
      if (earlierFile !== undefined) {
        fail(`duplicate item id ${id} (row ${rowIndex}; first seen in ${basename(earlierFile)})`);
      }
      firstFileOfId.set(id, file);
      itemIds.push(id);
    });
    rowChunks.push(chunk);
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

/** Reads `id` and `features` of one part file after checking its schema and codecs. */
async function readPartRows(file: string, fail: (reason: string) => never): Promise<Record<string, unknown>[]> {
  const buffer = await asyncBufferFromFile(file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    return fail(`not a readable parquet file (${(error as Error).message})`);
  }
  const schema = parquetSchema(metadata);
  // hyparquet starts reading a row group's column chunks one by one and throws when a chunk's path
  // is not in the schema, leaving the chunks already started to reject unobserved: an unhandled
  // rejection that ended the process (found by fuzzing, issue 12). Check the paths first.
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const path = chunk.meta_data?.path_in_schema ?? [];
      let node = schema;
      for (const name of path) {
        const child = node.children.find((candidate) => candidate.element.name === name);
        if (!child) return fail(`column chunk "${path.join('.')}" is not in the schema`);
        node = child;
      }
    }
  }
  const columns = new Map(schema.children.map((child) => [child.element.name, child]));
  const idColumn = columns.get('id');
  const featuresColumn = columns.get('features');
  if (!idColumn || !featuresColumn) {
    return fail(`expected columns "id" and "features", found ${[...columns.keys()].map((name) => `"${name}"`).join(', ')}`);
  }
  const idPhysicalType = idColumn.element.type;
  if (idPhysicalType === undefined || !idTypes.has(idPhysicalType)) {
    return fail(`column "id" has type ${String(idPhysicalType ?? 'group')}; expected int32, int64 or string`);
  }
  if (featuresColumn.children.length === 0) return fail('column "features" is not an array<float> column');
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const codec = chunk.meta_data?.codec;
      if (codec && !readableCodecs.has(codec)) {
        fail(`compressed with ${codec}; only snappy and uncompressed parquet are supported (set spark.sql.parquet.compression.codec=snappy)`);
      }
    }
  }
  try {
    return await parquetReadObjects({ file: buffer, metadata, columns: ['id', 'features'] });
  } catch (error) {
    return fail(`cannot decode the parquet data (${(error as Error).message})`);
  }
}

function featureCount(features: unknown): number {
  if (Array.isArray(features) || ArrayBuffer.isView(features)) return (features as ArrayLike<unknown>).length;
  return 0; // a null features cell counts as an empty row, reported as ragged
}

function stringifyId(id: unknown, rowIndex: number, fail: (reason: string) => never): string {
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'bigint') return id.toString();
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  return fail(`row ${rowIndex} has an invalid id ${String(id)}`);
}
