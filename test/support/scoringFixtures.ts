import { expect } from 'vitest';
import { SeededRandom } from '../../models/random';
import { quantizeRows, type QuantizedFactors } from '../../models/quantize';
import type { TopKResult } from '../../models/scoring/ScoringBackend';

/** Relative score tolerance within which two backends may disagree (and order ties differently). */
export const scoreTolerance = 1e-5;

/** Three orthogonal int8 patterns over 10 dims (10 is not a multiple of 4: exercises remainders). */
const groupPatterns = [
  [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], // A
  [1, -1, 1, -1, 0, 0, 0, 0, 0, 0], // B
  [0, 0, 0, 0, 1, 1, -1, -1, 1, 0], // C
];

/**
 * 21 items (odd, to exercise the two-rows-at-a-time remainder) in three groups, item i in group
 * i % 3, each a positive multiple of its group's pattern with a distinct norm. The patterns are
 * orthogonal, so a user along B scores exactly the B items (by norm) and exactly 0 for the rest.
 */
export function plantedGroups(): { factors: QuantizedFactors; norms: number[]; groupOf: (item: number) => number; patterns: number[][] } {
  const rows = 21;
  const dims = 10;
  const norms: number[] = [];
  const raw = new Float32Array(rows * dims);
  for (let item = 0; item < rows; item++) {
    // Distinct, not monotone in the index, so "order by norm" differs from "order by index".
    const norm = 1 + ((item * 7) % rows) * 0.25;
    norms.push(norm);
    const pattern = groupPatterns[item % 3];
    const length = Math.hypot(...pattern);
    for (let d = 0; d < dims; d++) raw[item * dims + d] = (norm * pattern[d]) / length;
  }
  return { factors: quantizeRows(raw, rows, dims), norms, groupOf: (item) => item % 3, patterns: groupPatterns };
}

/** Gaussian factors quantised to int8, reproducible from `seed`. */
export function randomFactors(rows: number, dims: number, seed: number): QuantizedFactors {
  const random = new SeededRandom(seed);
  const raw = new Float32Array(rows * dims);
  for (let i = 0; i < raw.length; i++) raw[i] = random.nextGaussian();
  return quantizeRows(raw, rows, dims);
}

/** A Gaussian user vector, reproducible from `seed`. */
export function randomUser(dims: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: dims }, () => random.nextGaussian());
}

/** Reference scores in float64 (exact int8 × float32 products): the truth both backends approximate. */
export function referenceScores(factors: QuantizedFactors, user: Float32Array): Float64Array {
  const scores = new Float64Array(factors.rows);
  for (let row = 0; row < factors.rows; row++) {
    let sum = 0;
    for (let d = 0; d < factors.dims; d++) sum += factors.values[row * factors.dims + d] * user[d];
    scores[row] = sum * factors.scales[row];
  }
  return scores;
}

/** Reference top-k by sorting (score desc, index asc), skipping `exclude`. */
export function referenceTopK(scores: ArrayLike<number>, count: number, exclude: ArrayLike<number> = []): number[] {
  const excluded = new Set(Array.from(exclude));
  const order = Array.from({ length: scores.length }, (_, i) => i).filter((i) => !excluded.has(i));
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, count);
}

/**
 * Asserts two rankings are the same up to ties: same length, scores equal within the tolerance
 * position by position, and where the indices differ the scores there are tied (within tolerance)
 * with a neighbour, i.e. the difference is only the order inside a tie group.
 */
export function expectSameRanking(actual: TopKResult, expected: TopKResult): void {
  expect(actual.indices.length).toBe(expected.indices.length);
  const scale = Math.max(1e-30, ...Array.from(expected.scores, Math.abs));
  for (let i = 0; i < expected.indices.length; i++) {
    expect(Math.abs(actual.scores[i] - expected.scores[i])).toBeLessThanOrEqual(scoreTolerance * scale);
    if (actual.indices[i] !== expected.indices[i]) {
      const tiedWithNeighbour =
        (i > 0 && Math.abs(expected.scores[i] - expected.scores[i - 1]) <= scoreTolerance * scale) ||
        (i + 1 < expected.scores.length && Math.abs(expected.scores[i] - expected.scores[i + 1]) <= scoreTolerance * scale);
      expect(tiedWithNeighbour, `position ${i}: ${actual.indices[i]} vs ${expected.indices[i]} without a tie`).toBe(true);
    }
  }
}
