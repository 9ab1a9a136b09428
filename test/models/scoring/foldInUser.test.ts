import { describe, expect, it } from 'vitest';
import type { RowSolveHyperparameters } from '../../../models/als/AlsHyperparameters';
import { OndeckError } from '../../../models/errors/OndeckError';
import { floatFoldInFactors, foldInUser, quantizedFoldInFactors } from '../../../models/scoring/foldIn';
import { dequantizeRows, quantizeRows } from '../../../models/quantize';
import { SeededRandom } from '../../../models/random';
import type { UserHistory } from '../../../models/scoring/ScoringModel';

const itemCount = 60;
const dims = 8;

/** Gaussian item factors, rounded to float32 as a model stores them. */
function randomFactors(rows: number, columns: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: rows * columns }, () => 0.4 * random.nextGaussian());
}

/** YᵀY in float64, written out here so the test does not lean on the library's Gramian. */
function gramianOf(factors: Float32Array, rows: number, columns: number): Float64Array {
  const out = new Float64Array(columns * columns);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < columns; i++) {
      for (let j = 0; j < columns; j++) out[i * columns + j] += factors[r * columns + i] * factors[r * columns + j];
    }
  }
  return out;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A row-major, n × n, copied). */
function gaussianElimination(matrix: number[][], rightHandSide: number[]): number[] {
  const n = rightHandSide.length;
  const a = matrix.map((row, i) => [...row, rightHandSide[i]]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) if (Math.abs(a[row][column]) > Math.abs(a[pivot][column])) pivot = row;
    [a[column], a[pivot]] = [a[pivot], a[column]];
    for (let row = column + 1; row < n; row++) {
      const factor = a[row][column] / a[column][column];
      for (let k = column; k <= n; k++) a[row][k] -= factor * a[column][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row][n];
    for (let k = row + 1; k < n; k++) sum -= a[row][k] * x[k];
    x[row] = sum / a[row][row];
  }
  return x;
}

/**
 * The minimiser of Σ_i c_i (p_i − x·y_i)² + λ_u ‖x‖² over EVERY item of the catalog, built as a
 * dense weighted least-squares problem: p_i = 1 and c_i = 1 + alpha·w_i for history items,
 * p_i = 0 and c_i = α₀ for every other item, λ_u = λ·(|I_u| + α₀·|I|)^ν.
 */
function bruteForceFoldIn(factors: Float32Array, hyper: RowSolveHyperparameters, history: UserHistory): number[] {
  const weightOfItem = new Map<number, number>();
  history.indices.forEach((item, position) => weightOfItem.set(item, history.weights[position]));
  const lambda = hyper.regularization * Math.pow(history.indices.length + hyper.unobservedWeight * itemCount, hyper.regularizationExponent);
  const normal = Array.from({ length: dims }, (_, i) => Array.from({ length: dims }, (_, j) => (i === j ? lambda : 0)));
  const rightHandSide = new Array<number>(dims).fill(0);
  for (let item = 0; item < itemCount; item++) {
    const watched = weightOfItem.get(item);
    const confidence = watched === undefined ? hyper.unobservedWeight : 1 + hyper.alpha * watched;
    const target = watched === undefined ? 0 : 1;
    const row = Array.from(factors.subarray(item * dims, (item + 1) * dims));
    for (let i = 0; i < dims; i++) {
      rightHandSide[i] += confidence * target * row[i];
      for (let j = 0; j < dims; j++) normal[i][j] += confidence * row[i] * row[j];
    }
  }
  return gaussianElimination(normal, rightHandSide);
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return dot / Math.sqrt(normA * normB);
}

const history: UserHistory = {
  indices: Int32Array.from([3, 7, 11, 20, 21, 42, 59]),
  weights: Float32Array.from([1, 2, 5, 1, 3, 0.5, 1]),
};

describe('foldInUser', () => {
  const factors = randomFactors(itemCount, dims, 11);
  const floatFactors = floatFoldInFactors(factors, itemCount, dims, gramianOf(factors, itemCount, dims));

  describe.each([
    { label: 'ν = 0, alpha = 0', regularizationExponent: 0, alpha: 0 },
    { label: 'ν = 0, alpha = 3', regularizationExponent: 0, alpha: 3 },
    { label: 'ν = 1, alpha = 0', regularizationExponent: 1, alpha: 0 },
    { label: 'ν = 1, alpha = 3', regularizationExponent: 1, alpha: 3 },
  ])('$label', ({ regularizationExponent, alpha }) => {
    const hyper: RowSolveHyperparameters = { regularization: 0.05, regularizationExponent, unobservedWeight: 0.1, alpha };

    it('equals the brute-force weighted least-squares solution over all items', () => {
      const expected = bruteForceFoldIn(factors, hyper, history);
      const actual = foldInUser(floatFactors, hyper, history);
      const scale = maxAbs(expected);
      expect(scale).toBeGreaterThan(0.01);
      for (let d = 0; d < dims; d++) expect(Math.abs(actual[d] - expected[d])).toBeLessThanOrEqual(1e-6 * scale);
    });

    it('the brute-force solution is a stationary point of the objective (sanity of the reference)', () => {
      // Perturbing the reference in any coordinate must not lower the loss: guards against a
      // reference that agrees with the library only because both are wrong the same way.
      const loss = (x: number[]): number => {
        const weightOfItem = new Map<number, number>();
        history.indices.forEach((item, position) => weightOfItem.set(item, history.weights[position]));
        const lambda = hyper.regularization * Math.pow(history.indices.length + hyper.unobservedWeight * itemCount, regularizationExponent);
        let total = lambda * x.reduce((sum, v) => sum + v * v, 0);
        for (let item = 0; item < itemCount; item++) {
          let prediction = 0;
          for (let d = 0; d < dims; d++) prediction += x[d] * factors[item * dims + d];
          const watched = weightOfItem.get(item);
          total += watched === undefined ? hyper.unobservedWeight * prediction ** 2 : (1 + alpha * watched) * (1 - prediction) ** 2;
        }
        return total;
      };
      const best = bruteForceFoldIn(factors, hyper, history);
      const bestLoss = loss(best);
      for (let d = 0; d < dims; d++) {
        for (const step of [-1e-3, 1e-3]) {
          const moved = best.slice();
          moved[d] += step;
          expect(loss(moved)).toBeGreaterThan(bestLoss);
        }
      }
    });
  });

  it('alpha changes the answer (the confidence weights reach the solve)', () => {
    const base = { regularization: 0.05, regularizationExponent: 1, unobservedWeight: 0.1 };
    const flat = foldInUser(floatFactors, { ...base, alpha: 0 }, history);
    const weighted = foldInUser(floatFactors, { ...base, alpha: 3 }, history);
    let difference = 0;
    for (let d = 0; d < dims; d++) difference = Math.max(difference, Math.abs(flat[d] - weighted[d]));
    expect(difference).toBeGreaterThan(1e-3);
  });

  it('quantised fold-in is close to the float one (cosine > 0.99)', () => {
    const hyper: RowSolveHyperparameters = { regularization: 0.05, regularizationExponent: 1, unobservedWeight: 0.1, alpha: 1 };
    const quantized = quantizeRows(factors, itemCount, dims);
    const quantizedFactors = quantizedFoldInFactors(quantized, gramianOf(dequantizeRows(quantized), itemCount, dims));
    const random = new SeededRandom(5);
    for (let trial = 0; trial < 10; trial++) {
      const items = new Set<number>();
      while (items.size < 3 + trial) items.add(random.nextInt(itemCount));
      const trialHistory: UserHistory = {
        indices: Int32Array.from([...items].sort((a, b) => a - b)),
        weights: Float32Array.from(items, () => 1 + random.nextInt(3)),
      };
      const fromFloat = foldInUser(floatFactors, hyper, trialHistory);
      const fromInt8 = foldInUser(quantizedFactors, hyper, trialHistory);
      expect(cosine(fromFloat, fromInt8)).toBeGreaterThan(0.99);
    }
  });

  it('an empty history folds in to the zero vector', () => {
    const hyper: RowSolveHyperparameters = { regularization: 0.05, regularizationExponent: 1, unobservedWeight: 0.1, alpha: 1 };
    const out = new Float32Array(dims).fill(7);
    foldInUser(floatFactors, hyper, { indices: new Int32Array(0), weights: new Float32Array(0) }, out);
    expect(Array.from(out)).toEqual(new Array(dims).fill(0));
  });

  it('rejects an item index outside the catalog with invalid-argument', () => {
    const hyper: RowSolveHyperparameters = { regularization: 0.05, regularizationExponent: 1, unobservedWeight: 0.1, alpha: 1 };
    for (const bad of [itemCount, -1]) {
      const call = (): unknown => foldInUser(floatFactors, hyper, { indices: Int32Array.from([0, bad]), weights: Float32Array.from([1, 1]) });
      expect(call).toThrowError(OndeckError);
      expect(call).toThrowError(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });

  it('rejects weights whose length differs from the indices', () => {
    const hyper: RowSolveHyperparameters = { regularization: 0.05, regularizationExponent: 1, unobservedWeight: 0.1, alpha: 1 };
    expect(() => foldInUser(floatFactors, hyper, { indices: Int32Array.from([1, 2]), weights: Float32Array.from([1]) })).toThrowError(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
});
