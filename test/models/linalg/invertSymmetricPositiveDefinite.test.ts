import { describe, it, expect } from 'vitest';
import { invertSymmetricPositiveDefinite } from '../../../models/linalg/invertSymmetricPositiveDefinite';
import { SeededRandom } from '../../../models/random';

/** A = RᵀR / n + 0.1·I: symmetric positive definite with a moderate condition number. */
function randomSpd(n: number, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  const r = Float64Array.from({ length: n * n }, () => random.nextGaussian());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += r[k * n + i] * r[k * n + j];
      a[i * n + j] = a[j * n + i] = sum / n + (i === j ? 0.1 : 0);
    }
  }
  return a;
}

function maxDeviationFromIdentity(a: Float64Array, inverse: Float64Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k] * inverse[k * n + j];
      worst = Math.max(worst, Math.abs(sum - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('invertSymmetricPositiveDefinite', () => {
  it('inverts a 2×2 by hand: [[4,2],[2,3]]⁻¹ = [[3,-2],[-2,4]] / 8', () => {
    const a = Float64Array.from([4, 2, 2, 3]);
    expect(invertSymmetricPositiveDefinite(a, 2)).toBe(true);
    expect(Array.from(a)).toEqual([0.375, -0.25, -0.25, 0.5].map((v) => expect.closeTo(v, 14)));
  });

  // Sizes around the 32-column block and the 4×2 tile, so every edge path runs.
  it.each([1, 2, 3, 5, 31, 32, 33, 63, 64, 65, 97, 130])('gives A·A⁻¹ ≈ I and a symmetric result for n = %i', (n) => {
    const a = randomSpd(n, 1000 + n);
    const inverse = a.slice();
    expect(invertSymmetricPositiveDefinite(inverse, n)).toBe(true);
    expect(maxDeviationFromIdentity(a, inverse, n)).toBeLessThan(1e-9);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
  });

  it('reads only the lower triangle of its input', () => {
    const n = 40;
    const a = randomSpd(n, 7);
    const scrambled = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) scrambled[i * n + j] = 1e6;
    expect(invertSymmetricPositiveDefinite(scrambled, n)).toBe(true);
    expect(maxDeviationFromIdentity(a, scrambled, n)).toBeLessThan(1e-9);
  });

  it('reports a matrix that is not positive definite', () => {
    expect(invertSymmetricPositiveDefinite(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    const n = 50;
    const a = randomSpd(n, 3);
    a[45 * n + 45] = -1;
    expect(invertSymmetricPositiveDefinite(a, n)).toBe(false);
  });

  it('accepts n = 0 and rejects an array too short for n × n', () => {
    expect(invertSymmetricPositiveDefinite(new Float64Array(0), 0)).toBe(true);
    expect(() => invertSymmetricPositiveDefinite(new Float64Array(3), 2)).toThrow(RangeError);
  });
});
