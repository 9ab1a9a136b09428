import { OndeckError } from '../errors/OndeckError';
import { sortedContains } from '../scoring/sortedContains';

/** Every per-user ranking metric at one cut-off K, from {@link rankingMetricsAtK}. */
export interface RankingMetrics {
  /** hits / min(K, |truth|): the normalised recall of Liang et al. 2018 (Mult-VAE) and Steck 2019 (EASE). */
  readonly recall: number;
  /** hits / K. */
  readonly precision: number;
  /** DCG@K / ideal DCG@K, binary relevance, ideal over min(K, |truth|) positions. */
  readonly ndcg: number;
  /** Σ_{i ≤ K, item i is a hit} precision@i / min(K, |truth|). */
  readonly averagePrecision: number;
  /** Harmonic mean of precision and recall at K (0 when both are 0). */
  readonly f1: number;
  /** Number of the first K ranked items that are in the truth set. */
  readonly hits: number;
}

/** The held-out items of one user: a set, or an `Int32Array` sorted ascending without duplicates. */
export type TruthItems = ReadonlySet<number> | Int32Array;

const emptyMetrics: RankingMetrics = Object.freeze({ recall: 0, precision: 0, ndcg: 0, averagePrecision: 0, f1: 0, hits: 0 });

/**
 * All per-user ranking metrics at cut-off K in one pass over the top of the ranked list.
 *
 * Conventions (the ones of the strong-generalization papers ondeck compares against):
 * - **Recall@K = hits / min(K, |truth|)**, not hits / |truth|: a user with more held-out items
 *   than K can still reach 1, as in Liang et al. 2018 (Mult-VAE) and Steck 2019 (EASE).
 * - Precision@K = hits / K, even when the ranked list is shorter than K (a short list is
 *   penalised, not rewarded).
 * - NDCG@K: DCG = Σ_{hit at rank i (1-based)} 1 / log2(i + 1), divided by the DCG of a perfect
 *   list, which has min(K, |truth|) hits at the top.
 * - AP@K = Σ_{hit at rank i ≤ K} precision@i / min(K, |truth|).
 * - F1@K = 2·P·R / (P + R).
 * - **Empty truth: every metric is 0.** Such a user carries no signal; evaluators should skip
 *   them (and count them) rather than average these zeros in.
 *
 * `ranked` is assumed free of duplicates (what `topKIndices` returns); only its first K
 * entries are read.
 *
 * @param k the cut-off, a positive integer.
 * @throws OndeckError `invalid-argument` when `k` is not a positive integer.
 *
 * @example
 * ```ts
 * // ranked [3, 1, 7, 2], truth {1, 2, 9}, K = 4: hits at ranks 2 and 4.
 * const m = rankingMetricsAtK([3, 1, 7, 2], new Set([1, 2, 9]), 4);
 * m.recall;    // 2 / min(4, 3) = 0.667
 * m.precision; // 2 / 4 = 0.5
 * ```
 */
export function rankingMetricsAtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): RankingMetrics {
  if (!Number.isInteger(k) || k < 1) {
    throw new OndeckError('invalid-argument', { name: 'k', value: k, reason: `K must be a positive integer, got ${k}` });
  }
  const truthSize = truth instanceof Int32Array ? truth.length : truth.size;
  if (truthSize === 0) return emptyMetrics;
  const contains = truth instanceof Int32Array ? (item: number) => sortedContains(truth, item) : (item: number) => truth.has(item);

  const depth = Math.min(k, ranked.length);
  const relevantSlots = Math.min(k, truthSize);
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  for (let position = 0; position < depth; position++) {
    if (!contains(ranked[position])) continue;
    hits++;
    dcg += 1 / Math.log2(position + 2);
    precisionSum += hits / (position + 1);
  }
  if (hits === 0) return emptyMetrics;

  let idealDcg = 0;
  for (let position = 0; position < relevantSlots; position++) idealDcg += 1 / Math.log2(position + 2);

  const recall = hits / relevantSlots;
  const precision = hits / k;
  return {
    recall,
    precision,
    ndcg: dcg / idealDcg,
    averagePrecision: precisionSum / relevantSlots,
    f1: (2 * precision * recall) / (precision + recall),
    hits,
  };
}

/**
 * Recall@K = hits / min(K, |truth|); see {@link rankingMetricsAtK} for the conventions.
 *
 * @example
 * ```ts
 * recallAtK([3, 1, 7, 2], new Set([1, 2, 9]), 4); // 2/3
 * ```
 */
export function recallAtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): number {
  return rankingMetricsAtK(ranked, truth, k).recall;
}

/**
 * Precision@K = hits / K; see {@link rankingMetricsAtK}.
 *
 * @example
 * ```ts
 * precisionAtK([3, 1, 7, 2], new Set([1, 2, 9]), 4); // 0.5
 * ```
 */
export function precisionAtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): number {
  return rankingMetricsAtK(ranked, truth, k).precision;
}

/**
 * NDCG@K with binary relevance; see {@link rankingMetricsAtK}.
 *
 * @example
 * ```ts
 * ndcgAtK([1, 5], new Set([1]), 2); // 1: the only relevant item is first
 * ```
 */
export function ndcgAtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): number {
  return rankingMetricsAtK(ranked, truth, k).ndcg;
}

/**
 * AP@K (average precision, normalised by min(K, |truth|)); see {@link rankingMetricsAtK}.
 *
 * @example
 * ```ts
 * averagePrecisionAtK([5, 1], new Set([1]), 2); // (1/2) / 1 = 0.5
 * ```
 */
export function averagePrecisionAtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): number {
  return rankingMetricsAtK(ranked, truth, k).averagePrecision;
}

/**
 * F1@K from precision and recall at K; see {@link rankingMetricsAtK}.
 *
 * @example
 * ```ts
 * f1AtK([1, 5], new Set([1]), 2); // P = 1/2, R = 1 → 2/3
 * ```
 */
export function f1AtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): number {
  return rankingMetricsAtK(ranked, truth, k).f1;
}

/**
 * Number of truth items among the first K ranked; see {@link rankingMetricsAtK}.
 *
 * @example
 * ```ts
 * hitsAtK([3, 1, 7, 2], new Set([1, 2, 9]), 4); // 2
 * ```
 */
export function hitsAtK(ranked: ArrayLike<number>, truth: TruthItems, k: number): number {
  return rankingMetricsAtK(ranked, truth, k).hits;
}
