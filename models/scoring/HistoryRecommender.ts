import { FoldInWorkspace, foldInUser, quantizedFoldInFactors, type FoldInFactors } from './foldIn';
import { explainFoldIn } from './explainFoldIn';
import type { OndeckModel } from '../artifact/OndeckModel';
import type { UserHistory } from './ScoringModel';
import type { ScoringBackend, TopKResult } from './ScoringBackend';
import { selectTopK } from './selectTopK';
import { PopularityPrior } from './PopularityPrior';
import { topKWithPrior, type PriorQuery } from './topKWithPrior';

/**
 * The on-device recommendation path for one history: fold the viewer in against the int8 factors
 * (shared fold-in module), then let the scoring backend rank every item, adding the model's
 * popularity prior when it has one (`popularityPrior` in model.json; see {@link topKWithPrior}).
 * The device engine, the `ondeck recommend` command and the evaluation's "int8 on-device" row all
 * go through here.
 *
 * @example
 * ```ts
 * const recommender = new HistoryRecommender(model, backend); // backend already load()ed
 * const { indices, scores } = await recommender.topK({ indices, weights }, 20);
 * ```
 */
export class HistoryRecommender {
  private readonly foldInFactors: FoldInFactors;
  private readonly workspace: FoldInWorkspace;
  private readonly userVector: Float32Array;
  /** The model's popularity prior; undefined without one (or without `popularity` to build it). */
  readonly prior?: PopularityPrior;

  /**
   * @param popularity per-item popularity (catalog order) used to rank for a viewer with no
   *   usable history, whose folded-in vector is zero and would score every title 0, and the
   *   values of the model's popularity prior.
   */
  constructor(
    readonly model: Pick<OndeckModel, 'manifest' | 'factors' | 'gramian'>,
    readonly backend: ScoringBackend,
    private readonly popularity?: ArrayLike<number>,
  ) {
    this.foldInFactors = quantizedFoldInFactors(model.factors, model.gramian);
    this.workspace = new FoldInWorkspace(model.factors.dims);
    this.userVector = new Float32Array(model.factors.dims);
    const priorParameters = model.manifest.popularityPrior;
    if (priorParameters && priorParameters.weight > 0 && popularity) this.prior = new PopularityPrior(popularity, priorParameters);
  }

  /**
   * The prior query for a viewer vector folded in from `historyLength` titles, or undefined when
   * the fold-in scores alone rank (no prior): the device engine ranks through
   * {@link topKWithPrior} with it, filters included.
   */
  priorQuery(userVector: Float32Array, historyLength: number): PriorQuery | undefined {
    const prior = this.prior;
    if (!prior) return undefined;
    return { backend: this.backend, factors: this.model.factors, userVector, prior, priorWeight: prior.weightFor(historyLength) };
  }

  /** The viewer's latent vector for `history` (a fresh copy). */
  foldIn(history: UserHistory): Float32Array {
    return foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, new Float32Array(this.model.factors.dims), this.workspace);
  }

  /** Best `count` items not in the history, best first. */
  async topK(history: UserHistory, count: number): Promise<TopKResult> {
    if (history.indices.length === 0 && this.popularity) return selectTopK(this.popularity, count);
    foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, this.userVector, this.workspace);
    const exclude = sortedUnique(history.indices);
    const withPrior = this.priorQuery(this.userVector, exclude.length);
    return withPrior ? topKWithPrior(withPrior, count, exclude) : this.backend.topK(this.userVector, count, exclude);
  }

  /**
   * For each of `items`, the position in `history.indices` of the title that contributed most to
   * its score (see `explainFoldIn`); −1 for an empty history.
   */
  explain(history: UserHistory, items: ArrayLike<number>): Int32Array {
    foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, this.userVector, this.workspace);
    return explainFoldIn(this.foldInFactors, this.model.manifest.foldIn, history, items, this.workspace);
  }

  /**
   * Scores of every item for `history` into `out`, the prior included: ranked, they give
   * {@link topK}'s ranking (with the `js` backend, the same scores too).
   */
  async scoreAll(history: UserHistory, out: Float32Array): Promise<void> {
    if (history.indices.length === 0 && this.popularity) {
      for (let i = 0; i < out.length; i++) out[i] = this.popularity[i];
      return;
    }
    foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, this.userVector, this.workspace);
    await this.backend.scoreAll(this.userVector, out);
    if (this.prior) this.prior.addTo(out, this.prior.weightFor(sortedUnique(history.indices).length));
  }
}

/** Ascending, de-duplicated copy (the backends' exclusion contract). */
function sortedUnique(indices: Int32Array): Int32Array {
  const sorted = Int32Array.from(indices).sort();
  let length = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[length++] = sorted[i];
  return sorted.subarray(0, length);
}
