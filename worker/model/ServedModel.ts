import type { OndeckModel } from '../../models/artifact/OndeckModel';
import { shareRepeatedCatalogValues } from './shareRepeatedCatalogValues';

/**
 * A model as the device serves it: an {@link OndeckModel} without its ONNX graph. The `wasm`
 * backend builds its own graph from the (verified) int8 factors, with the table as external data
 * (`buildExternalTableScoringGraph`: the same scores at half ORT's heap), so the 7 MB of
 * `scoring.onnx` would only sit in memory unread. The file is still verified against model.json
 * and stored with the version; a version rebuilt from a delta gets it built and verified when it
 * is stored whole.
 *
 * @example
 * ```ts
 * const served = toServedModel(await decodeModelFiles(manifest, files));
 * ```
 */
export type ServedModel = Omit<OndeckModel, 'scoringGraph'>;

/**
 * The model without its graph bytes (a new object: the bytes are not kept alive through it), its
 * catalog's repeated values shared ({@link shareRepeatedCatalogValues}).
 *
 * @example
 * ```ts
 * const served = toServedModel(model); // 'scoringGraph' in served === false
 * ```
 */
export function toServedModel(model: OndeckModel): ServedModel {
  const { manifest, factors, gramian, catalog, manifestBytes } = model;
  return { manifest, factors, gramian, catalog: shareRepeatedCatalogValues(catalog), ...(manifestBytes ? { manifestBytes } : {}) };
}
