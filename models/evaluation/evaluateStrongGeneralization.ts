import type { Dataset } from '../data/Dataset';
import { selectUsers, type InteractionMatrix } from '../data/InteractionMatrix';
import type { ScoringModel, TrainContext } from '../scoring/ScoringModel';
import { OndeckError } from '../errors/OndeckError';
import { rankingMetricsAtK } from './rankingMetricsAtK';
import { splitHeldOutUsers, type SplitOptions } from './splitHeldOutUsers';
import { minimumTitlesFor, protocolName, RANDOM_PROTOCOL } from './EvaluationProtocol';
import { topKIndices } from '../scoring/topKIndices';

/** A model to compare: how to fit it on a fold's training users. One fit may yield several rows. */
export interface EvaluationCandidate {
  readonly name: string;
  train(train: InteractionMatrix, context: TrainContext): ScoringModel | ScoringModel[] | Promise<ScoringModel | ScoringModel[]>;
}

/** The metrics of one model, averaged over every held-out user of every evaluated fold. */
export interface ModelEvaluation {
  readonly name: string;
  readonly users: number;
  readonly recallAt20: number;
  readonly recallAt50: number;
  readonly ndcgAt100: number;
  readonly precisionAt10: number;
  readonly f1At10: number;
  readonly mapAt100: number;
  /** Share of the catalog that appears in at least one top-20 list. */
  readonly coverageAt20: number;
  /**
   * Share of the top 10 that shares a genre with a folded-in title (under `short-1`: with the seed
   * title, the "is it really about X" view of "more like this"); absent when no title has genres.
   */
  readonly genreAgreementAt10?: number;
  /** Recall@K at every K of `curveKs`, for the chart. */
  readonly recallCurve: readonly { readonly k: number; readonly recall: number }[];
  /** Mean seconds to fit on one fold. */
  readonly trainSeconds: number;
  /** Mean milliseconds to score one held-out user. */
  readonly scoreMsPerUser: number;
}

/** Options of {@link evaluateStrongGeneralization}. */
export interface EvaluationOptions extends SplitOptions {
  /** Evaluate only the first N folds (quicker runs); all users still rotate through the split. @defaultValue all */
  readonly maxFolds?: number;
  /** @defaultValue [1, 5, 10, 20, 50, 100] */
  readonly curveKs?: readonly number[];
  /** Progress callback: model name, fold index. */
  readonly onProgress?: (message: string) => void;
}

const DEFAULT_CURVE_KS = [1, 5, 10, 20, 50, 100];

/**
 * Runs every candidate through the same strong-generalization folds and reports the ranking
 * metrics side by side. The fold-in items are excluded from each ranking. `protocol` decides
 * which of a held-out viewer's titles are folded in (random by default; by time for `temporal`
 * and `short`, see `EvaluationProtocol`); `countSkippedUsers` tells how many viewers were too
 * small to hold out.
 *
 * @throws OndeckError `missing-timestamps` for a temporal protocol on data without times;
 *   `empty-data` when no user has enough titles for the protocol.
 * @example
 * ```ts
 * const rows = await evaluateStrongGeneralization(dataset, [popularityCandidate, alsCandidate], { folds: 5 });
 * const nextWatches = await evaluateStrongGeneralization(dataset, candidates, { protocol: { kind: 'temporal' } });
 * ```
 */
export async function evaluateStrongGeneralization(dataset: Dataset, candidates: readonly EvaluationCandidate[], options: EvaluationOptions = {}): Promise<ModelEvaluation[]> {
  const matrix = dataset.interactions;
  const itemCount = matrix.itemIds.length;
  const folds = splitHeldOutUsers(matrix, options).slice(0, options.maxFolds ?? Infinity);
  if (folds.every((fold) => fold.heldOut.length === 0)) {
    const protocol = options.protocol ?? RANDOM_PROTOCOL;
    const needed = minimumTitlesFor(protocol, options.minPositives ?? 5);
    throw new OndeckError('empty-data', { reason: `no user has at least ${needed} positives to hold out under the ${protocolName(protocol)} protocol` });
  }
  const curveKs = options.curveKs ?? DEFAULT_CURVE_KS;
  const depth = Math.max(100, ...curveKs);
  const totals = new Map<string, Accumulator>();
  const scores = new Float32Array(itemCount);
  const genres = genresByItem(matrix.itemIds, dataset.items);

  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f];
    const train = selectUsers(matrix, fold.trainUsers);
    for (const candidate of candidates) {
      options.onProgress?.(`${candidate.name}: fold ${f + 1}/${folds.length}`);
      const started = performance.now();
      const fitted = await candidate.train(train, { items: dataset.items, seed: (options.seed ?? 42) + f });
      const trainSeconds = (performance.now() - started) / 1000;
      for (const model of Array.isArray(fitted) ? fitted : [fitted]) {
        const total = totals.get(model.name) ?? new Accumulator(model.name, itemCount, curveKs, genres);
        totals.set(model.name, total);
        total.trainSeconds += trainSeconds;
        total.folds++;
        const scoringStarted = performance.now();
        for (const user of fold.heldOut) {
          await model.scoreItems(user.history, scores);
          total.add(topKIndices(scores, depth, user.history.indices), user.truth, user.history.indices);
        }
        total.scoreMs += performance.now() - scoringStarted;
      }
    }
  }
  return [...totals.values()].map((total) => total.result());
}

/** Running sums of one model's metrics. */
class Accumulator {
  users = 0;
  folds = 0;
  trainSeconds = 0;
  scoreMs = 0;
  private recall20 = 0;
  private recall50 = 0;
  private ndcg100 = 0;
  private precision10 = 0;
  private f1At10 = 0;
  private map100 = 0;
  private genreAgreement10 = 0;
  private readonly curve: number[];
  private readonly recommended: Uint8Array;

  constructor(
    readonly name: string,
    itemCount: number,
    private readonly curveKs: readonly number[],
    private readonly genres: readonly (readonly string[])[] | undefined,
  ) {
    this.curve = curveKs.map(() => 0);
    this.recommended = new Uint8Array(itemCount);
  }

  add(ranked: Int32Array, truth: Int32Array, foldedIn: Int32Array): void {
    this.users++;
    if (this.genres) {
      const seen = new Set<string>();
      for (const item of foldedIn) for (const genre of this.genres[item]!) seen.add(genre);
      const top = Math.min(10, ranked.length);
      let agreeing = 0;
      for (let i = 0; i < top; i++) if (this.genres[ranked[i]]!.some((genre) => seen.has(genre))) agreeing++;
      this.genreAgreement10 += top > 0 ? agreeing / top : 0;
    }
    const at10 = rankingMetricsAtK(ranked, truth, 10);
    const at100 = rankingMetricsAtK(ranked, truth, 100);
    this.recall20 += rankingMetricsAtK(ranked, truth, 20).recall;
    this.recall50 += rankingMetricsAtK(ranked, truth, 50).recall;
    this.ndcg100 += at100.ndcg;
    this.map100 += at100.averagePrecision;
    this.precision10 += at10.precision;
    this.f1At10 += at10.f1;
    this.curveKs.forEach((k, i) => (this.curve[i] += rankingMetricsAtK(ranked, truth, k).recall));
    for (let i = 0; i < Math.min(20, ranked.length); i++) this.recommended[ranked[i]] = 1;
  }

  result(): ModelEvaluation {
    const n = Math.max(1, this.users);
    let covered = 0;
    for (let i = 0; i < this.recommended.length; i++) covered += this.recommended[i];
    return {
      name: this.name,
      users: this.users,
      recallAt20: this.recall20 / n,
      recallAt50: this.recall50 / n,
      ndcgAt100: this.ndcg100 / n,
      precisionAt10: this.precision10 / n,
      f1At10: this.f1At10 / n,
      mapAt100: this.map100 / n,
      coverageAt20: covered / this.recommended.length,
      ...(this.genres ? { genreAgreementAt10: this.genreAgreement10 / n } : {}),
      recallCurve: this.curveKs.map((k, i) => ({ k, recall: this.curve[i] / n })),
      trainSeconds: this.trainSeconds / Math.max(1, this.folds),
      scoreMsPerUser: this.scoreMs / n,
    };
  }
}

/** Each item's genres, by column; `undefined` when no item has any (the metric would mean nothing). */
function genresByItem(itemIds: readonly string[], items: Dataset['items']): string[][] | undefined {
  const genres = itemIds.map((id) => [...(items.get(id)?.genres ?? [])]);
  return genres.some((list) => list.length > 0) ? genres : undefined;
}
