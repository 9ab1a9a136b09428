import { expect } from 'vitest';
import { quantizeRows, type QuantizedFactors } from '../../../models/quantize';
import type { SeededRandom } from '../../../models/random';
import type { TopKResult } from '../../../models/scoring/ScoringBackend';
import { scoreInt8Rows } from '../../../models/scoring/scoreInt8Rows';
import { selectTopK } from '../../../models/scoring/selectTopK';

// Tables, viewers and checks shared by the suites of the exact screened top-K kernels (js and wasm).

/** The exact path the screen must reproduce: every row scored, then the shared heap selection. */
export function exactTopK(factors: QuantizedFactors, user: Float32Array, count: number, exclude?: Int32Array): TopKResult {
  const scores = new Float32Array(factors.rows);
  scoreInt8Rows(factors, user, scores);
  return selectTopK(scores, count, exclude);
}

/** Same indices in the same order and bit-identical float32 scores. */
export function expectIdentical(actual: TopKResult, expected: TopKResult, context: string): void {
  expect(Array.from(actual.indices), context).toEqual(Array.from(expected.indices));
  expect(Array.from(actual.scores), context).toEqual(Array.from(expected.scores));
}

/** Tables built to make the bound's job hard: exact and near ties, zero rows, extreme scales. */
export function adversarialFactors(kind: number, rows: number, dims: number, random: SeededRandom): QuantizedFactors {
  const values = new Int8Array(rows * dims);
  const scales = new Float32Array(rows);
  const bases = Array.from({ length: 3 }, () => Int8Array.from({ length: dims }, () => random.nextInt(256) - 128));
  for (let row = 0; row < rows; row++) {
    const target = values.subarray(row * dims, (row + 1) * dims);
    switch (kind) {
      case 0: {
        // Copies of three rows, half of them nudged by one unit in one value: exact and near ties.
        target.set(bases[random.nextInt(3)]);
        if (random.next() < 0.5) {
          const d = random.nextInt(dims);
          target[d] = Math.max(-128, Math.min(127, target[d] + (random.next() < 0.5 ? -1 : 1)));
        }
        scales[row] = 0.01;
        break;
      }
      case 1: {
        // One row pattern at scales s and values doubled at s / 2: different rows, identical scores.
        const base = bases[0];
        const doubled = row % 2 === 1;
        for (let d = 0; d < dims; d++) target[d] = doubled ? 2 * (base[d] >> 1) : base[d] >> 1;
        scales[row] = doubled ? 0.5 / (1 + (row >> 2)) : 1 / (1 + (row >> 2));
        break;
      }
      case 2: {
        // All-zero rows (scale 0) among random ones, and rows with values but scale 0.
        if (random.next() < 0.6) {
          for (let d = 0; d < dims; d++) target[d] = random.nextInt(256) - 128;
          scales[row] = random.next() < 0.2 ? 0 : random.next();
        }
        break;
      }
      default: {
        // Full byte range (−128 included) and scales from 1e-30 to 1e30.
        for (let d = 0; d < dims; d++) target[d] = random.nextInt(256) - 128;
        scales[row] = Math.fround(10 ** (random.nextInt(61) - 30) * (0.5 + random.next()));
      }
    }
  }
  return { rows, dims, values, scales };
}

export function gaussianFactors(rows: number, dims: number, random: SeededRandom): QuantizedFactors {
  return quantizeRows(
    Float32Array.from({ length: rows * dims }, () => random.nextGaussian()),
    rows,
    dims,
  );
}

/** Viewers that stress the integer rounding: ordinary, zero, one-hot, tiny, huge, mixed magnitudes. */
export function userOf(kind: number, dims: number, random: SeededRandom): Float32Array {
  const gaussian = Float32Array.from({ length: dims }, () => random.nextGaussian());
  switch (kind) {
    case 0:
      return gaussian;
    case 1:
      return new Float32Array(dims);
    case 2: {
      const oneHot = new Float32Array(dims);
      oneHot[random.nextInt(dims)] = random.next() < 0.5 ? -1 : 1;
      return oneHot;
    }
    case 3:
      return gaussian.map((x) => x * 1e-30);
    case 4:
      return gaussian.map((x) => x * 1e30);
    case 5:
      // Magnitudes 20 orders apart: float64 sums cancel and round, the integer levels flush to 0.
      return gaussian.map((x, d) => x * (d % 3 === 0 ? 1e10 : 1e-10));
    default: {
      // Values exactly halfway between two levels (the rounding boundary), up to float32.
      const maxAbs = 1.5;
      return Float32Array.from({ length: dims }, (_, d) => (d === 0 ? maxAbs : ((random.nextInt(30) - 15 + 0.5) * maxAbs) / 15));
    }
  }
}
