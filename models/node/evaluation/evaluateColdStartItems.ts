import type { Dataset } from '../../data/Dataset';
import { itemUserCounts, selectUsers, type InteractionMatrix } from '../../data/InteractionMatrix';
import { trainAls, type TrainAlsOptions } from '../als/trainAls';
import { buildItemContentFeatures } from '../../baselines/buildItemContentFeatures';
import { trainContentBased } from '../../baselines/trainContentBased';
import { fillColdStartFactors } from '../../hybrid/fitContentToFactorMapping';
import { floatFoldInFactors, foldInUser } from '../../scoring/foldIn';
import { gramian } from '../../linalg/gramian';
import { SeededRandom } from '../../random';
import { OndeckError } from '../../errors/OndeckError';
import { rankingMetricsAtK } from '../../evaluation/rankingMetricsAtK';
import { splitHeldOutUsers } from '../../evaluation/splitHeldOutUsers';
import { topKIndices } from '../../scoring/topKIndices';

/** Recall of titles that had no interactions at training time, per model. */
export interface ColdStartEvaluation {
  readonly coldItems: number;
  readonly users: number;
  /** Recall@20 among the cold titles only, for each model; `Random` is the analytic expectation. */
  readonly recallAt20: Readonly<Record<string, number>>;
}

/**
 * How well new titles get recommended before anyone has watched them. A seeded `coldShare` of
 * the titles with at least `minViewers` viewers is hidden from training entirely; the hybrid
 * gives them factors from their genres and tags (content→factor mapping), then held-out viewers
 * (fold-in from their remaining history) rank the cold titles. Truth: the cold titles each viewer
 * really watched.
 *
 * @example
 * ```ts
 * const cold = await evaluateColdStartItems(dataset, { hyper: { factors: 64 } });
 * ```
 */
export async function evaluateColdStartItems(
  dataset: Dataset,
  options: TrainAlsOptions & { readonly coldShare?: number; readonly minViewers?: number } = {},
): Promise<ColdStartEvaluation> {
  const matrix = dataset.interactions;
  const itemCount = matrix.itemIds.length;
  const random = new SeededRandom((options.seed ?? 42) + 7);
  const viewers = itemUserCounts(matrix);
  const candidates: number[] = [];
  for (let i = 0; i < itemCount; i++) if (viewers[i] >= (options.minViewers ?? 5)) candidates.push(i);
  random.shuffle(candidates);
  const cold = new Uint8Array(itemCount);
  const coldItems = candidates.slice(0, Math.max(1, Math.round(candidates.length * (options.coldShare ?? 0.1))));
  for (const item of coldItems) cold[item] = 1;

  const [fold] = splitHeldOutUsers(matrix, { folds: 5, seed: options.seed ?? 42 });
  const train = withoutItems(selectUsers(matrix, fold.trainUsers), cold);
  const als = await trainAls(train, options);
  const features = buildItemContentFeatures(train.itemIds, dataset.items);
  if (features.vocabulary.length === 0) throw new OndeckError('empty-data', { reason: 'cold-start evaluation needs item genres or tags' });
  const itemFactors = Float32Array.from(als.itemFactors);
  fillColdStartFactors(features, itemFactors, als.dims, itemUserCounts(train));
  const factors = floatFoldInFactors(itemFactors, itemCount, als.dims, gramian(itemFactors, itemCount, als.dims));
  const content = trainContentBased(train, { items: dataset.items, seed: 0 });

  const coldScores = new Float32Array(coldItems.length);
  const allScores = new Float32Array(itemCount);
  const totals: Record<string, number> = { 'Hybrid (iALS + content factors)': 0, ContentBased: 0 };
  let users = 0;
  for (const user of fold.heldOut) {
    const start = matrix.indptr[user.user];
    const positives = matrix.indices.subarray(start, matrix.indptr[user.user + 1]);
    const truth = new Set<number>();
    coldItems.forEach((item, position) => {
      if (positives.includes(item)) truth.add(position);
    });
    const keep = Array.from(user.history.indices, (item, h) => (cold[item] ? -1 : h)).filter((h) => h >= 0);
    if (truth.size === 0 || keep.length === 0) continue;
    const history = { indices: Int32Array.from(keep, (h) => user.history.indices[h]), weights: Float32Array.from(keep, (h) => user.history.weights[h]) };
    users++;
    const vector = foldInUser(factors, als.hyper, history);
    coldItems.forEach((item, position) => {
      let sum = 0;
      for (let d = 0; d < als.dims; d++) sum += itemFactors[item * als.dims + d] * vector[d];
      coldScores[position] = sum;
    });
    totals['Hybrid (iALS + content factors)'] += rankingMetricsAtK(topKIndices(coldScores, 20), truth, 20).recall;
    content.scoreItems(history, allScores);
    coldItems.forEach((item, position) => (coldScores[position] = allScores[item]));
    totals.ContentBased += rankingMetricsAtK(topKIndices(coldScores, 20), truth, 20).recall;
  }
  const recallAt20: Record<string, number> = {};
  for (const [name, total] of Object.entries(totals)) recallAt20[name] = total / Math.max(1, users);
  // A random ranking of the cold titles finds each true one with probability 20/|cold|.
  recallAt20.Random = Math.min(1, 20 / coldItems.length);
  return { coldItems: coldItems.length, users, recallAt20 };
}

/** The matrix with every entry on a `drop`ped item removed (columns kept, emptied). */
function withoutItems(matrix: InteractionMatrix, drop: Uint8Array): InteractionMatrix {
  const indptr = new Int32Array(matrix.indptr.length);
  const indices: number[] = [];
  const weights: number[] = [];
  for (let u = 0; u + 1 < matrix.indptr.length; u++) {
    for (let e = matrix.indptr[u]; e < matrix.indptr[u + 1]; e++) {
      if (drop[matrix.indices[e]]) continue;
      indices.push(matrix.indices[e]);
      weights.push(matrix.weights[e]);
    }
    indptr[u + 1] = indices.length;
  }
  return { ...matrix, indptr, indices: Int32Array.from(indices), weights: Float32Array.from(weights) };
}
