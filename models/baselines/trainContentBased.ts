import type { InteractionMatrix } from '../data/InteractionMatrix';
import type { ScoringModel, TrainContext } from '../scoring/ScoringModel';
import { buildItemContentFeatures, type ItemContentFeatureOptions } from './buildItemContentFeatures';
import { checkScoringArguments } from './checkScoringArguments';

/** Options of {@link trainContentBased}: those of the TF-IDF feature builder. */
export type ContentBasedOptions = ItemContentFeatureOptions;

/**
 * The content-based baseline: no collaborative signal at all. Items are TF-IDF vectors over
 * their genres and tags (see `buildItemContentFeatures`), the viewer's profile is the sum of
 * their history items' vectors weighted by the history weights, and an item's score is the
 * cosine between the profile and the item. Items without metadata (or whose terms were all
 * too rare) score 0, as does everything for a history without any known terms. The training
 * interactions are not used; only the item ids and `context.items`.
 *
 * @example
 * ```ts
 * const model = trainContentBased(train, { items: dataset.items, seed: 1 });
 * model.scoreItems(history, scores); // in [0, 1] with positive weights
 * ```
 */
export function trainContentBased(train: InteractionMatrix, context: TrainContext, options: ContentBasedOptions = {}): ScoringModel {
  const features = buildItemContentFeatures(train.itemIds, context.items, options);
  const { itemCount, indptr, indices, values } = features;
  const termCount = features.vocabulary.length;
  const profile = new Float64Array(termCount);
  const touchedTerms = new Int32Array(termCount);
  const isTouched = new Uint8Array(termCount);

  return {
    name: 'ContentBased',
    scoreItems(history, out) {
      checkScoringArguments(history, out, itemCount);
      let touchedCount = 0;
      for (let h = 0; h < history.indices.length; h++) {
        const item = history.indices[h];
        const weight = history.weights[h];
        for (let e = indptr[item]; e < indptr[item + 1]; e++) {
          const term = indices[e];
          if (isTouched[term] === 0) {
            isTouched[term] = 1;
            touchedTerms[touchedCount++] = term;
          }
          profile[term] += weight * values[e];
        }
      }
      let squares = 0;
      for (let t = 0; t < touchedCount; t++) squares += profile[touchedTerms[t]] ** 2;
      if (squares > 0) {
        // Item rows are unit vectors, so dividing by the profile norm makes each dot a cosine.
        const inverseNorm = 1 / Math.sqrt(squares);
        for (let item = 0; item < itemCount; item++) {
          let dot = 0;
          for (let e = indptr[item]; e < indptr[item + 1]; e++) dot += values[e] * profile[indices[e]];
          out[item] = dot * inverseNorm;
        }
      } else {
        out.fill(0);
      }
      for (let t = 0; t < touchedCount; t++) {
        const term = touchedTerms[t];
        profile[term] = 0;
        isTouched[term] = 0;
      }
    },
  };
}
