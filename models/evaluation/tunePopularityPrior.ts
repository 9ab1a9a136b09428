import { ndcgAtK } from './rankingMetricsAtK';
import type { ValidationView } from './priorValidationViews';
import type { HeldOutHistory } from './splitHeldOutUsers';
import type { HistoryRecommender } from '../scoring/HistoryRecommender';
import { PopularityPrior, type PopularityPriorParameters } from '../scoring/PopularityPrior';
import { weightByRecency } from '../scoring/recencyDecay';
import type { UserHistory } from '../scoring/ScoringModel';
import { topKIndices } from '../scoring/topKIndices';

/** The grid {@link tunePopularityPrior} searches. */
export interface PriorGrid {
  /** Values of `weight` (w0); 0 (no prior) is always tried. */
  readonly weights: readonly number[];
  /** Values of `historyScale` (n0). */
  readonly historyScales: readonly number[];
}

/**
 * The default grid. Fold-in scores are predicted preferences (about 0–1) and the prior is
 * popularity over the largest (0–1), so weights span "a nudge" to "popularity first". Scales stop
 * at 10 titles: with 20–100 (which validation on ml-latest-small picked, for the new profiles'
 * sake) the prior still weighed 0.03 at a hundred titles, and the evaluation's long histories lost
 * to it (temporal NDCG@100 0.1997 → 0.1972, random 0.3668 → 0.3620; at ≤ 10: 0.2008, 0.3636).
 */
export const DEFAULT_PRIOR_GRID: PriorGrid = Object.freeze({
  weights: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
  historyScales: [0.5, 1, 2, 5, 10],
});

/** NDCG@100 of one prior on every view. */
export interface PriorTrial {
  readonly parameters: PopularityPriorParameters;
  /** The mean over views of each view's mean NDCG@100: every view weighs the same. */
  readonly ndcgAt100: number;
  readonly byView: Readonly<Record<string, number>>;
}

/** What {@link tunePopularityPrior} found. */
export interface PriorTuning {
  readonly best: PriorTrial;
  /** The fold-in scores alone (weight 0), for comparison. */
  readonly withoutPrior: PriorTrial;
  readonly validationUsers: number;
  readonly trials: readonly PriorTrial[];
}

/** Options of {@link tunePopularityPrior}. */
export interface TunePriorOptions {
  readonly grid?: PriorGrid;
  /** Weight histories that carry times as the device does (`weightByRecency`); none when absent. */
  readonly recencyHalfLifeDays?: number;
}

/**
 * Picks the popularity prior (`weight`, `historyScale`) that maximises NDCG@100 on validation
 * viewers, averaged over `views` (new profiles of 1, 3, 5 titles and a long history: see
 * `priorValidationViews`), so the prior helps new profiles without costing long histories.
 * Each viewer is folded in once through the device's own path (`recommender`, built without a
 * prior); every grid point then only adds the prior and re-ranks. Ties go to the smaller weight
 * (weight 0 first): no prior unless it helps.
 *
 * @param recommender the device path over factors trained without the validation viewers, with
 *   no prior of its own.
 * @param popularity training viewers per item (the model's `catalog.popularity`).
 * @example
 * ```ts
 * const { best } = await tunePopularityPrior(recommender, popularity, views);
 * ```
 */
export async function tunePopularityPrior(
  recommender: HistoryRecommender,
  popularity: ArrayLike<number>,
  views: readonly ValidationView[],
  options: TunePriorOptions = {},
): Promise<PriorTuning> {
  const grid = options.grid ?? DEFAULT_PRIOR_GRID;
  const points: PopularityPriorParameters[] = [{ weight: 0, historyScale: 1 }];
  for (const weight of grid.weights) for (const historyScale of grid.historyScales) if (weight > 0) points.push({ weight, historyScale });
  const priors = points.map((parameters) => new PopularityPrior(popularity, parameters));
  const totals = views.map(() => new Float64Array(points.length));
  const scores = new Float32Array(popularity.length);
  const withPrior = new Float32Array(popularity.length);
  let validationUsers = 0;
  for (let v = 0; v < views.length; v++) {
    for (const user of views[v].users) {
      validationUsers = Math.max(validationUsers, views[v].users.length);
      await recommender.scoreAll(deviceWeights(user.history, options.recencyHalfLifeDays), scores);
      const historyLength = new Set(user.history.indices).size;
      for (let p = 0; p < points.length; p++) {
        withPrior.set(scores);
        priors[p].addTo(withPrior, priors[p].weightFor(historyLength));
        totals[v][p] += ndcgAtK(topKIndices(withPrior, 100, user.history.indices), user.truth, 100);
      }
    }
  }
  const trials: PriorTrial[] = points.map((parameters, p) => {
    const byView: Record<string, number> = {};
    let sum = 0;
    views.forEach((view, v) => {
      byView[view.name] = totals[v][p] / Math.max(1, view.users.length);
      sum += byView[view.name];
    });
    return { parameters, ndcgAt100: sum / Math.max(1, views.length), byView };
  });
  let best = trials[0];
  for (const trial of trials) if (trial.ndcgAt100 > best.ndcgAt100 || (trial.ndcgAt100 === best.ndcgAt100 && trial.parameters.weight < best.parameters.weight)) best = trial;
  return { best, withoutPrior: trials[0], validationUsers, trials };
}

/** The history as the device would weigh it: recency-weighted when it has times and a half-life is given. */
function deviceWeights(history: HeldOutHistory, halfLifeDays: number | undefined): UserHistory {
  if (halfLifeDays === undefined || history.times === undefined) return history;
  return weightByRecency(history, history.times, halfLifeDays);
}
