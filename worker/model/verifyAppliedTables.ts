import { validateCatalogColumns } from '../../models/artifact/CatalogColumns';
import { MODEL_FILES } from '../../models/artifact/ModelManifest';
import type { ServedModel } from './ServedModel';
import { encodeFactorsFile } from '../../models/artifact/factorsFile';
import { encodeCatalogJson } from '../../models/sync/encodeCatalogJson';
import type { ModelTables } from '../../models/sync/decodeModelTables';
import { verifyModelFile } from './verifyModelFiles';

/** A model rebuilt from tables, proven equal to its published files. */
export interface VerifiedModel {
  /** Without its ONNX graph (see {@link ServedModel}). */
  readonly model: ServedModel;
  /** model.json, factors.bin and catalog.json, byte for byte the version's snapshot (scoring.onnx is built when the version is stored whole). */
  readonly files: Map<string, Uint8Array>;
}

/**
 * Turns the tables a delta produced into a servable model, proving first that they are the
 * version the signed chain announced: the files are encoded exactly as the cloud encodes them
 * and checked against the version's own model.json (size and SHA-256 of each), and the catalog
 * passes the same checks a downloaded one does. Nothing is parsed back: the tables already are
 * the decoded model, which is what makes a delta cheaper to apply than a snapshot.
 *
 * @throws OndeckError `model-corrupt` when a file does not verify.
 * @example
 * ```ts
 * const { model, files } = await verifyAppliedTables(applyDeltaToTables(serving, delta));
 * ```
 */
export async function verifyAppliedTables(tables: ModelTables): Promise<VerifiedModel> {
  const { manifest } = tables;
  // The factors' digest runs (in SubtleCrypto, off this thread) while the catalog is encoded.
  const factorBytes = encodeFactorsFile({ factors: tables.factors, gramian: tables.gramian });
  const factorsChecked = verifyModelFile(manifest, MODEL_FILES.factors, factorBytes);
  const catalogBytes = encodeCatalogJson(tables.catalog);
  await Promise.all([factorsChecked, verifyModelFile(manifest, MODEL_FILES.catalog, catalogBytes)]);
  const files = new Map<string, Uint8Array>([
    [MODEL_FILES.manifest, tables.manifestBytes],
    [MODEL_FILES.factors, factorBytes],
    [MODEL_FILES.catalog, catalogBytes],
  ]);
  const catalog = validateCatalogColumns(tables.catalog, manifest.itemCount, manifest.dims);
  const model: ServedModel = {
    manifest,
    factors: tables.factors,
    gramian: tables.gramian,
    catalog,
    manifestBytes: tables.manifestBytes,
  };
  return { model, files };
}
