import { describe, expect, it } from 'vitest';
import type { QuantizedFactors } from '../../../models/quantize';
import { SeededRandom } from '../../../models/random';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createScreenedTopK } from '../../../models/scoring/createScreenedTopK';
import { adversarialFactors, exactTopK, expectIdentical, gaussianFactors, userOf } from './screeningFixtures';

function screenOf(factors: QuantizedFactors): NonNullable<ReturnType<typeof createScreenedTopK>> {
  const screen = createScreenedTopK(factors);
  if (!screen) throw new Error(`expected a screenable table (${factors.rows} × ${factors.dims})`);
  return screen;
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
