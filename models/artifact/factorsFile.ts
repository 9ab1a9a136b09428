import type { QuantizedFactors } from '../quantize';
import { OndeckError } from '../errors/OndeckError';
import { MODEL_FORMAT_VERSION } from './ModelManifest';

/**
 * factors.bin, the binary half of a model (all little-endian, layout in docs/format.md):
 *
 * | offset | size            | field                                  |
 * |--------|-----------------|----------------------------------------|
 * | 0      | 4               | magic `ODKF`                           |
 * | 4      | 2               | format version (u16)                   |
 * | 6      | 2               | dims (u16)                             |
 * | 8      | 4               | item count n (u32)                     |
 * | 12     | 4               | reserved, 0                            |
 * | 16     | n·dims          | int8 factors, row-major                |
 * | A      | 4·n             | float32 row scales (A = 8-aligned)     |
 * | B      | 8·dims²         | float64 Gramian of the dequantised rows (B = 8-aligned) |
 */
export const FACTORS_MAGIC = 'ODKF';
const HEADER_BYTES = 16;

/** The decoded content of factors.bin. */
export interface FactorsFileContent {
  readonly factors: QuantizedFactors;
  /** Gramian of the dequantised factors (dims × dims), what fold-in needs. */
  readonly gramian: Float64Array;
}

function align8(offset: number): number {
  // Not `(offset + 7) & ~7`: bitwise operators wrap at 2^31, so a header claiming 2^29 rows made a
  // small file pass the size check and the int8 view throw a raw RangeError (found by fuzzing, issue 12).
  return Math.ceil(offset / 8) * 8;
}

function layout(itemCount: number, dims: number): { scalesOffset: number; gramianOffset: number; totalBytes: number } {
  const scalesOffset = align8(HEADER_BYTES + itemCount * dims);
  const gramianOffset = align8(scalesOffset + 4 * itemCount);
  return { scalesOffset, gramianOffset, totalBytes: gramianOffset + 8 * dims * dims };
}

/**
 * Serialises factors and Gramian into the factors.bin layout.
 *
 * @example
 * ```ts
 * const bytes = encodeFactorsFile({ factors: quantizeRows(f, n, 64), gramian });
 * ```
 */
export function encodeFactorsFile(content: FactorsFileContent): Uint8Array {
  const { rows, dims, values, scales } = content.factors;
  if (content.gramian.length !== dims * dims) {
    throw new OndeckError('dimension-mismatch', { what: 'Gramian', expected: dims * dims, got: content.gramian.length });
  }
  const { scalesOffset, gramianOffset, totalBytes } = layout(rows, dims);
  const bytes = new Uint8Array(totalBytes);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = FACTORS_MAGIC.charCodeAt(i);
  view.setUint16(4, MODEL_FORMAT_VERSION, true);
  view.setUint16(6, dims, true);
  view.setUint32(8, rows, true);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), HEADER_BYTES);
  for (let r = 0; r < rows; r++) view.setFloat32(scalesOffset + 4 * r, scales[r], true);
  for (let i = 0; i < dims * dims; i++) view.setFloat64(gramianOffset + 8 * i, content.gramian[i], true);
  return bytes;
}

/**
 * Parses factors.bin, checking magic, version and exact size. The int8 table is a view on the
 * input (no copy); scales and Gramian are copied out so they are aligned whatever the input's
 * byte offset.
 */
export function decodeFactorsFile(bytes: Uint8Array): FactorsFileContent {
  const corrupt = (reason: string): OndeckError => new OndeckError('model-corrupt', { file: 'factors.bin', reason });
  if (bytes.byteLength < HEADER_BYTES) throw corrupt(`${bytes.byteLength} bytes is shorter than the header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== FACTORS_MAGIC) throw corrupt(`bad magic "${magic}"`);
  const version = view.getUint16(4, true);
  if (version !== MODEL_FORMAT_VERSION) {
    throw new OndeckError('model-version-mismatch', { got: version, expected: MODEL_FORMAT_VERSION });
  }
  const dims = view.getUint16(6, true);
  const rows = view.getUint32(8, true);
  if (dims === 0) throw corrupt('dims is 0');
  const { scalesOffset, gramianOffset, totalBytes } = layout(rows, dims);
  if (bytes.byteLength !== totalBytes) throw corrupt(`expected ${totalBytes} bytes for ${rows} × ${dims}, got ${bytes.byteLength}`);
  const values = new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, rows * dims);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const scale = view.getFloat32(scalesOffset + 4 * r, true);
    if (!(scale >= 0) || !Number.isFinite(scale)) throw corrupt(`row ${r} has scale ${scale}`);
    scales[r] = scale;
  }
  const gramian = new Float64Array(dims * dims);
  for (let i = 0; i < dims * dims; i++) {
    const value = view.getFloat64(gramianOffset + 8 * i, true);
    if (!Number.isFinite(value)) throw corrupt(`Gramian entry ${i} is ${value}`);
    gramian[i] = value;
  }
  return { factors: { rows, dims, values, scales }, gramian };
}
