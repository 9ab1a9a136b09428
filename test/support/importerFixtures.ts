// Writers for genuine Spark-style parquet part files and byte-exact .npy files, shared by the
// importer tests. Kept out of the library: ondeck only reads these formats.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** Runs `body` with a fresh temp directory that is removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ondeck-import-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SparkPartOptions {
  /** Physical type of `id`: Spark ALS writes INT32; other pipelines INT64 or strings. */
  readonly idType?: 'INT32' | 'INT64' | 'STRING';
  /** Defaults to SNAPPY, Spark's default codec. */
  readonly codec?: 'SNAPPY' | 'UNCOMPRESSED' | 'GZIP';
  /** Column name of the factors, to test a wrong schema. */
  readonly featuresName?: string;
}

/**
 * Writes one part file with the schema Spark gives `ALSModel.itemFactors`
 * (`id: int not null`, `features: array<float>` with non-null elements), i.e. in parquet terms
 * `required int32 id; optional group features (LIST) { repeated group list { required float element } }`.
 */
export async function writeSparkPart(file: string, rows: { id: number | bigint | string; features: number[] }[], options: SparkPartOptions = {}): Promise<void> {
  const idType = options.idType ?? 'INT32';
  const featuresName = options.featuresName ?? 'features';
  const codec = options.codec ?? 'SNAPPY';
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((row) => row.id) },
      { name: featuresName, data: rows.map((row) => row.features) },
    ],
    schema: [
      { name: 'spark_schema', num_children: 2 },
      idType === 'STRING' ? { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' } : { name: 'id', type: idType, repetition_type: 'REQUIRED' },
      { name: featuresName, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
    ],
    codec,
    // The writer needs a compressor for any codec but snappy; identity bytes are enough to get a
    // file whose metadata declares GZIP, which is all the codec check looks at.
    compressors: codec === 'GZIP' ? { GZIP: (input: Uint8Array) => input } : undefined,
    createdBy: 'parquet-mr version 1.13.1 (build db4183109d5b734ec5930d870cdae161e408ddba)',
    kvMetadata: [{ key: 'org.apache.spark.version', value: '3.5.1' }],
  });
  await writeFile(file, new Uint8Array(buffer));
}

export interface NpyOptions {
  readonly descr: string;
  readonly shape: number[];
  /** Values in the order they are stored in the file (already column-major for Fortran order). */
  readonly stored: number[];
  readonly fortranOrder?: boolean;
  readonly version?: 1 | 2 | 3;
  /** Replaces the generated header dict literal (padding is still added). */
  readonly headerLiteral?: string;
}

/** Builds a .npy file byte by byte, as numpy's format.write_array does. */
export function npyBytes(options: NpyOptions): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = options.shape.length === 1 ? `(${options.shape[0]},)` : `(${options.shape.join(', ')})`;
  const literal = options.headerLiteral ?? `{'descr': '${options.descr}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefixLength = version === 1 ? 10 : 12;
  // numpy pads the header with spaces and a final newline so the data starts 64-byte aligned.
  let header = literal;
  while ((prefixLength + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const headerBytes = new TextEncoder().encode(header);

  const match = /^([<>|=])([a-z])(\d+)$/.exec(options.descr);
  const itemSize = match ? Number(match[3]) : 4;
  const littleEndian = !match || match[1] !== '>';
  const data = new DataView(new ArrayBuffer(options.stored.length * itemSize));
  options.stored.forEach((value, index) => {
    const offset = index * itemSize;
    if (match?.[2] === 'f' && itemSize === 4) data.setFloat32(offset, value, littleEndian);
    else if (match?.[2] === 'f' && itemSize === 8) data.setFloat64(offset, value, littleEndian);
    else if (match?.[2] === 'i' && itemSize === 8) data.setBigInt64(offset, BigInt(value), littleEndian);
    else throw new Error(`fixture cannot write ${options.descr}`);
  });

  const bytes = new Uint8Array(prefixLength + headerBytes.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, prefixLength);
  bytes.set(new Uint8Array(data.buffer), prefixLength + headerBytes.length);
  return bytes;
}

/**
 * The built Parquet decoding thread (`npm test` builds dist/ first): readers of Spark output run
 * each part file in it, and tests run from source, where it is not beside the module.
 */
export const sparkPartThread = { threadScript: join(import.meta.dirname, '../../dist/sparkPartThread.js') };
