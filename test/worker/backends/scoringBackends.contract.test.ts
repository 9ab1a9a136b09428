import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { quantizeRows } from '../../../models/quantize';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmBackend } from '../../../worker/backends/createWasmBackend';
import type { BackendName, ScoringBackend } from '../../../models/scoring/ScoringBackend';
import { InProcessHelpers, waitUntil } from '../../support/inProcessHelper';
import { expectSameRanking, plantedGroups, randomFactors, randomUser, referenceScores, referenceTopK, scoreTolerance } from '../../support/scoringFixtures';

// The threaded js backend's helpers run in-process (no Worker in Node); every channel is closed
// after the suite. minRowsPerThread 1 splits even these small tables.
const screeningHelpers = new InProcessHelpers();
afterAll(() => screeningHelpers.closeAll());

/**
 * Label, expected `name`, factory, and what makes a loaded backend run at full speed (the
 * threaded js backend: its helper ready), for the tests that run both before and after.
 */
const backendFactories: Array<[string, BackendName, () => ScoringBackend, ((backend: ScoringBackend) => Promise<void>)?]> = [
  ['js', 'js', () => createJsInt8Backend()],
  ['wasm', 'wasm', () => createWasmBackend()],
  [
    'js on 2 threads',
    'js',
    () => createJsInt8Backend({ threads: 2, spawnHelper: screeningHelpers.spawn, minRowsPerThread: 1 }),
    async (backend) => {
      backend.prepare?.();
      await waitUntil(() => backend.threads === 2, 'the screening helper ready');
    },
  ],
];

async function expectOndeckError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOndeckError(error), `expected OndeckError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

describe.each(backendFactories)('ScoringBackend contract: %s', (_label, name, createBackend, warmUp) => {
  const planted = plantedGroups();
  // A user along group B (pattern b, doubled): B items score 2 × norm, every other item exactly 0.
  const userAlongB = Float32Array.from(planted.patterns[1], (x) => x);
  const bItemsByNorm = Array.from({ length: planted.factors.rows }, (_, i) => i)
    .filter((i) => planted.groupOf(i) === 1)
    .sort((a, b) => planted.norms[b] - planted.norms[a]);
  let backend: ScoringBackend;

  beforeAll(async () => {
    backend = createBackend();
    await backend.load({ factors: planted.factors });
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('reports its name', () => {
    expect(backend.name).toBe(name);
  });

  it('ranks the planted group along the user vector first, in the order of their norms', async () => {
    const result = await backend.topK(userAlongB, bItemsByNorm.length);
    expect(Array.from(result.indices)).toEqual(bItemsByNorm);
    // ‖b‖ = 2, each B item is norm × b/‖b‖, so its score is 2 × norm (up to int8 rounding of the scale).
    for (let i = 0; i < bItemsByNorm.length; i++) {
      expect(result.scores[i]).toBeCloseTo(2 * planted.norms[bItemsByNorm[i]], 4);
    }
  });

  it('breaks exact ties by the lower item index', async () => {
    // After the 7 B items every other item scores exactly 0: the next ones must be 0, 2, 3 (lowest
    // indices outside group B).
    const result = await backend.topK(userAlongB, bItemsByNorm.length + 3);
    expect(Array.from(result.indices.slice(bItemsByNorm.length))).toEqual([0, 2, 3]);
    expect(Array.from(result.scores.slice(bItemsByNorm.length))).toEqual([0, 0, 0]);
  });

  it('skips excluded items (duplicates allowed) and still returns count results', async () => {
    const exclude = Int32Array.from([bItemsByNorm[0], bItemsByNorm[2], bItemsByNorm[2], 0].sort((a, b) => a - b));
    const result = await backend.topK(userAlongB, 7, exclude);
    const expected = [...bItemsByNorm.filter((i) => i !== bItemsByNorm[0] && i !== bItemsByNorm[2]), 2, 3];
    expect(Array.from(result.indices)).toEqual(expected);
  });

  it('returns every remaining item when count exceeds the catalog', async () => {
    const exclude = Int32Array.from([5, 6]);
    const result = await backend.topK(userAlongB, 1000, exclude);
    const expected = referenceTopK(referenceScores(planted.factors, userAlongB), 1000, exclude);
    expect(result.indices.length).toBe(planted.factors.rows - 2);
    expect(Array.from(result.indices)).toEqual(expected);
  });

  it('returns empty results for count 0 and rejects bad counts', async () => {
    const empty = await backend.topK(userAlongB, 0);
    expect(empty.indices.length).toBe(0);
    expect(empty.scores.length).toBe(0);
    await expectOndeckError(backend.topK(userAlongB, -1), 'invalid-argument');
    await expectOndeckError(backend.topK(userAlongB, 2.5), 'invalid-argument');
  });

  it('rejects malformed queries with typed errors', async () => {
    await expectOndeckError(backend.topK(new Float32Array(9), 3), 'dimension-mismatch');
    const withNaN = userAlongB.slice();
    withNaN[4] = Number.NaN;
    await expectOndeckError(backend.topK(withNaN, 3), 'invalid-argument');
    await expectOndeckError(backend.topK(userAlongB, 3, Int32Array.from([4, 2])), 'invalid-argument');
    await expectOndeckError(backend.topK(userAlongB, 3, Int32Array.from([21])), 'invalid-argument');
    await expectOndeckError(backend.scoreAll(userAlongB, new Float32Array(20)), 'dimension-mismatch');
  });

  it('scores every item like the float64 reference', async () => {
    const user = randomUser(planted.factors.dims, 11);
    const out = new Float32Array(planted.factors.rows);
    await backend.scoreAll(user, out);
    const reference = referenceScores(planted.factors, user);
    const scale = Math.max(...Array.from(reference, Math.abs));
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - reference[i])).toBeLessThanOrEqual(scoreTolerance * scale);
  });

  it('matches the reference top-20 on random factors, with and without exclusions', async () => {
    const factors = randomFactors(5000, 32, 7);
    const other = createBackend();
    try {
      await other.load({ factors });
      for (let seed = 100; seed < 104; seed++) {
        // Threaded: the first seeds run before the helper is ready, the last ones after.
        if (seed === 102 && warmUp) await warmUp(other);
        const user = randomUser(32, seed);
        const reference = referenceScores(factors, user);
        const exclude = Int32Array.from(referenceTopK(reference, 5)).sort();
        for (const excluded of [undefined, exclude]) {
          const expectedIndices = referenceTopK(reference, 20, excluded ?? []);
          const expected = {
            indices: Int32Array.from(expectedIndices),
            scores: Float32Array.from(expectedIndices, (i) => reference[i]),
          };
          expectSameRanking(await other.topK(user, 20, excluded), expected);
        }
      }
    } finally {
      await other.dispose();
    }
  });

  it('replaces the table on reload, including a change of dims', async () => {
    const other = createBackend();
    try {
      await other.load({ factors: planted.factors });
      // Second table: 4 items × 3 dims, hand-checkable. user (1, 0, 0) scores = first column.
      const second = quantizeRows(Float32Array.from([1, 0, 0, 3, 1, 0, -2, 0, 1, 2, 2, 2]), 4, 3);
      await other.load({ factors: second });
      const result = await other.topK(Float32Array.from([1, 0, 0]), 4);
      expect(Array.from(result.indices)).toEqual([1, 3, 0, 2]);
      expect(Array.from(result.scores, (s) => Number(s.toFixed(4)))).toEqual([3, 2, 1, -2]);
      await expectOndeckError(other.topK(userAlongB, 3), 'dimension-mismatch');
    } finally {
      await other.dispose();
    }
  });

  it('keeps serving the previous table when a load is refused', async () => {
    const other = createBackend();
    try {
      await other.load({ factors: planted.factors });
      const broken = { ...planted.factors, scales: new Float32Array(3) };
      await expectOndeckError(other.load({ factors: broken }), 'dimension-mismatch');
      const result = await other.topK(userAlongB, 1);
      expect(result.indices[0]).toBe(bItemsByNorm[0]);
    } finally {
      await other.dispose();
    }
  });

  it('refuses queries before load and after dispose, and can be loaded again', async () => {
    const other = createBackend();
    await expectOndeckError(other.topK(userAlongB, 3), 'backend-unavailable');
    await other.load({ factors: planted.factors });
    await other.dispose();
    await expectOndeckError(other.topK(userAlongB, 3), 'backend-unavailable');
    await expectOndeckError(other.scoreAll(userAlongB, new Float32Array(21)), 'backend-unavailable');
    await other.load({ factors: planted.factors });
    expect((await other.topK(userAlongB, 1)).indices[0]).toBe(bItemsByNorm[0]);
    await other.dispose();
  });
});

describe('js and wasm backends agree', () => {
  const js = createJsInt8Backend();
  const wasm = createWasmBackend();
  const factors = randomFactors(5000, 32, 21);

  beforeAll(async () => {
    await Promise.all([js.load({ factors }), wasm.load({ factors })]);
  });
  afterAll(async () => {
    await Promise.all([js.dispose(), wasm.dispose()]);
  });

  it('gives identical top-20 up to ties for many users, with exclusions', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const user = randomUser(32, 1000 + seed);
      const exclude = Int32Array.from({ length: 50 }, (_, i) => i * 97 + seed);
      expectSameRanking(await wasm.topK(user, 20), await js.topK(user, 20));
      expectSameRanking(await wasm.topK(user, 20, exclude), await js.topK(user, 20, exclude));
    }
  });

  it('gives the same scores for every item', async () => {
    const user = randomUser(32, 5);
    const fromJs = new Float32Array(factors.rows);
    const fromWasm = new Float32Array(factors.rows);
    await js.scoreAll(user, fromJs);
    await wasm.scoreAll(user, fromWasm);
    const scale = Math.max(...Array.from(fromJs, Math.abs));
    let worst = 0;
    for (let i = 0; i < fromJs.length; i++) worst = Math.max(worst, Math.abs(fromJs[i] - fromWasm[i]));
    expect(worst).toBeLessThanOrEqual(scoreTolerance * scale);
  });
});
