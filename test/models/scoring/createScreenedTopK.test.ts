import { describe, expect, it } from 'vitest';
import { quantizeRows, type QuantizedFactors } from '../../../models/quantize';
import { SeededRandom } from '../../../models/random';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createScreenedTopK } from '../../../models/scoring/createScreenedTopK';
import type { TopKResult } from '../../../models/scoring/ScoringBackend';
import { scoreInt8Rows } from '../../../models/scoring/scoreInt8Rows';
import { selectTopK } from '../../../models/scoring/selectTopK';

/** The exact path the screen must reproduce: every row scored, then the shared heap selection. */
function exactTopK(factors: QuantizedFactors, user: Float32Array, count: number, exclude?: Int32Array): TopKResult {
  const scores = new Float32Array(factors.rows);
  scoreInt8Rows(factors, user, scores);
  return selectTopK(scores, count, exclude);
}

/** Same indices in the same order and bit-identical float32 scores. */
function expectIdentical(actual: TopKResult, expected: TopKResult, context: string): void {
  expect(Array.from(actual.indices), context).toEqual(Array.from(expected.indices));
  expect(Array.from(actual.scores), context).toEqual(Array.from(expected.scores));
}

function screenOf(factors: QuantizedFactors): NonNullable<ReturnType<typeof createScreenedTopK>> {
  const screen = createScreenedTopK(factors);
  if (!screen) throw new Error(`expected a screenable table (${factors.rows} × ${factors.dims})`);
  return screen;
}

/** Tables built to make the bound's job hard: exact and near ties, zero rows, extreme scales. */
function adversarialFactors(kind: number, rows: number, dims: number, random: SeededRandom): QuantizedFactors {
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

function gaussianFactors(rows: number, dims: number, random: SeededRandom): QuantizedFactors {
  return quantizeRows(
    Float32Array.from({ length: rows * dims }, () => random.nextGaussian()),
    rows,
    dims,
  );
}

/** Viewers that stress the integer rounding: ordinary, zero, one-hot, tiny, huge, mixed magnitudes. */
function userOf(kind: number, dims: number, random: SeededRandom): Float32Array {
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

describe('createScreenedTopK', () => {
  it('ranks a hand-checked table like the exact kernel, ties by lower index', () => {
    // Scores against (1, 1, 1, 1): 10 × 0.5 = 5, 4 × 1 = 4, 10 × 0.5 = 5, 0, −4 × 1 = −4.
    const factors = {
      rows: 5,
      dims: 4,
      values: Int8Array.from([1, 2, 3, 4, 1, 1, 1, 1, 4, 3, 2, 1, 0, 0, 0, 0, -1, -1, -1, -1]),
      scales: Float32Array.from([0.5, 1, 0.5, 3, 1]),
    };
    const result = screenOf(factors)(Float32Array.from([1, 1, 1, 1]), 4);
    expect(Array.from(result.indices)).toEqual([0, 2, 1, 3]);
    expect(Array.from(result.scores)).toEqual([5, 5, 4, 0]);
    const withExclusions = screenOf(factors)(Float32Array.from([1, 1, 1, 1]), 10, Int32Array.from([0, 3, 3]));
    expect(Array.from(withExclusions.indices)).toEqual([2, 1, 4]);
    expect(screenOf(factors)(Float32Array.from([1, 1, 1, 1]), 0).indices.length).toBe(0);
    // A count far beyond the catalog returns every row (and allocates nothing that large).
    expect(Array.from(screenOf(factors)(Float32Array.from([1, 1, 1, 1]), 2 ** 30).indices)).toEqual([0, 2, 1, 3, 4]);
  });

  it('returns exactly the exact kernel’s top-K on random and adversarial tables', () => {
    const random = new SeededRandom(2024);
    const sizes = [1, 2, 3, 5, 17, 64, 257, 1000, 3001];
    const dimsChoices = [4, 8, 12, 20, 32, 64];
    for (let trial = 0; trial < 120; trial++) {
      const rows = sizes[random.nextInt(sizes.length)];
      const dims = dimsChoices[random.nextInt(dimsChoices.length)];
      const tableKind = random.nextInt(5);
      const factors = tableKind === 4 ? gaussianFactors(rows, dims, random) : adversarialFactors(tableKind, rows, dims, random);
      const screen = screenOf(factors);
      for (let query = 0; query < 4; query++) {
        const userKind = random.nextInt(7);
        const user = userOf(userKind, dims, random);
        const count = [1, 5, 20, 40, rows, rows + 10][random.nextInt(6)];
        const exclude = random.next() < 0.5 ? undefined : Int32Array.from({ length: random.nextInt(Math.min(rows, 60)) + 1 }, () => random.nextInt(rows)).sort();
        const context = `trial ${trial}: table ${tableKind} ${rows}×${dims}, user ${userKind}, count ${count}, ${exclude?.length ?? 0} excluded`;
        expectIdentical(screen(user, count, exclude), exactTopK(factors, user, count, exclude), context);
      }
    }
  });

  it('returns exactly the exact kernel’s top-K at catalog scale, excluding the best items too', () => {
    const random = new SeededRandom(7);
    const factors = gaussianFactors(20_000, 64, random);
    const screen = screenOf(factors);
    for (let query = 0; query < 6; query++) {
      const user = userOf(query % 2 === 0 ? 0 : 5, 64, random);
      const best = exactTopK(factors, user, 30);
      // Half the exclusions are among the true best, so the answer has to come from deeper.
      const exclude = Int32Array.from([...Array.from(best.indices.slice(0, 25)), ...Array.from({ length: 25 }, () => random.nextInt(20_000))]).sort();
      for (const count of [20, 40]) expectIdentical(screen(user, count, exclude), exactTopK(factors, user, count, exclude), `query ${query}, count ${count}`);
    }
  });

  it('declines tables it cannot screen exactly', () => {
    const random = new SeededRandom(3);
    // dims not a multiple of 4.
    expect(createScreenedTopK(gaussianFactors(10, 10, random))).toBeUndefined();
    // Values not 4-byte aligned in their buffer.
    const aligned = gaussianFactors(10, 8, random);
    const shifted = new Int8Array(new ArrayBuffer(aligned.values.length + 1), 1, aligned.values.length);
    shifted.set(aligned.values);
    expect(createScreenedTopK({ ...aligned, values: shifted })).toBeUndefined();
    // Negative or non-finite scales.
    for (const bad of [-0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const scales = aligned.scales.slice();
      scales[4] = bad;
      expect(createScreenedTopK({ ...aligned, scales })).toBeUndefined();
    }
    expect(createScreenedTopK(aligned)).toBeTypeOf('function');
  });

  it('leaves the js backend exact on a table it cannot screen', async () => {
    const random = new SeededRandom(11);
    const aligned = gaussianFactors(501, 16, random);
    const values = new Int8Array(new ArrayBuffer(aligned.values.length + 3), 3, aligned.values.length);
    values.set(aligned.values);
    const factors = { ...aligned, values };
    const backend = createJsInt8Backend();
    await backend.load({ factors });
    try {
      const user = userOf(0, 16, random);
      const exclude = Int32Array.from([3, 8, 8, 400]);
      expectIdentical(await backend.topK(user, 25, exclude), exactTopK(factors, user, 25, exclude), 'unaligned table');
    } finally {
      await backend.dispose();
    }
  });
});
