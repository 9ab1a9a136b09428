import { describe, it, expect } from 'vitest';
import { averagePrecisionAtK, f1AtK, hitsAtK, ndcgAtK, precisionAtK, rankingMetricsAtK, recallAtK } from '../../../models/evaluation/rankingMetricsAtK';
import { isOndeckError } from '../../../models/errors/OndeckError';

describe('rankingMetricsAtK', () => {
  it('matches hand-computed values: ranked [3,1,7,2], truth {1,2,9}, K=4', () => {
    // Hits at ranks 2 (item 1) and 4 (item 2): hits = 2.
    // recall    = 2 / min(4, 3) = 2/3
    // precision = 2 / 4 = 0.5
    // DCG  = 1/log2(2+1) + 1/log2(4+1) = 0.630930 + 0.430677 = 1.061606
    // IDCG = 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930  (min(4,3) = 3 slots)
    // NDCG = 1.061606 / 2.130930 = 0.498190
    // AP   = (P@2 + P@4) / min(4, 3) = (1/2 + 2/4) / 3 = 1/3
    // F1   = 2·(1/2)·(2/3) / (1/2 + 2/3) = (2/3) / (7/6) = 4/7
    const m = rankingMetricsAtK([3, 1, 7, 2], new Set([1, 2, 9]), 4);
    expect(m.hits).toBe(2);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.precision).toBeCloseTo(0.5, 12);
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const idcg = 1 + 1 / Math.log2(3) + 0.5;
    expect(m.ndcg).toBeCloseTo(dcg / idcg, 12);
    expect(m.ndcg).toBeCloseTo(0.49819, 5);
    expect(m.averagePrecision).toBeCloseTo(1 / 3, 12);
    expect(m.f1).toBeCloseTo(4 / 7, 12);
  });

  it('cuts the list at K: same list, K=2', () => {
    // Top 2 = [3, 1]: one hit at rank 2.
    // recall = 1 / min(2, 3) = 1/2; precision = 1/2
    // NDCG = (1/log2 3) / (1 + 1/log2 3) = 0.630930 / 1.630930 = 0.386853
    // AP = (P@2) / min(2, 3) = (1/2) / 2 = 1/4; F1 = 1/2
    const m = rankingMetricsAtK([3, 1, 7, 2], new Set([1, 2, 9]), 2);
    expect(m.hits).toBe(1);
    expect(m.recall).toBeCloseTo(0.5, 12);
    expect(m.precision).toBeCloseTo(0.5, 12);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    expect(m.ndcg).toBeCloseTo(0.386853, 5);
    expect(m.averagePrecision).toBeCloseTo(0.25, 12);
    expect(m.f1).toBeCloseTo(0.5, 12);
  });

  it('handles K larger than the ranked list: ranked [5,1], truth {1}, K=10', () => {
    // hits = 1; recall = 1 / min(10, 1) = 1; precision = 1/10 (a short list is not rewarded)
    // NDCG = (1/log2 3) / 1 = 0.630930; AP = P@2 / 1 = 1/2; F1 = 2·0.1·1 / 1.1 = 0.181818
    const m = rankingMetricsAtK([5, 1], new Set([1]), 10);
    expect(m.hits).toBe(1);
    expect(m.recall).toBe(1);
    expect(m.precision).toBeCloseTo(0.1, 12);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(3), 12);
    expect(m.averagePrecision).toBeCloseTo(0.5, 12);
    expect(m.f1).toBeCloseTo(0.2 / 1.1, 12);
  });

  it('normalises recall by min(K, |truth|): 5 held-out items, K=2, both top items hit', () => {
    // recall = 2 / min(2, 5) = 1 (not 2/5); AP = (1/1 + 2/2) / 2 = 1; NDCG = 1.
    const m = rankingMetricsAtK([10, 11, 12], new Set([10, 11, 20, 21, 22]), 2);
    expect(m.recall).toBe(1);
    expect(m.averagePrecision).toBe(1);
    expect(m.ndcg).toBeCloseTo(1, 12);
    expect(m.precision).toBe(1);
  });

  it('scores a perfect ranking 1 on every metric', () => {
    const m = rankingMetricsAtK([9, 2, 1, 4], new Set([1, 2, 9]), 3);
    expect(m).toEqual({ recall: 1, precision: 1, ndcg: expect.closeTo(1, 12), averagePrecision: 1, f1: 1, hits: 3 });
  });

  it('accepts the truth as a sorted Int32Array with identical results', () => {
    for (const k of [1, 2, 3, 4, 8]) {
      const fromSet = rankingMetricsAtK([3, 1, 7, 2], new Set([1, 2, 9]), k);
      const fromArray = rankingMetricsAtK(Int32Array.of(3, 1, 7, 2), Int32Array.of(1, 2, 9), k);
      expect(fromArray).toEqual(fromSet);
    }
  });

  it('returns zeros for an empty truth set (callers skip such users) and for no hits', () => {
    const zeros = { recall: 0, precision: 0, ndcg: 0, averagePrecision: 0, f1: 0, hits: 0 };
    expect(rankingMetricsAtK([1, 2, 3], new Set(), 3)).toEqual(zeros);
    expect(rankingMetricsAtK([1, 2, 3], new Int32Array(0), 3)).toEqual(zeros);
    expect(rankingMetricsAtK([1, 2, 3], new Set([7]), 3)).toEqual(zeros);
    expect(rankingMetricsAtK([], new Set([7]), 3)).toEqual(zeros);
  });

  it('rejects a K that is not a positive integer', () => {
    for (const k of [0, -1, 2.5, Number.NaN]) {
      let caught: unknown;
      try {
        rankingMetricsAtK([1], new Set([1]), k);
      } catch (error) {
        caught = error;
      }
      expect(isOndeckError(caught, 'invalid-argument')).toBe(true);
    }
  });

  it('has thin wrappers that agree with the full result', () => {
    const ranked = [3, 1, 7, 2];
    const truth = new Set([1, 2, 9]);
    const all = rankingMetricsAtK(ranked, truth, 4);
    expect(recallAtK(ranked, truth, 4)).toBe(all.recall);
    expect(precisionAtK(ranked, truth, 4)).toBe(all.precision);
    expect(ndcgAtK(ranked, truth, 4)).toBe(all.ndcg);
    expect(averagePrecisionAtK(ranked, truth, 4)).toBe(all.averagePrecision);
    expect(f1AtK(ranked, truth, 4)).toBe(all.f1);
    expect(hitsAtK(ranked, truth, 4)).toBe(2);
  });
});
