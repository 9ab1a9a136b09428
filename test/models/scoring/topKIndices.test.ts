import { describe, it, expect } from 'vitest';
import { topKIndices, topKOfCandidates } from '../../../models/scoring/topKIndices';
import { SeededRandom } from '../../../models/random';

/** Reference: filter, full sort by (score desc, index asc), slice. */
function referenceTopK(scores: Float32Array, k: number, exclude: ReadonlySet<number> = new Set()): number[] {
  const eligible: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!exclude.has(i) && !Number.isNaN(scores[i])) eligible.push(i);
  eligible.sort((a, b) => (scores[b] === scores[a] ? a - b : scores[b] > scores[a] ? 1 : -1));
  return eligible.slice(0, Math.max(0, k));
}

/** Random scores from a few levels so ties are common, plus NaN and infinities. */
function randomScores(random: SeededRandom, length: number): Float32Array {
  const scores = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const roll = random.next();
    if (roll < 0.05) scores[i] = Number.NaN;
    else if (roll < 0.08) scores[i] = Number.NEGATIVE_INFINITY;
    else if (roll < 0.1) scores[i] = Number.POSITIVE_INFINITY;
    else scores[i] = random.nextInt(7) - 3;
  }
  return scores;
}

describe('topKIndices', () => {
  it('orders by score, breaking ties by lower index', () => {
    expect(Array.from(topKIndices(Float32Array.from([0.1, 0.9, 0.5, 0.9]), 3))).toEqual([1, 3, 2]);
    expect(Array.from(topKIndices(Float32Array.from([1, 1, 1, 1]), 2))).toEqual([0, 1]);
  });

  it('skips excluded indices and never selects NaN', () => {
    const scores = Float32Array.from([0.1, 0.9, Number.NaN, 0.9, 0.2]);
    expect(Array.from(topKIndices(scores, 3, new Set([1])))).toEqual([3, 4, 0]);
    expect(Array.from(topKIndices(scores, 10, Int32Array.of(3, 1)))).toEqual([4, 0]);
  });

  it('returns fewer than K when fewer items are eligible, and nothing for K ≤ 0', () => {
    expect(Array.from(topKIndices(Float32Array.from([2, 1]), 5))).toEqual([0, 1]);
    expect(topKIndices(Float32Array.from([2, 1]), 0).length).toBe(0);
    expect(topKIndices(Float32Array.from([2, 1]), -3).length).toBe(0);
    expect(topKIndices(new Float32Array(0), 3).length).toBe(0);
  });

  it('matches a full sort on random data with ties, NaN, infinities and exclusions (many seeds)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = new SeededRandom(seed);
      const length = 1 + random.nextInt(300);
      const scores = randomScores(random, length);
      const k = random.nextInt(length + 5);
      const excluded = new Set<number>();
      const exclusionCount = random.nextInt(20);
      for (let e = 0; e < exclusionCount; e++) excluded.add(random.nextInt(length + 3)); // some out of range
      const expected = referenceTopK(scores, k, excluded);
      expect(Array.from(topKIndices(scores, k))).toEqual(referenceTopK(scores, k));
      expect(Array.from(topKIndices(scores, k, excluded))).toEqual(expected);
      // Unsorted, duplicated Int32Array exclusions give the same answer.
      const asArray = Int32Array.from([...excluded, ...excluded].reverse());
      expect(Array.from(topKIndices(scores, k, asArray))).toEqual(expected);
    }
  });

  it('leaves the caller’s sorted exclusion array untouched', () => {
    const exclude = Int32Array.of(0, 2);
    topKIndices(Float32Array.from([3, 2, 1]), 2, exclude);
    expect(Array.from(exclude)).toEqual([0, 2]);
    const unsorted = Int32Array.of(2, 0);
    topKIndices(Float32Array.from([3, 2, 1]), 2, unsorted);
    expect(Array.from(unsorted)).toEqual([2, 0]);
  });
});

describe('topKOfCandidates', () => {
  it('selects among the listed candidates only, into a caller buffer', () => {
    const scores = Float64Array.from([5, 1, 4, 4, 9]);
    const into = new Int32Array(2);
    const count = topKOfCandidates(scores, Int32Array.of(3, 1, 2, 0), 4, into);
    expect(count).toBe(2);
    expect(Array.from(into)).toEqual([0, 2]); // 5, then the 4-4 tie goes to index 2
  });

  it('matches the reference on random candidate subsets', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const random = new SeededRandom(seed * 31);
      const length = 1 + random.nextInt(200);
      const scores = randomScores(random, length);
      const candidates = random.shuffle(Int32Array.from({ length }, (_, i) => i)).slice(0, random.nextInt(length + 1));
      const k = 1 + random.nextInt(30);
      const into = new Int32Array(k);
      const count = topKOfCandidates(scores, candidates, candidates.length, into);
      const notCandidates = new Set<number>();
      const isCandidate = new Set(candidates);
      for (let i = 0; i < length; i++) if (!isCandidate.has(i)) notCandidates.add(i);
      expect(Array.from(into.subarray(0, count))).toEqual(referenceTopK(scores, k, notCandidates));
    }
  });
});
