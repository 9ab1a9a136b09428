import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import type { QuantizedFactors } from '../../../../models/quantize';
import { SeededRandom } from '../../../../models/random';
import { createJsInt8Backend } from '../../../../models/scoring/createJsInt8Backend';
import { createWasmInt8Backend, type WasmInt8Backend } from '../../../../models/scoring/createWasmInt8Backend';
import { mergePartResults } from '../../../../models/scoring/parallel/mergePartResults';
import { partitionRows } from '../../../../models/scoring/parallel/partitionRows';
import type { ScoringBackend, TopKResult } from '../../../../models/scoring/ScoringBackend';
import { scoreInt8Rows } from '../../../../models/scoring/scoreInt8Rows';
import { selectTopK } from '../../../../models/scoring/selectTopK';
import type { Int8KernelFlavour } from '../../../../models/scoring/wasm/Int8KernelFlavour';
import { adversarialFactors, gaussianFactors, userOf } from '../screeningFixtures';

/** Bits of float32 scores: `-0` and `0` differ, NaN payloads too. */
const bitsOf = (scores: Float32Array): number[] => Array.from(new Uint32Array(scores.buffer, scores.byteOffset, scores.length));

/** Same indices in the same order and the same float32 bits. */
function expectBitIdentical(actual: TopKResult, expected: TopKResult, context: string): void {
  expect(Array.from(actual.indices), context).toEqual(Array.from(expected.indices));
  expect(bitsOf(actual.scores), context).toEqual(bitsOf(expected.scores));
}

/** The exact top-K of rows [start, end) of the whole table's exact scores, indices the table's. */
function exactRangeTopK(factors: QuantizedFactors, user: Float32Array, count: number, exclude: Int32Array | undefined, start: number, end: number): TopKResult {
  const scores = new Float32Array(factors.rows);
  scoreInt8Rows(factors, user, scores);
  const local = exclude
    ? Int32Array.from(
        Array.from(exclude).filter((index) => index >= start && index < end),
        (index) => index - start,
      )
    : undefined;
  const { indices, scores: best } = selectTopK(scores.subarray(start, end), count, local);
  return { indices: indices.map((index) => index + start), scores: best };
}

/** Every byte −128 or 127: the extremes of the screening sums. */
function extremeFactors(rows: number, dims: number, random: SeededRandom): QuantizedFactors {
  const values = Int8Array.from({ length: rows * dims }, () => (random.next() < 0.5 ? -128 : 127));
  // Few distinct scales, so rows tie.
  const scales = Float32Array.from({ length: rows }, () => [0.25, 0.5, 1][random.nextInt(3)]);
  return { rows, dims, values, scales };
}

function randomExclusions(rows: number, random: SeededRandom): Int32Array | undefined {
  if (random.next() < 0.4) return undefined;
  // Sorted, with duplicates, sometimes more entries than rows.
  return Int32Array.from({ length: random.nextInt(Math.min(2 * rows, 60)) + 1 }, () => random.nextInt(rows)).sort();
}

const flavours: Int8KernelFlavour[] = ['mvp', 'simd'];

describe.each(flavours)('wasm-int8 backend, %s build', (flavour) => {
  let wasm: WasmInt8Backend;
  let js: ScoringBackend;
  beforeAll(async () => {
    wasm = await createWasmInt8Backend({ flavour });
    js = createJsInt8Backend();
  });
  afterAll(async () => {
    await wasm.dispose();
    await js.dispose();
  });

  it('ranks a hand-checked table: ties by lower index, exclusions, count beyond the catalog', async () => {
    // Scores against (1, 1, 1, 1): 10 × 0.5 = 5, 4 × 1 = 4, 10 × 0.5 = 5, 0, −4 × 1 = −4.
    const factors = {
      rows: 5,
      dims: 4,
      values: Int8Array.from([1, 2, 3, 4, 1, 1, 1, 1, 4, 3, 2, 1, 0, 0, 0, 0, -1, -1, -1, -1]),
      scales: Float32Array.from([0.5, 1, 0.5, 3, 1]),
    };
    await wasm.load({ factors });
    const user = Float32Array.from([1, 1, 1, 1]);
    const best = await wasm.topK(user, 4);
    expect(Array.from(best.indices)).toEqual([0, 2, 1, 3]);
    expect(Array.from(best.scores)).toEqual([5, 5, 4, 0]);
    expect(Array.from((await wasm.topK(user, 10, Int32Array.from([0, 3, 3]))).indices)).toEqual([2, 1, 4]);
    expect((await wasm.topK(user, 0)).indices.length).toBe(0);
    expect(Array.from((await wasm.topK(user, 2 ** 30)).indices)).toEqual([0, 2, 1, 3, 4]);
  });

  it('returns exactly the js backend’s top-K on random and adversarial tables of many shapes', async () => {
    const random = new SeededRandom(flavour === 'mvp' ? 1601 : 1602);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 17, 64, 257, 1000, 3001];
    const dimsChoices = [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 20, 31, 64, 100];
    for (let trial = 0; trial < 160; trial++) {
      const rows = sizes[random.nextInt(sizes.length)];
      const dims = dimsChoices[random.nextInt(dimsChoices.length)];
      const tableKind = random.nextInt(6);
      const factors =
        tableKind === 5 ? extremeFactors(rows, dims, random) : tableKind === 4 ? gaussianFactors(rows, dims, random) : adversarialFactors(tableKind, rows, dims, random);
      await wasm.load({ factors });
      await js.load({ factors });
      for (let query = 0; query < 4; query++) {
        const userKind = random.nextInt(7);
        const user = userOf(userKind, dims, random);
        const count = [1, 5, 20, 40, rows, rows + 10][random.nextInt(6)];
        const exclude = randomExclusions(rows, random);
        const context = `trial ${trial}: table ${tableKind} ${rows}×${dims}, user ${userKind}, count ${count}, ${exclude?.length ?? 0} excluded`;
        expectBitIdentical(await wasm.topK(user, count, exclude), await js.topK(user, count, exclude), context);
      }
    }
  });

  it('returns exactly the js backend’s top-K at catalog scale, excluding the best items too', async () => {
    const random = new SeededRandom(7);
    for (const dims of [64, 100]) {
      const factors = gaussianFactors(20_001, dims, random);
      await wasm.load({ factors });
      await js.load({ factors });
      for (let query = 0; query < 4; query++) {
        const user = userOf(query % 2 === 0 ? 0 : 5, dims, random);
        const best = await js.topK(user, 30);
        // Half the exclusions are among the true best, so the answer has to come from deeper.
        const exclude = Int32Array.from([...Array.from(best.indices.slice(0, 25)), ...Array.from({ length: 25 }, () => random.nextInt(20_001))]).sort();
        for (const count of [20, 40])
          expectBitIdentical(await wasm.topK(user, count, exclude), await js.topK(user, count, exclude), `${dims} dims, query ${query}, count ${count}`);
      }
    }
  });

  it('ranks tables it cannot screen (negative and non-finite scales) like the js backend’s exact path', async () => {
    const random = new SeededRandom(11);
    for (const bad of [-0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const base = gaussianFactors(301, 17, random);
      const scales = base.scales.slice();
      for (let row = 0; row < 301; row += 7) scales[row] = bad * (row % 3 === 0 ? 1 : 2);
      const factors = { ...base, scales };
      await wasm.load({ factors });
      await js.load({ factors });
      for (let query = 0; query < 3; query++) {
        const user = userOf(query, 17, random);
        const exclude = randomExclusions(301, random);
        for (const count of [5, 40, 400])
          expectBitIdentical(await wasm.topK(user, count, exclude), await js.topK(user, count, exclude), `scale ${bad}, query ${query}, count ${count}`);
      }
    }
  });

  it('screens row ranges exactly, and the parts of a split merge into the whole table’s answer', async () => {
    const random = new SeededRandom(23);
    for (const [rows, dims] of [
      [1001, 17],
      [4000, 64],
      [257, 3],
      [64, 100],
    ]) {
      const factors = gaussianFactors(rows, dims, random);
      await wasm.load({ factors });
      await js.load({ factors });
      for (let query = 0; query < 6; query++) {
        const user = userOf(query % 7, dims, random);
        const exclude = randomExclusions(rows, random);
        const count = [1, 20, rows][query % 3];
        const start = random.nextInt(rows);
        const end = start + random.nextInt(rows - start + 1);
        const context = `${rows}×${dims}, rows [${start}, ${end}), count ${count}`;
        expectBitIdentical(wasm.topKOfRows(user, count, exclude, start, end), exactRangeTopK(factors, user, count, exclude, start, end), context);
        for (const parts of [2, 3]) {
          const ranges = partitionRows(rows, parts);
          const merged = mergePartResults(
            ranges.map(({ start: from, end: to }) => ({ start: 0, result: wasm.topKOfRows(user, count, exclude, from, to) })),
            count,
          );
          expectBitIdentical(merged, await js.topK(user, count, exclude), `${context}, split in ${parts}`);
        }
      }
    }
  });

  it('scores every row bit for bit like scoreInt8Rows', async () => {
    const random = new SeededRandom(5);
    for (const [rows, dims] of [
      [1, 1],
      [2, 3],
      [7, 17],
      [100, 64],
      [33, 100],
    ]) {
      const factors = adversarialFactors(3, rows, dims, random);
      await wasm.load({ factors });
      const user = userOf(random.nextInt(7), dims, random);
      const expected = new Float32Array(rows);
      scoreInt8Rows(factors, user, expected);
      const actual = new Float32Array(rows);
      await wasm.scoreAll(user, actual);
      expect(bitsOf(actual), `${rows}×${dims}`).toEqual(bitsOf(expected));
    }
  });

  it('keeps the backend contract: checks, not loaded, disposed, a failed load keeps the previous table', async () => {
    const random = new SeededRandom(3);
    const fresh = await createWasmInt8Backend({ flavour });
    const user = userOf(0, 8, random);
    await expect(fresh.topK(user, 5)).rejects.toSatisfy((error) => isOndeckError(error, 'backend-unavailable'));
    const factors = gaussianFactors(50, 8, random);
    await fresh.load({ factors });
    const before = await fresh.topK(user, 5);
    await expect(fresh.load({ factors: { rows: 0, dims: 8, values: new Int8Array(0), scales: new Float32Array(0) } })).rejects.toSatisfy((error) =>
      isOndeckError(error, 'invalid-argument'),
    );
    expectBitIdentical(await fresh.topK(user, 5), before, 'after a refused load');
    await expect(fresh.topK(new Float32Array(7), 5)).rejects.toSatisfy((error) => isOndeckError(error, 'dimension-mismatch'));
    await expect(fresh.topK(user, 5, Int32Array.from([3, 1]))).rejects.toSatisfy((error) => isOndeckError(error, 'invalid-argument'));
    await expect(fresh.scoreAll(user, new Float32Array(49))).rejects.toSatisfy((error) => isOndeckError(error, 'dimension-mismatch'));
    await fresh.dispose();
    await expect(fresh.topK(user, 5)).rejects.toSatisfy((error) => isOndeckError(error, 'backend-unavailable'));
  });
});

describe('createWasmInt8Backend failures', () => {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const name = (text: string): number[] => [text.length, ...Array.from(text, (char) => char.charCodeAt(0))];
  /** A valid module with one import of a one-page memory and nothing else. */
  const moduleImportingMemory = (module: string, field: string): Uint8Array => {
    const entry = [1, ...name(module), ...name(field), 0x02, 0x00, 0x01];
    return Uint8Array.from([...header, 0x02, entry.length, ...entry]);
  };

  it.each(flavours)('rejects corrupt bytes with backend-unavailable (%s)', async (flavour) => {
    const corrupt = Uint8Array.from([...header, 0x01, 0xff, 0xff]);
    await expect(createWasmInt8Backend({ flavour, binary: corrupt })).rejects.toSatisfy(
      (error) => isOndeckError(error, 'backend-unavailable') && error.details.backend === 'wasm-int8' && /does not compile/.test(error.message),
    );
  });

  it('rejects a module that does not instantiate, or is not the kernel, with backend-unavailable', async () => {
    for (const binary of [moduleImportingMemory('other', 'memory'), moduleImportingMemory('env', 'memory')]) {
      await expect(createWasmInt8Backend({ flavour: 'mvp', binary })).rejects.toSatisfy(
        (error) => isOndeckError(error, 'backend-unavailable') && /does not instantiate/.test(error.message),
      );
    }
  });
});
