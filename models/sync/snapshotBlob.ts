import { MODEL_FILES } from '../artifact/ModelManifest';
import { OndeckError } from '../errors/OndeckError';

/**
 * A snapshot blob is the whole model directory in one tiny archive (all little-endian; gzip is
 * applied on top when published):
 *
 * | bytes | field |
 * |---|---|
 * | 4 | magic `ODKS` |
 * | 2 | archive version (u16, = 1) |
 * | 2 | file count (u16) |
 * | per file: 2 | name length in bytes (u16) |
 * | per file: … | name (UTF-8, `[A-Za-z0-9._-]+`) |
 * | per file: 4 | byte length (u32) |
 * | per file: … | the file's bytes |
 *
 * Files are stored in a fixed order (model.json first), so one model always gives one blob.
 */
export const SNAPSHOT_MAGIC = 'ODKS';
const SNAPSHOT_VERSION = 1;

const FILE_ORDER: readonly string[] = [MODEL_FILES.manifest, MODEL_FILES.factors, MODEL_FILES.catalog, MODEL_FILES.scoringGraph];

/**
 * Packs model files (name → bytes) into a snapshot archive.
 *
 * @example
 * ```ts
 * const blob = gzipSync(encodeSnapshotBlob(encodeModelFiles(model)));
 * ```
 */
export function encodeSnapshotBlob(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const names = [...files.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const encodedNames = names.map((name) => {
    checkName(name);
    return new TextEncoder().encode(name);
  });
  let total = 8;
  names.forEach((name, index) => (total += 2 + encodedNames[index].byteLength + 4 + files.get(name)!.byteLength));
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = SNAPSHOT_MAGIC.charCodeAt(i);
  view.setUint16(4, SNAPSHOT_VERSION, true);
  view.setUint16(6, names.length, true);
  let offset = 8;
  names.forEach((name, index) => {
    const bytes = files.get(name)!;
    view.setUint16(offset, encodedNames[index].byteLength, true);
    out.set(encodedNames[index], offset + 2);
    offset += 2 + encodedNames[index].byteLength;
    view.setUint32(offset, bytes.byteLength, true);
    out.set(bytes, offset + 4);
    offset += 4 + bytes.byteLength;
  });
  return out;
}

/**
 * Unpacks a snapshot archive into model files. The returned arrays are views on `blob` (no copy).
 * Checks the magic, the version, every length against what is left, file names, duplicates and
 * trailing bytes; the files' hashes are checked afterwards against their model.json
 * (`decodeModelFiles`).
 *
 * @throws OndeckError `sync-delta-invalid` (with `blob: 'snapshot'`) for a malformed archive.
 * @example
 * ```ts
 * const files = decodeSnapshotBlob(await decompress(blobBytes));
 * const model = await decodeModelFiles(parseManifest(new TextDecoder().decode(files.get('model.json'))), files);
 * ```
 */
export function decodeSnapshotBlob(blob: Uint8Array): Map<string, Uint8Array> {
  const fail = (reason: string): never => {
    throw new OndeckError('sync-delta-invalid', { blob: 'snapshot', reason });
  };
  if (blob.byteLength < 8) fail(`${blob.byteLength} bytes is shorter than the header`);
  const magic = String.fromCharCode(blob[0], blob[1], blob[2], blob[3]);
  if (magic !== SNAPSHOT_MAGIC) fail(`bad magic "${magic}"`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const version = view.getUint16(4, true);
  if (version !== SNAPSHOT_VERSION) fail(`archive version ${version}, this build reads ${SNAPSHOT_VERSION}`);
  const count = view.getUint16(6, true);
  const files = new Map<string, Uint8Array>();
  let offset = 8;
  for (let index = 0; index < count; index++) {
    if (offset + 2 > blob.byteLength) fail(`file ${index} is cut off`);
    const nameLength = view.getUint16(offset, true);
    if (offset + 2 + nameLength + 4 > blob.byteLength) fail(`file ${index} is cut off`);
    const name = new TextDecoder().decode(blob.subarray(offset + 2, offset + 2 + nameLength));
    if (!isValidName(name)) fail(`file name "${name}" is not allowed`);
    if (files.has(name)) fail(`${name} appears twice`);
    offset += 2 + nameLength;
    const length = view.getUint32(offset, true);
    offset += 4;
    if (length > blob.byteLength - offset) fail(`${name} claims ${length} bytes, ${blob.byteLength - offset} are left`);
    files.set(name, blob.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== blob.byteLength) fail(`${blob.byteLength - offset} trailing bytes`);
  return files;
}

function rank(name: string): number {
  const index = FILE_ORDER.indexOf(name);
  return index < 0 ? FILE_ORDER.length : index;
}

function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && /^[A-Za-z0-9._-]+$/.test(name) && name !== '.' && name !== '..';
}

function checkName(name: string): void {
  if (!isValidName(name)) throw new OndeckError('invalid-argument', { name: 'snapshot file name', reason: `"${name}" is not allowed` });
}
