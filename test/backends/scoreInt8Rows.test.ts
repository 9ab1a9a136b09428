import { describe, expect, it } from 'vitest';
import { scoreInt8Rows } from '../../worker/backends/scoreInt8Rows';
import { randomFactors, randomUser, referenceScores } from './scoringFixtures';

describe('scoreInt8Rows', () => {
  it('computes scale × (row · user) on a hand-checked table', () => {
    // Rows (1,2,3)×0.5, (-1,0,4)×2, (5,5,5)×1 against (1,2,3): 14×0.5, 11×2, 30×1.
    const factors = { rows: 3, dims: 3, values: Int8Array.from([1, 2, 3, -1, 0, 4, 5, 5, 5]), scales: Float32Array.from([0.5, 2, 1]) };
    const out = new Float32Array(3);
    scoreInt8Rows(factors, Float32Array.from([1, 2, 3]), out);
    expect(Array.from(out)).toEqual([7, 22, 30]);
  });

  it('matches the float64 reference for every remainder of rows and dims', () => {
    for (let rows = 1; rows <= 5; rows++) {
      for (let dims = 1; dims <= 9; dims++) {
        const factors = randomFactors(rows, dims, rows * 100 + dims);
        const user = randomUser(dims, dims);
        const out = new Float32Array(rows);
        scoreInt8Rows(factors, user, out);
        const reference = referenceScores(factors, user);
        // Float64 accumulation: the only rounding is the final store to float32.
        for (let i = 0; i < rows; i++) expect(out[i]).toBe(Math.fround(reference[i]));
      }
    }
  });
});
