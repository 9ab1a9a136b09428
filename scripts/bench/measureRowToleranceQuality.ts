import { trainAls } from '../../models/node/als/trainAls';
import type { OndeckModel } from '../../models/artifact/OndeckModel';
import { packageModel } from '../../models/node/artifact/packageModel';
import type { Dataset } from '../../models/data/Dataset';
import { itemUserCounts, selectUsers, type InteractionMatrix } from '../../models/data/InteractionMatrix';
import { generateSyntheticDataset } from '../../models/data/synth';
import { OndeckError } from '../../models/errors/OndeckError';
import { rankingMetricsAtK } from '../../models/evaluation/rankingMetricsAtK';
import { splitHeldOutUsers } from '../../models/evaluation/splitHeldOutUsers';
import { topKIndices } from '../../models/scoring/topKIndices';
import type { ScoringModel } from '../../models/scoring/ScoringModel';
import { canonicalizeModel } from '../../models/sync/canonicalizeModel';
import { computeDelta } from '../../models/sync/computeDelta';
import { encodeModelFiles } from '../../models/sync/encodeModelFiles';
import { createJsInt8Backend } from '../../models/scoring/createJsInt8Backend';
import { HistoryRecommender } from '../../models/scoring/HistoryRecommender';
import { dropRandomInteractions } from './dropRandomInteractions';
import { pairedDifference } from './pairedDifference';

/** Options of {@link measureRowToleranceQuality}. */
export interface RowToleranceQualityOptions {
  /** A real log (e.g. MovieLens through `loadDataset`). @defaultValue a synthetic log (`generateSyntheticDataset`, seed 5, as the basis-stability measurement) */
  readonly dataset?: Dataset;
  /** Name of the data in the report. @defaultValue `synthetic` */
  readonly dataName?: string;
  /** Smaller synthetic log and fewer epochs, for `bench:sync --quick`. @defaultValue false */
  readonly quick?: boolean;
  /** @defaultValue [0, 0.02, 0.05, 0.1]; the first is the reference of the deltas */
  readonly tolerances?: readonly number[];
  /** Share of today's events that yesterday's log did not have yet (0: retrain on the same log). @defaultValue 0.02 */
  readonly newEventFraction?: number;
  /** Folds (of five) evaluated; each trains v1 and v2 again. @defaultValue 1 */
  readonly maxFolds?: number;
  /** @defaultValue 64 */
  readonly dims?: number;
}

/** Quality of one served model, and its paired difference from the exact v2 (tolerance 0) on the same users. */
export interface ServedModelQuality {
  readonly recallAt20: number;
  readonly ndcgAt100: number;
  readonly recallAt20Delta: number;
  /** Standard error of `recallAt20Delta` (per-user pairs): |Δ| below ~2× this is noise. */
  readonly recallAt20DeltaError: number;
  readonly ndcgAt100Delta: number;
  readonly ndcgAt100DeltaError: number;
}

/** One row tolerance: what ships and what the device then recommends. */
export interface RowToleranceQualityRow extends ServedModelQuality {
  /** `--row-tolerance` (relative L2). */
  readonly tolerance: number;
  /** Share of the rows the v1→v2 delta ships (`computeDelta`'s upserted rows / rows), mean over folds. */
  readonly rowsShipped: number;
}

/** Result of {@link measureRowToleranceQuality}. */
export interface RowToleranceQuality {
  readonly data: string;
  readonly items: number;
  /** Users trained on, per fold. */
  readonly trainUsers: number;
  /** Held-out users evaluated, over all folds. */
  readonly heldOutUsers: number;
  readonly folds: number;
  /** Events in today's training log (v2's), per fold. */
  readonly entries: number;
  readonly dims: number;
  /** v1: trained from scratch for this many epochs on yesterday's log. */
  readonly epochs: number;
  /** v2: this many epochs warm-started from v1 on today's log. */
  readonly warmEpochs: number;
  /** How v2's training differs from v1's. */
  readonly retrain: string;
  readonly rows: readonly RowToleranceQualityRow[];
  /** v1 itself, what a device that never updates serves: the limit of a tolerance so large that nothing ships. */
  readonly previousVersion: ServedModelQuality;
  readonly seconds: number;
}

/** Row tolerances the quality measurement covers. */
const QUALITY_TOLERANCES = [0, 0.02, 0.05, 0.1];

/**
 * What `ondeck publish --row-tolerance τ` costs in recommendation quality. A device that applies
 * the v1→v2 delta serves a mix: v2's rows where they moved by more than τ, v1's elsewhere.
 * Strong generalization as in `ondeck eval` (`splitHeldOutUsers`, five user folds, seed 42):
 *
 * 1. today's log = the fold's training users; yesterday's = the same without a random
 *    `newEventFraction` of the events. v1 = ALS trained on yesterday's log from scratch; v2 = ALS
 *    warm-started from v1 on today's, as a daily retrain runs;
 * 2. both exported as `ondeck export` does (`packageModel`: cold-start fill, clusters, int8);
 * 3. per τ, `canonicalizeModel(v1, v2, { rowTolerance: τ })`, the rows its delta ships
 *    (`computeDelta`), and Recall@20 / NDCG@100 (`rankingMetricsAtK`) of the held-out users
 *    through the device path of `ondeck eval`'s "iALS int8 on-device" row (`HistoryRecommender`
 *    fold-in + the `js` int8 backend), fold-in items excluded from the ranking.
 *
 * Deltas are paired per user against the first tolerance (τ = 0 by default), with their standard error.
 *
 * @example
 * ```ts
 * const quality = await measureRowToleranceQuality({ quick: true });
 * quality.rows.find((row) => row.tolerance === 0.05)?.ndcgAt100Delta; // e.g. -0.0007
 * ```
 */
export async function measureRowToleranceQuality(options: RowToleranceQualityOptions = {}): Promise<RowToleranceQuality> {
  const started = performance.now();
  const quick = options.quick ?? false;
  // The log of measureBasisStability, so the rows shipped here read against its figures.
  const dataset = options.dataset ?? generateSyntheticDataset({ items: quick ? 2000 : 10000, users: quick ? 2000 : 8000, eventsPerUser: 30, seed: 5 });
  const matrix = dataset.interactions;
  const tolerances = options.tolerances ?? QUALITY_TOLERANCES;
  const newEventFraction = options.newEventFraction ?? 0.02;
  const dims = options.dims ?? 64;
  // As measureBasisStability: v1 well converged, then a short warm-started retrain.
  const epochs = quick ? 15 : 30;
  const warmEpochs = quick ? 2 : 3;
  const folds = splitHeldOutUsers(matrix, { folds: 5, seed: 42 }).slice(0, options.maxFolds ?? 1);

  // Per served model (v1, then one per tolerance), the metrics of every held-out user in order.
  const recall = [[], ...tolerances.map(() => [])] as number[][];
  const ndcg = [[], ...tolerances.map(() => [])] as number[][];
  const shipped = tolerances.map(() => 0);
  const scores = new Float32Array(matrix.itemIds.length);
  let entries = 0;
  for (const [foldIndex, fold] of folds.entries()) {
    const seed = 42 + foldIndex;
    const today = selectUsers(matrix, fold.trainUsers);
    entries = today.indices.length;
    // Yesterday lacked today's new events: new / old = f means dropping f / (1 + f) of today's.
    const yesterday = dropRandomInteractions(today, newEventFraction / (1 + newEventFraction), seed);
    const hyper = { factors: dims };
    const first = await trainAls(yesterday, { hyper, epochs, seed });
    const second = await trainAls(today, { hyper, epochs: warmEpochs, seed, warmStart: { itemIds: first.itemIds, dims, itemFactors: first.itemFactors } });
    const exported = (log: InteractionMatrix, itemFactors: Float32Array, modelVersion: number): OndeckModel =>
      packageModel({
        itemIds: log.itemIds,
        itemFactors,
        dims,
        items: dataset.items,
        popularity: itemUserCounts(log),
        foldIn: first.hyper,
        training: { algorithm: 'ials', source: options.dataName ?? 'synthetic' },
        modelVersion,
        lineageId: 'row-tolerance-bench',
      });
    const previous = exported(yesterday, first.itemFactors, 1);
    const next = exported(today, second.itemFactors, 2);
    const previousFiles = encodeModelFiles(previous);
    const served: ScoringModel[] = [await deviceScoringModel('v1', previous, matrix.itemIds)];
    for (const [index, tolerance] of tolerances.entries()) {
      const canonical = canonicalizeModel(previous, next, { rowTolerance: tolerance });
      shipped[index] += computeDelta(previousFiles, encodeModelFiles(canonical)).summary.upsertedRows / canonical.factors.rows / folds.length;
      served.push(await deviceScoringModel(`row tolerance ${tolerance}`, canonical, matrix.itemIds));
    }
    for (const [index, model] of served.entries()) {
      for (const user of fold.heldOut) {
        await model.scoreItems(user.history, scores);
        const ranked = topKIndices(scores, 100, user.history.indices);
        recall[index].push(rankingMetricsAtK(ranked, user.truth, 20).recall);
        ndcg[index].push(rankingMetricsAtK(ranked, user.truth, 100).ndcg);
      }
    }
  }

  if (recall[0].length === 0) throw new OndeckError('empty-data', { reason: 'no user has at least 5 positives to hold out' });
  // Index 1 is the first tolerance (0: exactly v2), the reference of every delta.
  const quality = (index: number): ServedModelQuality => {
    const recallDelta = pairedDifference(recall[index], recall[1]);
    const ndcgDelta = pairedDifference(ndcg[index], ndcg[1]);
    return {
      recallAt20: mean(recall[index]),
      ndcgAt100: mean(ndcg[index]),
      recallAt20Delta: recallDelta.mean,
      recallAt20DeltaError: recallDelta.standardError,
      ndcgAt100Delta: ndcgDelta.mean,
      ndcgAt100DeltaError: ndcgDelta.standardError,
    };
  };
  return {
    data: options.dataName ?? 'synthetic',
    items: matrix.itemIds.length,
    trainUsers: folds[0]?.trainUsers.length ?? 0,
    heldOutUsers: recall[0].length,
    folds: folds.length,
    entries,
    dims,
    epochs,
    warmEpochs,
    retrain:
      newEventFraction > 0
        ? `v2 warm-started on yesterday's log + ${(100 * newEventFraction).toFixed(0)}% new events (random)`
        : `v2 warm-started on the same log as v1`,
    rows: tolerances.map((tolerance, index) => ({ tolerance, rowsShipped: shipped[index], ...quality(index + 1) })),
    previousVersion: quality(0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The device path of `ondeck eval`'s "iALS int8 on-device" row: int8 fold-in + the `js` int8 backend. */
async function deviceScoringModel(name: string, model: OndeckModel, itemIds: readonly string[]): Promise<ScoringModel> {
  // The held-out histories index the matrix's item columns: the model rows must be those items, in that order.
  if (model.catalog.ids.length !== itemIds.length || model.catalog.ids.some((id, row) => id !== itemIds[row])) {
    throw new Error(`${name}: the model's rows are not in the matrix's item order`);
  }
  const backend = createJsInt8Backend();
  await backend.load({ factors: model.factors });
  const recommender = new HistoryRecommender(model, backend);
  return { name, scoreItems: (history, out) => recommender.scoreAll(history, out) };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length > 0 ? sum / values.length : 0;
}
