import type { TrainAlsOptions } from '../als/trainAls';
import { buildDeviceRecommender } from '../../evaluation/buildDeviceRecommender';
import type { EvaluationCandidate } from '../../evaluation/evaluateStrongGeneralization';
import type { ScoringModel } from '../../scoring/ScoringModel';
import { dequantizeRows, quantizeRows } from '../../quantize';
import { trainDeviceFactors } from './trainDeviceFactors';

/**
 * "More like this" rankings from the device's int8 iALS factors, for the item-to-item comparison
 * (issue 15): given the titles of a history (one, under `--protocol short-1`: the seed), each
 * title scores by its similarity to them, summed with the history's weights. Three similarities:
 *
 * - `dot`: the raw dot product with X's vector (what the device shipped): favours large-norm,
 *   popular titles;
 * - `dot / norm^β` (β = 0.25, 0.5): between the two, a title's norm counts for less;
 * - `cosine`: the dot product over both norms;
 * - `fold-in of X`: the fold-in of the one-title history [X] (the user model's own answer, no
 *   popularity prior), whose Gramian solve discounts the directions every viewer shares.
 *
 * ItemKNN (cosine over co-occurrence) is the anchor the comparison is read against.
 *
 * @example
 * ```ts
 * await evaluateStrongGeneralization(dataset, [similarCandidate({ epochs: 15 })], { protocol: { kind: 'short', titles: 1 } });
 * ```
 */
export function similarCandidate(options: TrainAlsOptions = {}): EvaluationCandidate {
  return {
    name: 'More like this (iALS int8)',
    async train(train, context) {
      const { als, itemFactors, popularity } = await trainDeviceFactors(train, context.items, { seed: context.seed, ...options });
      const itemCount = train.itemIds.length;
      const { dims } = als;
      const rows = dequantizeRows(quantizeRows(itemFactors, itemCount, dims));
      const norms = new Float64Array(itemCount);
      for (let i = 0; i < itemCount; i++) {
        let sum = 0;
        for (let d = 0; d < dims; d++) sum += rows[i * dims + d] ** 2;
        norms[i] = Math.sqrt(sum) || 1;
      }
      // dot / (|x|·|v|)^β: β = 0 is the raw dot product, β = 1 the cosine, between them a title's
      // norm (its popularity, in iALS) counts for less.
      const bySimilarity = (name: string, beta: number): ScoringModel => ({
        name,
        scoreItems(history, out) {
          out.fill(0);
          for (let h = 0; h < history.indices.length; h++) {
            const anchor = history.indices[h];
            const weight = history.weights[h] / norms[anchor] ** beta;
            for (let i = 0; i < itemCount; i++) {
              let sum = 0;
              for (let d = 0; d < dims; d++) sum += rows[anchor * dims + d] * rows[i * dims + d];
              out[i] += (weight * sum) / norms[i] ** beta;
            }
          }
        },
      });
      const recommender = await buildDeviceRecommender({ itemFactors, itemCount, dims, foldIn: als.hyper, popularity });
      return [
        bySimilarity('like X: dot (shipped)', 0),
        bySimilarity('like X: dot / norm^0.25', 0.25),
        bySimilarity('like X: dot / norm^0.5', 0.5),
        bySimilarity('like X: cosine', 1),
        { name: 'like X: fold-in of X', scoreItems: (history, out) => recommender.scoreAll(history, out) },
      ];
    },
  };
}
