import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../models/random';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { PopularityPrior } from '../../../models/scoring/PopularityPrior';
import type { ScoringBackend, TopKResult } from '../../../models/scoring/ScoringBackend';
import { scoreInt8Rows } from '../../../models/scoring/scoreInt8Rows';
import { selectTopK } from '../../../models/scoring/selectTopK';
import { topKWithPrior } from '../../../models/scoring/topKWithPrior';
import type { QuantizedFactors } from '../../../models/quantize';
import { createWasmBackend } from '../../../worker/backends/createWasmBackend';
import { randomFactors, randomUser } from '../../support/scoringFixtures';

/** The brute-force answer: every row scored by the js kernel, the prior added in float32, ranked. */
function bruteForce(
  factors: QuantizedFactors,
  user: Float32Array,
  prior: PopularityPrior,
  weight: number,
  count: number,
  exclude: Int32Array,
  allowed?: (item: number) => boolean,
): TopKResult {
  const scores = new Float32Array(factors.rows);
  scoreInt8Rows(factors, user, scores);
  prior.addTo(scores, weight);
  const rejected = Int32Array.from(Array.from({ length: factors.rows }, (_, i) => i).filter((i) => allowed && !allowed(i)));
  return selectTopK(scores, count, Int32Array.from([...exclude, ...rejected]).sort());
}

/** A long-tailed popularity: a few titles hold most viewers, as in any catalog. */
function longTail(rows: number, random: SeededRandom): Int32Array {
  return Int32Array.from({ length: rows }, () => Math.floor(1000 * random.next() ** 6));
}

/** A backend that ranks like the js kernel but reports scores off by up to 2e-6 relative, as ORT may. */
function jitteredBackend(inner: ScoringBackend, seed: number): ScoringBackend {
  const random = new SeededRandom(seed);
  return {
    ...inner,
    async topK(userVector, count, exclude) {
      const result = await inner.topK(userVector, count, exclude);
      return { indices: result.indices, scores: result.scores.map((s) => s * (1 + (random.next() - 0.5) * 4e-6)) };
    },
  };
}

describe('topKWithPrior', () => {
  it('returns exactly the brute-force top-K of fold-in score + weight × prior, with exclusions and filters', async () => {
    const random = new SeededRandom(7);
    for (let trial = 0; trial < 40; trial++) {
      const rows = [5, 60, 400, 2001][trial % 4];
      const factors = randomFactors(rows, 16, 100 + trial);
      const backend = createJsInt8Backend();
      await backend.load({ factors });
      const prior = new PopularityPrior(longTail(rows, random), { weight: 1, historyScale: 1 });
      const user = randomUser(16, 200 + trial);
      // From "the prior barely matters" to "the prior decides": the walk must stay exact at both ends.
      const weight = [0.001, 0.05, 0.5, 5, 50][trial % 5];
      const exclude = Int32Array.from(new Set(Array.from({ length: trial % 7 }, () => random.nextInt(rows)))).sort();
      const allowed = trial % 3 === 0 ? (item: number) => item % 3 !== 1 : undefined;
      const count = [1, 10, 25][trial % 3];
      const result = await topKWithPrior({ backend, factors, userVector: user, prior, priorWeight: weight }, count, exclude, allowed);
      const expected = bruteForce(factors, user, prior, weight, count, exclude, allowed);
      expect(Array.from(result.indices), `trial ${trial}`).toEqual(Array.from(expected.indices));
      expect(Array.from(result.scores), `trial ${trial}`).toEqual(Array.from(expected.scores));
    }
  });

  it('brings popular titles the fold-in scores low into the top when the prior weighs enough', async () => {
    const factors = randomFactors(300, 8, 1);
    const backend = createJsInt8Backend();
    await backend.load({ factors });
    const user = randomUser(8, 2);
    const plain = await backend.topK(user, 10);
    // The most popular title is the fold-in's worst one.
    const scores = new Float32Array(300);
    scoreInt8Rows(factors, user, scores);
    const worst = scores.indexOf(Math.min(...scores));
    const popularity = new Int32Array(300).fill(1);
    popularity[worst] = 1000;
    const prior = new PopularityPrior(popularity, { weight: 1, historyScale: 1 });
    expect(Array.from(plain.indices)).not.toContain(worst);
    const spread = Math.max(...scores) - Math.min(...scores);
    const result = await topKWithPrior({ backend, factors, userVector: user, prior, priorWeight: 2 * spread }, 10);
    expect(result.indices[0]).toBe(worst);
  });

  it('gives the same items and scores when the backend reports slightly different scores (ORT against js)', async () => {
    const random = new SeededRandom(11);
    const factors = randomFactors(3000, 32, 5);
    const js = createJsInt8Backend();
    await js.load({ factors });
    const prior = new PopularityPrior(longTail(3000, random), { weight: 1, historyScale: 1 });
    for (let trial = 0; trial < 20; trial++) {
      const user = randomUser(32, 300 + trial);
      const query = { factors, userVector: user, prior, priorWeight: [0.01, 0.3, 3][trial % 3] };
      const fromJs = await topKWithPrior({ ...query, backend: js }, 20);
      const fromJittered = await topKWithPrior({ ...query, backend: jitteredBackend(js, trial) }, 20);
      expect(Array.from(fromJittered.indices)).toEqual(Array.from(fromJs.indices));
      expect(Array.from(fromJittered.scores)).toEqual(Array.from(fromJs.scores));
    }
  });

  it('ranks identically on the js kernel and on onnxruntime (wasm)', async () => {
    const random = new SeededRandom(3);
    const factors = randomFactors(2500, 16, 9);
    const js = createJsInt8Backend();
    const wasm = createWasmBackend();
    await Promise.all([js.load({ factors }), wasm.load({ factors })]);
    try {
      const prior = new PopularityPrior(longTail(2500, random), { weight: 1, historyScale: 1 });
      for (let trial = 0; trial < 12; trial++) {
        const user = randomUser(16, 400 + trial);
        const exclude = Int32Array.from([3, 17, 400]);
        const query = { factors, userVector: user, prior, priorWeight: [0.02, 0.4, 4][trial % 3] };
        const fromJs = await topKWithPrior({ ...query, backend: js }, 15, exclude);
        const fromWasm = await topKWithPrior({ ...query, backend: wasm }, 15, exclude);
        expect(Array.from(fromWasm.indices)).toEqual(Array.from(fromJs.indices));
        expect(Array.from(fromWasm.scores)).toEqual(Array.from(fromJs.scores));
      }
    } finally {
      await wasm.dispose();
    }
  });
});

describe('PopularityPrior', () => {
  it('scales popularity to [0, 1], halves its weight at historyScale titles, and orders by prior', () => {
    const prior = new PopularityPrior(Int32Array.from([5, 20, 0, 20, 10]), { weight: 0.4, historyScale: 3 });
    expect(Array.from(prior.values)).toEqual([0.25, 1, 0, 1, 0.5]);
    expect(prior.weightFor(0)).toBe(0.4);
    expect(prior.weightFor(3)).toBeCloseTo(0.2, 12);
    expect(prior.weightFor(9)).toBeCloseTo(0.1, 12);
    expect(Array.from(prior.order())).toEqual([1, 3, 4, 0, 2]);
  });

  it.each([
    { weight: -1, historyScale: 1 },
    { weight: Number.NaN, historyScale: 1 },
    { weight: 1, historyScale: 0 },
    { weight: 1, historyScale: Number.POSITIVE_INFINITY },
  ])('refuses %o', (parameters) => {
    expect(() => new PopularityPrior([1, 2], parameters)).toThrow(/popularityPrior/);
  });
});
