import { OndeckError } from '../errors/OndeckError';
import type { topKWithPrior } from './topKWithPrior';

/**
 * How much a viewer's ranking leans on popularity, as model.json's `popularityPrior` carries it
 * (docs/format.md). A title's score is its fold-in score plus
 * `weight / (1 + n / historyScale) × popularity / max popularity`, `n` being the titles in the
 * viewer's history: a new profile leans on what is popular, a long history barely.
 */
export interface PopularityPriorParameters {
  /** The prior's weight for a history of no titles (`w0`); 0 turns it off. */
  readonly weight: number;
  /** Titles at which the weight has halved (`n0`), > 0. */
  readonly historyScale: number;
}

/**
 * The popularity prior of one model: the catalog's popularity scaled to [0, 1] and the weight for a
 * history of each length. `HistoryRecommender` and the device engine add it to the fold-in scores
 * through {@link topKWithPrior}; the cloud evaluation and `ondeck recommend` go through the same code.
 *
 * @example
 * ```ts
 * const prior = new PopularityPrior(catalog.popularity, { weight: 0.3, historyScale: 5 });
 * prior.weightFor(5); // 0.15
 * ```
 */
export class PopularityPrior {
  /** Popularity over the catalog's largest, per item (0 for titles nobody watched). */
  readonly values: Float64Array;
  private byPrior?: Int32Array;

  /**
   * @param popularity training viewers per item, in catalog order.
   * @throws OndeckError `invalid-argument` for parameters {@link checkPopularityPrior} refuses.
   */
  constructor(
    popularity: ArrayLike<number>,
    readonly parameters: PopularityPriorParameters,
  ) {
    checkPopularityPrior(parameters);
    let max = 0;
    for (let i = 0; i < popularity.length; i++) max = Math.max(max, popularity[i]);
    this.values = new Float64Array(popularity.length);
    if (max > 0) for (let i = 0; i < popularity.length; i++) this.values[i] = Math.max(0, popularity[i]) / max;
  }

  /** The prior's weight for a history of `historyLength` titles: `weight / (1 + n / historyScale)`. */
  weightFor(historyLength: number): number {
    return this.parameters.weight / (1 + historyLength / this.parameters.historyScale);
  }

  /**
   * Adds `weight × prior` to every score of `scores` (fold-in scores of the whole catalog), in
   * float32 as {@link topKWithPrior} adds it, so ranking these gives its ranking.
   */
  addTo(scores: Float32Array, weight: number): void {
    const values = this.values;
    for (let i = 0; i < scores.length; i++) scores[i] += weight * values[i];
  }

  /** Items by prior, highest first (ties: lower index first); built on first use. */
  order(): Int32Array {
    if (!this.byPrior) {
      const values = this.values;
      this.byPrior = Int32Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
    }
    return this.byPrior;
  }
}

/**
 * Checks popularity-prior parameters (from model.json or a tuning run).
 *
 * @throws OndeckError `invalid-argument` unless `weight` is a finite number ≥ 0 and
 *   `historyScale` a finite number > 0.
 * @example
 * ```ts
 * checkPopularityPrior({ weight: 0.3, historyScale: 5 });
 * ```
 */
export function checkPopularityPrior(parameters: PopularityPriorParameters): void {
  const { weight, historyScale } = parameters;
  if (typeof weight !== 'number' || !(weight >= 0) || !Number.isFinite(weight)) {
    throw new OndeckError('invalid-argument', { name: 'popularityPrior.weight', reason: `must be a finite number ≥ 0, got ${String(weight)}` });
  }
  if (typeof historyScale !== 'number' || !(historyScale > 0) || !Number.isFinite(historyScale)) {
    throw new OndeckError('invalid-argument', { name: 'popularityPrior.historyScale', reason: `must be a finite number > 0, got ${String(historyScale)}` });
  }
}
