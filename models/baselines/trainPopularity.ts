import { itemUserCounts, type InteractionMatrix } from '../data/InteractionMatrix';
import type { ScoringModel, TrainContext } from '../scoring/ScoringModel';
import { checkScoringArguments } from './checkScoringArguments';

/**
 * The popularity baseline: every viewer gets the same ranking, items by the number of training
 * users who interacted with them. Equal counts tie, and `topKIndices` breaks ties by lower item
 * index, so the order is stable. Any personalised model has to beat this to be worth shipping.
 *
 * @example
 * ```ts
 * const model = trainPopularity(train, { items: new Map(), seed: 1 });
 * const scores = new Float32Array(train.itemIds.length);
 * model.scoreItems(history, scores); // scores[i] = users of item i
 * ```
 */
export function trainPopularity(train: InteractionMatrix, _context?: TrainContext): ScoringModel {
  const itemCount = train.itemIds.length;
  const popularity = Float32Array.from(itemUserCounts(train));
  return {
    name: 'Popularity',
    scoreItems(history, out) {
      checkScoringArguments(history, out, itemCount);
      out.set(popularity);
    },
  };
}
