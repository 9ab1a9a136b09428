import type { RowSolveHyperparameters } from '../../als/AlsHyperparameters';
import { buildItemContentFeatures } from '../../baselines/buildItemContentFeatures';
import { nameClusters } from '../../baselines/nameClusters';
import { trainKMeansClusters } from '../../baselines/trainKMeansClusters';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { fillColdStartFactors } from '../../hybrid/fitContentToFactorMapping';
import { buildCatalogColumns } from '../../artifact/CatalogColumns';
import { buildOndeckModel } from './buildOndeckModel';
import type { TrainingSummary } from '../../artifact/ModelManifest';
import type { OndeckModel } from '../../artifact/OndeckModel';
import type { PopularityPriorParameters } from '../../scoring/PopularityPrior';

/** Inputs of {@link packageModel}: float factors from training or from an import. */
export interface PackageModelInput {
  readonly itemIds: readonly string[];
  /** Row-major `itemIds.length × dims`; not modified. */
  readonly itemFactors: Float32Array;
  readonly dims: number;
  readonly items: ReadonlyMap<string, ItemMetadata>;
  /** Training users per item; 0 marks a title with no interactions (filled from content). */
  readonly popularity: ArrayLike<number>;
  readonly foldIn: RowSolveHyperparameters;
  readonly training: TrainingSummary;
  /** The device's popularity prior, as `ondeck train` tuned it. @defaultValue none */
  readonly popularityPrior?: PopularityPriorParameters;
  readonly modelVersion?: number;
  readonly lineageId?: string;
  /** Taste clusters. @defaultValue 12 */
  readonly clusters?: number;
  /** Give zero-interaction titles factors from their genres and tags. @defaultValue true */
  readonly coldStart?: boolean;
}

/**
 * Everything between float factors and a device model: cold-start factors for titles nobody has
 * watched yet (content→factor ridge mapping), taste clusters (k-means, named after their
 * genres), the catalog columns, int8 quantisation, Gramian and ONNX graph. `ondeck export` and
 * `ondeck import` both end here.
 *
 * @example
 * ```ts
 * const model = packageModel({ itemIds, itemFactors, dims: 64, items, popularity, foldIn: hyper, training });
 * await writeModelDirectory(model, 'build/model');
 * ```
 */
export function packageModel(input: PackageModelInput): OndeckModel {
  const { itemIds, dims, items } = input;
  const itemFactors = Float32Array.from(input.itemFactors);
  let coldStartItems = 0;
  if (input.coldStart !== false) {
    const features = buildItemContentFeatures(itemIds, items, { minDocumentFrequency: 2 });
    if (features.vocabulary.length > 0) coldStartItems = fillColdStartFactors(features, itemFactors, dims, input.popularity);
  }
  const clusterCount = Math.max(1, Math.min(input.clusters ?? 12, itemIds.length));
  const clusters = trainKMeansClusters(itemFactors, itemIds.length, dims, clusterCount, { seed: 1 });
  const names = nameClusters(clusters.assignment, itemIds, items);
  const catalog = buildCatalogColumns(itemIds, items, input.popularity, { names, centroids: Array.from(clusters.centroids) }, clusters.assignment);
  return buildOndeckModel({
    itemFactors,
    dims,
    catalog,
    foldIn: input.foldIn,
    training: { ...input.training, coldStartItems },
    popularityPrior: input.popularityPrior,
    modelVersion: input.modelVersion,
    lineageId: input.lineageId,
  });
}
