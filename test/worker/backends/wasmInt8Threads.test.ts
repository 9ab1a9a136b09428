import { afterAll, describe, expect, it } from 'vitest';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmInt8Backend } from '../../../models/scoring/createWasmInt8Backend';
import { partitionRows } from '../../../models/scoring/parallel/partitionRows';
import type { ScoringBackend } from '../../../models/scoring/ScoringBackend';
import type { Int8KernelFlavour } from '../../../models/scoring/wasm/Int8KernelFlavour';
import { randomFactors, randomUser } from '../../support/scoringFixtures';
import { InProcessHelpers, waitUntil } from '../../support/inProcessHelper';

// The wasm-int8 backend on the helper split (helpers in-process, served by serveScreeningHelper
// as a browser helper worker is): each helper instantiates the engine's build over its range,
// and the merged answer is the js kernel's, bit for bit.
const helpers = new InProcessHelpers();
afterAll(() => helpers.closeAll());
const factors = randomFactors(1_003, 16, 7);

async function ready(backend: ScoringBackend, threads: number): Promise<void> {
  backend.prepare?.();
  await waitUntil(() => backend.threads === threads, `${threads} threads ready`);
}

describe.each<Int8KernelFlavour>(['mvp', 'simd'])('wasm-int8 (%s) on the helper split', (flavour) => {
  it('answers exactly as the js kernel on 1 thread, over 2 and 3 threads, exclusions across range boundaries included', async () => {
    const js = createJsInt8Backend();
    await js.load({ factors });
    for (const threads of [2, 3]) {
      const backend = await createWasmInt8Backend({ flavour, threads, spawnHelper: helpers.spawn, minRowsPerThread: 1 });
      await backend.load({ factors });
      await ready(backend, threads);
      const boundaries = partitionRows(factors.rows, threads).flatMap(({ start, end }) => [start, end - 1]);
      for (const seed of [1, 2, 3]) {
        const user = randomUser(factors.dims, seed);
        const top = await js.topK(user, 5);
        const exclude = Int32Array.from(new Set([...boundaries, ...top.indices])).sort();
        for (const count of [1, 20, factors.rows + 5]) {
          for (const excluded of [undefined, exclude]) {
            const expected = await js.topK(user, count, excluded);
            const actual = await backend.topK(user, count, excluded);
            expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
            expect(Array.from(actual.scores)).toEqual(Array.from(expected.scores));
          }
        }
      }
      expect(backend.threads).toBe(threads);
      await backend.dispose();
    }
    await js.dispose();
  });

  it('sends each helper the build it runs, read from the kernel’s own copy of the table', async () => {
    const spawned = new InProcessHelpers();
    const backend = await createWasmInt8Backend({ flavour, threads: 2, spawnHelper: spawned.spawn, minRowsPerThread: 1 });
    // A copy the test then wipes: the helper's part must come from the kernel, not from this array.
    const table = { ...factors, values: factors.values.slice(), scales: factors.scales.slice() };
    await backend.load({ factors: table });
    table.values.fill(0);
    await ready(backend, 2);
    const user = randomUser(factors.dims, 9);
    const js = createJsInt8Backend();
    await js.load({ factors });
    expect(Array.from((await backend.topK(user, 30)).indices)).toEqual(Array.from((await js.topK(user, 30)).indices));
    await backend.dispose();
    spawned.closeAll();
  });
});

describe('wasm-int8 helper failures', () => {
  it('screens the whole table itself when its helper cannot load the part', async () => {
    const failing = new InProcessHelpers(() => ({ failLoads: true }));
    const backend = await createWasmInt8Backend({ flavour: 'mvp', threads: 2, spawnHelper: failing.spawn, minRowsPerThread: 1 });
    await backend.load({ factors });
    backend.prepare?.();
    const js = createJsInt8Backend();
    await js.load({ factors });
    const user = randomUser(factors.dims, 4);
    for (let query = 0; query < 5; query++) {
      expect(Array.from((await backend.topK(user, 20)).indices)).toEqual(Array.from((await js.topK(user, 20)).indices));
      await new Promise((done) => setTimeout(done, 5));
    }
    expect(backend.threads).toBe(1);
    await backend.dispose();
    failing.closeAll();
  });
});
