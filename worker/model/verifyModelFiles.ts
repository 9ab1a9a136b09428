import { MODEL_FILES, type ModelManifest } from '../../models/artifact/ModelManifest';
import { OndeckError } from '../../models/errors/OndeckError';
import { sha256Hex } from './sha256Hex';

/** The files model.json lists, in the order they are checked. */
const VERIFIED_FILES = [MODEL_FILES.factors, MODEL_FILES.catalog, MODEL_FILES.scoringGraph];

/**
 * Checks that every file model.json lists is present with its size and SHA-256. The digests run
 * concurrently: SubtleCrypto hashes off the calling thread, so the three files cost about as much
 * as the largest.
 *
 * @throws OndeckError `model-corrupt` naming a file that does not verify.
 * @example
 * ```ts
 * await verifyModelFiles(manifest, files); // then decode
 * ```
 */
export async function verifyModelFiles(manifest: ModelManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  await Promise.all(VERIFIED_FILES.map((name) => verifyModelFile(manifest, name, files.get(name))));
}

/**
 * Checks one file against model.json: listed, present, its size, then its SHA-256. The size
 * checks throw at once; the digest is awaited, so a caller can start several and keep working.
 *
 * @throws OndeckError `model-corrupt` naming the file.
 * @example
 * ```ts
 * const factorsChecked = verifyModelFile(manifest, 'factors.bin', factorBytes);
 * const catalogBytes = encodeCatalogJson(catalog); // while the factors hash
 * await Promise.all([factorsChecked, verifyModelFile(manifest, 'catalog.json', catalogBytes)]);
 * ```
 */
export function verifyModelFile(manifest: ModelManifest, name: string, bytes: Uint8Array | undefined): Promise<void> {
  const entry = manifest.files[name];
  if (!entry) throw new OndeckError('model-corrupt', { file: MODEL_FILES.manifest, reason: `${name} is not listed` });
  if (!bytes) throw new OndeckError('model-corrupt', { file: name, reason: 'file is missing' });
  if (bytes.byteLength !== entry.bytes) throw new OndeckError('model-corrupt', { file: name, reason: `${bytes.byteLength} bytes, manifest says ${entry.bytes}` });
  return sha256Hex(bytes).then((digest) => {
    if (digest !== entry.sha256) throw new OndeckError('model-corrupt', { file: name, reason: 'SHA-256 does not match the manifest' });
  });
}
