import { basename } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { OndeckError } from '../../errors/OndeckError';

/** Codecs hyparquet decodes without the optional hyparquet-compressors package. */
const readableCodecs = new Set(['UNCOMPRESSED', 'SNAPPY']);
/** Physical types an `id` column may have: Spark ALS writes int32; other pipelines long or string. */
const idTypes = new Set(['INT32', 'INT64', 'BYTE_ARRAY']);

/** One Spark part file's rows, checked: ids as strings and their factors, row-major. */
export interface SparkPart {
  readonly itemIds: string[];
  /** Features per row; 0 for a part without rows (Spark writes those for empty partitions). */
  readonly dims: number;
  /** `itemIds.length × dims` values, all finite. */
  readonly factors: Float32Array;
}

/**
 * Decodes one part file of a Spark MLlib ALS `itemFactors` output (`id: int`, `features:
 * array<float>`; int64 and string ids are accepted too) and checks every row: an id, as many
 * features as the first row, all finite. Duplicates within the file are refused; across files,
 * the caller checks. Runs in a thread of its own ({@link decodeSparkPartInThread}): the Parquet
 * decoder can loop on corrupt page data.
 *
 * @throws OndeckError `import-failed` naming `file`: a missing column, an unsupported codec or
 *   type, a ragged row (`row N has X features, expected Y`), a null or non-finite value, a
 *   duplicate id, or data the decoder cannot read.
 */
export async function decodeSparkPart(file: string): Promise<SparkPart> {
  const fail = (reason: string): never => {
    throw new OndeckError('import-failed', { path: file, reason });
  };
  const rows = await readPartRows(file, fail);
  if (rows.length === 0) return { itemIds: [], dims: 0, factors: new Float32Array(0) };
  const dims = featureCount(rows[0].features);
  if (dims === 0) fail('row 0 has no features');
  const factors = new Float32Array(rows.length * dims);
  const itemIds: string[] = [];
  const rowOfId = new Map<string, number>();
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
      factors[rowIndex * dims + dim] = value as number;
    }
    const earlierRow = rowOfId.get(id);
    if (earlierRow !== undefined) fail(`duplicate item id ${id} (row ${rowIndex}; first seen in ${basename(file)}, row ${earlierRow})`);
    rowOfId.set(id, rowIndex);
    itemIds.push(id);
  });
  return { itemIds, dims, factors };
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
