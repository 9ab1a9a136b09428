import { trainEase, type EaseOptions } from '../baselines/trainEase';
import { OndeckError } from '../errors/OndeckError';
import type { ScoringModel, UserHistory } from '../scoring/ScoringModel';
import type { EvaluationCandidate } from './evaluateStrongGeneralization';
import { recencyWeights } from './recencyWeights';
import type { HeldOutHistory } from './splitHeldOutUsers';

/** Options of {@link easeCandidate}. */
export interface EaseCandidateOptions extends EaseOptions {
  /**
   * Also report "EASE recency": the same fitted B, with each history title's input weighted by
   * `2^(−age / halfLife)`, age counted in titles from the newest (see `recencyWeights`). Needs the
   * held-out histories' times, which a temporal protocol on a timed matrix provides.
   * @defaultValue no recency row
   */
  readonly recencyHalfLife?: number;
}

/**
 * EASE as an evaluation row, and with `recencyHalfLife` a second row from the same fit: the
 * input row weighted toward recent titles. One fit for both, so the two rows differ by the
 * weighting alone (and EASE, the slowest baseline to fit, is fitted once per fold).
 *
 * @throws OndeckError `invalid-argument` for a half-life that is not a finite number > 0 (before
 *   any training); `missing-timestamps` when a history to score has no times.
 * @example
 * ```ts
 * await evaluateStrongGeneralization(dataset, [easeCandidate({ recencyHalfLife: 20 })], { protocol: { kind: 'temporal' } });
 * ```
 */
export function easeCandidate(options: EaseCandidateOptions = {}): EvaluationCandidate {
  const halfLife = options.recencyHalfLife;
  // Weighting an empty history checks the half-life now rather than after a fold's training.
  if (halfLife !== undefined) recencyWeights(new Float64Array(0), halfLife);
  return {
    name: 'EASE',
    train(train, context) {
      if (halfLife === undefined) return trainEase(train, context, options);
      const model = trainEase(train, context, { ...options, queryWeighting: 'weighted' });
      const weightedInput = options.weighting === 'weighted';
      const plain: ScoringModel = {
        name: 'EASE',
        scoreItems: (history, out) => model.scoreItems(weightedInput ? history : { indices: history.indices, weights: new Float32Array(history.indices.length).fill(1) }, out),
      };
      const recent: ScoringModel = {
        name: `EASE recency (half-life ${halfLife})`,
        scoreItems(history, out) {
          const weights = recencyWeights(timesOf(history), halfLife);
          if (weightedInput) for (let h = 0; h < weights.length; h++) weights[h] *= history.weights[h];
          return model.scoreItems({ indices: history.indices, weights }, out);
        },
      };
      return [plain, recent];
    },
  };
}

function timesOf(history: UserHistory): Float64Array {
  const times = (history as HeldOutHistory).times;
  if (times === undefined || times.length !== history.indices.length) throw new OndeckError('missing-timestamps', { needer: 'recency-weighted EASE' });
  return times;
}
