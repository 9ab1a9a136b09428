import type { CatalogColumns } from '../artifact/CatalogColumns';
import { decodeFactorsAndCatalog } from '../artifact/decodeFactorsAndCatalog';
import { MODEL_FILES, type ModelManifest } from '../artifact/ModelManifest';
import { parseManifest } from '../artifact/parseManifest';
import { OndeckError } from '../errors/OndeckError';
import type { QuantizedFactors } from '../quantize';

/** The decoded tables of a model's files, as delta code reads them. */
export interface ModelTables {
  readonly manifestBytes: Uint8Array;
  readonly manifest: ModelManifest;
  readonly factors: QuantizedFactors;
  readonly gramian: Float64Array;
  readonly catalog: CatalogColumns;
}

/**
 * Decodes model.json, factors.bin and catalog.json of a model held as files (name → bytes) and
 * checks that they agree on the shape ({@link decodeFactorsAndCatalog}, the decoding the device
 * serves from too). Hashes are not checked here: the files come from a verified download or from
 * storage that verified them; the result of a delta is verified against its model.json by
 * `decodeModelFiles` before it is served.
 *
 * @throws OndeckError `sync-delta-invalid` naming `which` when a file is missing,
 *   `model-corrupt` / `model-version-mismatch` when one does not decode.
 * @example
 * ```ts
 * const base = decodeModelTables(storedFiles, 'base model');
 * ```
 */
export function decodeModelTables(files: ReadonlyMap<string, Uint8Array>, which: string): ModelTables {
  const file = (name: string): Uint8Array => {
    const bytes = files.get(name);
    if (!bytes) throw new OndeckError('sync-delta-invalid', { blob: which, reason: `${name} is missing` });
    return bytes;
  };
  const manifestBytes = file(MODEL_FILES.manifest);
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes));
  const { factors, gramian, catalog } = decodeFactorsAndCatalog(manifest, file(MODEL_FILES.factors), file(MODEL_FILES.catalog));
  return { manifestBytes, manifest, factors, gramian, catalog };
}
