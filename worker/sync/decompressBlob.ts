import { OndeckError } from '../../models/errors/OndeckError';
import { loadCompat } from '../compat/loadCompat';

/** Which gunzip runs: `auto` prefers the engine's DecompressionStream, `js` forces fflate. */
export type GunzipImplementation = 'auto' | 'js';

/**
 * Undoes a blob's transfer encoding and checks the result has exactly the size the signed
 * manifest declares. `gzip` uses the engine's `DecompressionStream` where there is one (Chromium
 * ≥ 80, Safari ≥ 16.4) and fflate's inflater elsewhere (WPE 2.38 and older TV engines have none;
 * in the browser worker fflate lives in `ondeck-compat.js`, fetched on first need only).
 * Call it only on bytes whose SHA-256 already matched the manifest: the size bound keeps a
 * mistaken publisher from exhausting memory, not an attacker (the hash already stopped those).
 *
 * @param decodedBytes The size the manifest declares after decoding.
 * @throws OndeckError `model-corrupt` when the stream is not valid gzip or has another size;
 *   `network-failed` when the JS path is needed and the worker cannot load `ondeck-compat.js`.
 * @example
 * ```ts
 * const payload = await decompressBlob(blobBytes, 'gzip', reference.decodedBytes, reference.path);
 * ```
 */
export async function decompressBlob(
  bytes: Uint8Array,
  encoding: 'gzip' | 'identity',
  decodedBytes: number,
  name: string,
  implementation: GunzipImplementation = 'auto',
): Promise<Uint8Array> {
  if (encoding === 'identity') {
    if (bytes.byteLength !== decodedBytes) throw corrupt(name, `${bytes.byteLength} bytes, manifest says ${decodedBytes}`);
    return bytes;
  }
  if (bytes.byteLength < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw corrupt(name, 'not a gzip stream');
  // The gzip trailer's ISIZE is the decoded size modulo 2^32: a cheap check before any work.
  const trailerSize = (bytes[bytes.length - 4] | (bytes[bytes.length - 3] << 8) | (bytes[bytes.length - 2] << 16) | (bytes[bytes.length - 1] << 24)) >>> 0;
  if (trailerSize !== decodedBytes % 0x100000000) throw corrupt(name, `gzip trailer says ${trailerSize} bytes, manifest says ${decodedBytes}`);
  const decoded = implementation === 'auto' && typeof DecompressionStream === 'function' ? await gunzipWithStream(bytes, decodedBytes, name) : gunzipInJs(bytes, name);
  if (decoded.byteLength !== decodedBytes) throw corrupt(name, `decodes to ${decoded.byteLength} bytes, manifest says ${decodedBytes}`);
  return decoded;
}

function gunzipInJs(bytes: Uint8Array, name: string): Uint8Array {
  // Outside the try: a compat script that did not load is a network failure, not a corrupt blob.
  const { gunzip } = loadCompat();
  try {
    return gunzip(bytes);
  } catch (error) {
    throw corrupt(name, `gzip: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function gunzipWithStream(bytes: Uint8Array, limit: number, name: string): Promise<Uint8Array> {
  const output = new Uint8Array(limit);
  let length = 0;
  try {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.byteLength > limit) {
        await reader.cancel().catch(() => undefined);
        throw corrupt(name, `decodes to more than the ${limit} bytes the manifest declares`);
      }
      output.set(value, length);
      length += value.byteLength;
    }
  } catch (error) {
    if (error instanceof OndeckError) throw error;
    throw corrupt(name, `gzip: ${error instanceof Error ? error.message : String(error)}`);
  }
  return length === limit ? output : output.subarray(0, length);
}

function corrupt(file: string, reason: string): OndeckError {
  return new OndeckError('model-corrupt', { file, reason });
}
