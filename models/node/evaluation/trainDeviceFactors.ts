import type { InteractionMatrix } from '../../data/InteractionMatrix';
import { itemUserCounts } from '../../data/InteractionMatrix';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { buildItemContentFeatures, type ItemContentFeatures } from '../../baselines/buildItemContentFeatures';
import { fillColdStartFactors } from '../../hybrid/fitContentToFactorMapping';
import { trainAls, type AlsModel, type TrainAlsOptions } from '../als/trainAls';

/** iALS factors as `ondeck export` would ship them, with what the evaluation needs beside them. */
export interface DeviceFactors {
  readonly als: AlsModel;
  /** The trained factors with cold-start rows filled from content (a copy; `als.itemFactors` is untouched). */
  readonly itemFactors: Float32Array;
  /** Training viewers per item. */
  readonly popularity: Int32Array;
  readonly features: ItemContentFeatures;
}

/**
 * Trains iALS on `train` and gives titles with no training interactions factors from their
 * content, as `ondeck export` does: the same hybrid cold start in evaluation, in tuning and on
 * the device.
 *
 * @example
 * ```ts
 * const { als, itemFactors, popularity } = await trainDeviceFactors(train, items, { hyper, epochs: 15 });
 * ```
 */
export async function trainDeviceFactors(train: InteractionMatrix, items: ReadonlyMap<string, ItemMetadata>, options: TrainAlsOptions): Promise<DeviceFactors> {
  const als = await trainAls(train, options);
  const popularity = itemUserCounts(train);
  const features = buildItemContentFeatures(train.itemIds, items);
  const itemFactors = Float32Array.from(als.itemFactors);
  if (features.vocabulary.length > 0) fillColdStartFactors(features, itemFactors, als.dims, popularity);
  return { als, itemFactors, popularity, features };
}
