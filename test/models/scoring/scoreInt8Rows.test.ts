import { describe, expect, it } from 'vitest';
import { scoreInt8Row, scoreInt8Rows } from '../../../models/scoring/scoreInt8Rows';
import { randomFactors, randomUser, referenceScores } from '../../support/scoringFixtures';

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

  it('scores single rows bit for bit like the whole-table kernel, last row of odd tables included', () => {
    for (let rows = 1; rows <= 7; rows++) {
      for (const dims of [1, 2, 3, 4, 5, 6, 7, 8, 9, 64]) {
        const factors = randomFactors(rows, dims, rows * 31 + dims);
        // Magnitudes 20 orders apart make the float64 sum depend on its order; a zero user makes
        // signed zeros (−3 × 0 = −0). Only the very same summation order reproduces both.
        const spread = Float32Array.from(randomUser(dims, rows + dims), (x, d) => x * (d % 3 === 0 ? 1e10 : 1e-10));
        for (const user of [randomUser(dims, rows + dims), spread, new Float32Array(dims)]) {
          const out = new Float32Array(rows);
          scoreInt8Rows(factors, user, out);
          for (let row = 0; row < rows; row++) expect(Object.is(Math.fround(scoreInt8Row(factors, user, row)), out[row]), `rows ${rows} dims ${dims} row ${row}`).toBe(true);
        }
      }
    }
  });

  it('keeps the summation order of the whole-table kernel, which differs for the last row of an odd table', () => {
    // Three identical rows (1, −1, 1, 0) against (1e15, 1e15, 1e-3, 0). Paired rows sum
    // (1e15 + 1e-3) + (−1e15) = 0, the 1e-3 lost to rounding; the last row, summed in plain order,
    // keeps it: (1e15 − 1e15) + 1e-3.
    const factors = { rows: 3, dims: 4, values: Int8Array.from([1, -1, 1, 0, 1, -1, 1, 0, 1, -1, 1, 0]), scales: Float32Array.from([1, 1, 1]) };
    const user = Float32Array.from([1e15, 1e15, 1e-3, 0]);
    const out = new Float32Array(3);
    scoreInt8Rows(factors, user, out);
    expect(Array.from(out)).toEqual([0, 0, Math.fround(1e-3)]);
    expect([0, 1, 2].map((row) => Math.fround(scoreInt8Row(factors, user, row)))).toEqual([0, 0, Math.fround(1e-3)]);
  });
});
