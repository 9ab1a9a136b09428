import { FoldInWorkspace, foldInUser, quantizedFoldInFactors, type FoldInFactors } from './foldIn';
import { explainFoldIn } from './explainFoldIn';
import type { OndeckModel } from '../artifact/OndeckModel';
import type { UserHistory } from './ScoringModel';
import type { ScoringBackend, TopKResult } from './ScoringBackend';
import { selectTopK } from './selectTopK';

/**
 * The on-device recommendation path for one history: fold the viewer in against the int8 factors
 * (shared fold-in module), then let the scoring backend rank every item. The device engine, the
 * `ondeck recommend` command and the evaluation's "int8 on-device" row all go through here.
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

  /**
   * @param popularity per-item popularity (catalog order) used to rank for a viewer with no
   *   usable history, whose folded-in vector is zero and would score every title 0.
   */
  constructor(
    readonly model: Pick<OndeckModel, 'manifest' | 'factors' | 'gramian'>,
    readonly backend: ScoringBackend,
    private readonly popularity?: ArrayLike<number>,
  ) {
    this.foldInFactors = quantizedFoldInFactors(model.factors, model.gramian);
    this.workspace = new FoldInWorkspace(model.factors.dims);
    this.userVector = new Float32Array(model.factors.dims);
  }

  /** The viewer's latent vector for `history` (a fresh copy). */
  foldIn(history: UserHistory): Float32Array {
    return foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, new Float32Array(this.model.factors.dims), this.workspace);
  }

  /** Best `count` items not in the history, best first. */
  async topK(history: UserHistory, count: number): Promise<TopKResult> {
    if (history.indices.length === 0 && this.popularity) return selectTopK(this.popularity, count);
    foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, this.userVector, this.workspace);
    return this.backend.topK(this.userVector, count, sortedUnique(history.indices));
  }

  /**
   * For each of `items`, the position in `history.indices` of the title that contributed most to
   * its score (see `explainFoldIn`); −1 for an empty history.
   */
  explain(history: UserHistory, items: ArrayLike<number>): Int32Array {
    foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, this.userVector, this.workspace);
    return explainFoldIn(this.foldInFactors, this.model.manifest.foldIn, history, items, this.workspace);
  }

  /** Scores of every item for `history` into `out`. */
  async scoreAll(history: UserHistory, out: Float32Array): Promise<void> {
    if (history.indices.length === 0 && this.popularity) {
      for (let i = 0; i < out.length; i++) out[i] = this.popularity[i];
      return;
    }
    foldInUser(this.foldInFactors, this.model.manifest.foldIn, history, this.userVector, this.workspace);
    await this.backend.scoreAll(this.userVector, out);
  }
}

/** Ascending, de-duplicated copy (the backends' exclusion contract). */
function sortedUnique(indices: Int32Array): Int32Array {
  const sorted = Int32Array.from(indices).sort();
  let length = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[length++] = sorted[i];
  return sorted.subarray(0, length);
}
