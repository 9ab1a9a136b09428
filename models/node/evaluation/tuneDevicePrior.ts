import { selectUsers, type InteractionMatrix } from '../../data/InteractionMatrix';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { buildDeviceRecommender } from '../../evaluation/buildDeviceRecommender';
import { priorValidationViews, type PriorValidationOptions } from '../../evaluation/priorValidationViews';
import { tunePopularityPrior, type PriorGrid, type PriorTuning } from '../../evaluation/tunePopularityPrior';
import type { TrainAlsOptions } from '../als/trainAls';
import { trainDeviceFactors } from './trainDeviceFactors';

/** Options of {@link tuneDevicePrior}: how to train (as the real model is trained) and what to search. */
export interface TuneDevicePriorOptions extends TrainAlsOptions {
  readonly items: ReadonlyMap<string, ItemMetadata>;
  readonly grid?: PriorGrid;
  readonly validation?: PriorValidationOptions;
  /** Weight timed validation histories by recency, as the device does. */
  readonly recencyHalfLifeDays?: number;
}

/**
 * Tunes the popularity prior for a model trained on `train`, never looking at anyone the model
 * will be evaluated on: a fifth of `train`'s own users is held out (`priorValidationViews`), iALS
 * is trained on the rest with the same options, and the prior is chosen on the held-out ones
 * through the device's own int8 path (`tunePopularityPrior`). Costs one training on 80% of the
 * users plus a fold-in per validation viewer and view.
 *
 * @example
 * ```ts
 * const { best } = await tuneDevicePrior(dataset.interactions, { items: dataset.items, hyper, epochs: 15 });
 * manifest.popularityPrior = best.parameters;
 * ```
 */
export async function tuneDevicePrior(train: InteractionMatrix, options: TuneDevicePriorOptions): Promise<PriorTuning> {
  const { trainUsers, views } = priorValidationViews(train, options.validation);
  const { als, itemFactors, popularity } = await trainDeviceFactors(selectUsers(train, trainUsers), options.items, options);
  const recommender = await buildDeviceRecommender({ itemFactors, itemCount: train.itemIds.length, dims: als.dims, foldIn: als.hyper, popularity });
  try {
    return await tunePopularityPrior(recommender, popularity, views, { grid: options.grid, recencyHalfLifeDays: options.recencyHalfLifeDays });
  } finally {
    await recommender.backend.dispose();
  }
}
