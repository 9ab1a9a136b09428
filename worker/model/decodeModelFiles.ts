import type { ModelManifest } from '../../models/artifact/ModelManifest';
import { MODEL_FILES } from '../../models/artifact/ModelManifest';
import type { OndeckModel } from '../../models/artifact/OndeckModel';
import { decodeFactorsFile } from '../../models/artifact/factorsFile';
import { validateCatalogColumns } from '../../models/artifact/CatalogColumns';
import { OndeckError } from '../../models/errors/OndeckError';
import { verifyModelFiles } from './verifyModelFiles';

/**
 * Verifies every file against the manifest (size and SHA-256) and decodes them into a model.
 * The device runs this on a download before storing it, and again on what IndexedDB returns at
 * start (storage can be corrupted too).
 *
 * @throws OndeckError `model-corrupt` naming the first file that does not verify.
 * @example
 * ```ts
 * const model = await decodeModelFiles(manifest, files);
 * ```
 */
export async function decodeModelFiles(manifest: ModelManifest, files: ReadonlyMap<string, Uint8Array>): Promise<OndeckModel> {
  await verifyModelFiles(manifest, files);
  const { factors, gramian } = decodeFactorsFile(files.get(MODEL_FILES.factors)!);
  if (factors.dims !== manifest.dims || factors.rows !== manifest.itemCount) {
    throw new OndeckError('model-corrupt', { file: MODEL_FILES.factors, reason: `table is ${factors.rows} × ${factors.dims}, manifest says ${manifest.itemCount} × ${manifest.dims}` });
  }
  let catalogValue: unknown;
  try {
    catalogValue = JSON.parse(new TextDecoder().decode(files.get(MODEL_FILES.catalog)));
  } catch {
    throw new OndeckError('model-corrupt', { file: MODEL_FILES.catalog, reason: 'not valid JSON' });
  }
  const catalog = validateCatalogColumns(catalogValue, manifest.itemCount, manifest.dims);
  const manifestBytes = files.get(MODEL_FILES.manifest);
  return { manifest, factors, gramian, catalog, scoringGraph: files.get(MODEL_FILES.scoringGraph)!, ...(manifestBytes ? { manifestBytes } : {}) };
}
