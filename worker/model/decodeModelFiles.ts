import { decodeFactorsAndCatalog } from '../../models/artifact/decodeFactorsAndCatalog';
import type { ModelManifest } from '../../models/artifact/ModelManifest';
import { MODEL_FILES } from '../../models/artifact/ModelManifest';
import type { OndeckModel } from '../../models/artifact/OndeckModel';
import { verifyModelFiles } from './verifyModelFiles';

/**
 * Verifies every file against the manifest (size and SHA-256) and decodes them into a model.
 * The device runs this on a download before storing it, and again on what IndexedDB returns at
 * start (storage can be corrupted too). The decoding itself is {@link decodeFactorsAndCatalog},
 * shared with the sync code, so only the hashing (SubtleCrypto) is the device's own.
 *
 * @throws OndeckError `model-corrupt` naming the first file that does not verify or decode,
 *   `model-version-mismatch` for a factors.bin of another format version.
 * @example
 * ```ts
 * const model = await decodeModelFiles(manifest, files);
 * ```
 */
export async function decodeModelFiles(manifest: ModelManifest, files: ReadonlyMap<string, Uint8Array>): Promise<OndeckModel> {
  // verifyModelFiles refuses a missing file, so the lookups below find bytes.
  await verifyModelFiles(manifest, files);
  const { factors, gramian, catalog } = decodeFactorsAndCatalog(manifest, files.get(MODEL_FILES.factors)!, files.get(MODEL_FILES.catalog)!);
  const manifestBytes = files.get(MODEL_FILES.manifest);
  return { manifest, factors, gramian, catalog, scoringGraph: files.get(MODEL_FILES.scoringGraph)!, ...(manifestBytes ? { manifestBytes } : {}) };
}
