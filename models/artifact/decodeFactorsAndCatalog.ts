import { validateCatalogColumns, type CatalogColumns } from './CatalogColumns';
import { decodeFactorsFile, type FactorsFileContent } from './factorsFile';
import { MODEL_FILES, type ModelManifest } from './ModelManifest';
import { OndeckError } from '../errors/OndeckError';

/** The tables {@link decodeFactorsAndCatalog} reads out of factors.bin and catalog.json. */
export interface FactorsAndCatalog extends FactorsFileContent {
  readonly catalog: CatalogColumns;
}

/**
 * Decodes factors.bin and catalog.json of one model and checks that both agree with its
 * model.json on the shape. The one place a model's tables are parsed: the device's
 * `decodeModelFiles` (after verifying hashes) and the sync code's `decodeModelTables` (on files
 * that were verified before) both build on it, so a model the cloud diffs is read exactly as the
 * device serves it. Finding the bytes, and what a missing file means, stays with the caller.
 *
 * @throws OndeckError `model-corrupt` naming the file that does not decode or does not match
 *   model.json, `model-version-mismatch` for a factors.bin of another format version.
 * @example
 * ```ts
 * const { factors, gramian, catalog } = decodeFactorsAndCatalog(manifest, files.get('factors.bin')!, files.get('catalog.json')!);
 * ```
 */
export function decodeFactorsAndCatalog(manifest: ModelManifest, factorsBytes: Uint8Array, catalogBytes: Uint8Array): FactorsAndCatalog {
  const { factors, gramian } = decodeFactorsFile(factorsBytes);
  if (factors.dims !== manifest.dims || factors.rows !== manifest.itemCount) {
    throw new OndeckError('model-corrupt', {
      file: MODEL_FILES.factors,
      reason: `table is ${factors.rows} × ${factors.dims}, model.json says ${manifest.itemCount} × ${manifest.dims}`,
    });
  }
  let catalogValue: unknown;
  try {
    catalogValue = JSON.parse(new TextDecoder().decode(catalogBytes));
  } catch {
    throw new OndeckError('model-corrupt', { file: MODEL_FILES.catalog, reason: 'not valid JSON' });
  }
  const catalog = validateCatalogColumns(catalogValue, manifest.itemCount, manifest.dims);
  return { factors, gramian, catalog };
}
