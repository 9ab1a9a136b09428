import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QuantizedFactors } from '../../../../models/quantize';
import { createJsInt8Backend } from '../../../../models/scoring/createJsInt8Backend';
import { HELPER_QUERY_TIMEOUT_MS } from '../../../../models/scoring/parallel/ScreeningHelper';
import { partitionRows } from '../../../../models/scoring/parallel/partitionRows';
import type { ScoringBackend, TopKResult } from '../../../../models/scoring/ScoringBackend';
import { randomFactors, randomUser } from '../../../support/scoringFixtures';
import { type HelperFaults, InProcessHelpers, waitUntil } from '../../../support/inProcessHelper';

const factors = randomFactors(1003, 16, 51);
const otherFactors = randomFactors(1003, 16, 52);
const user = randomUser(16, 53);
// Exclusions on both sides of every boundary of 3 ranges.
const exclude = Int32Array.from(partitionRows(1003, 3).flatMap(({ start, end }) => [start, end - 1])).sort();

async function singleThreadAnswer(table: QuantizedFactors, count: number, excluded?: Int32Array): Promise<TopKResult> {
  const reference = createJsInt8Backend();
  await reference.load({ factors: table });
  const answer = await reference.topK(user, count, excluded);
  await reference.dispose();
  return answer;
}

/** Top-20 and top-everything, with exclusions, must be bit for bit the single-threaded ones. */
async function expectExact(backend: ScoringBackend, table: QuantizedFactors, where: string): Promise<void> {
  for (const count of [20, table.rows + 5]) {
    const expected = await singleThreadAnswer(table, count, exclude);
    const actual = await backend.topK(user, count, exclude);
    expect(Array.from(actual.indices), `${where}, count ${count}`).toEqual(Array.from(expected.indices));
    expect(Array.from(actual.scores), `${where}, count ${count}`).toEqual(Array.from(expected.scores));
  }
}

/** A backend on `threads` threads whose helper number `faultyIndex` (0-based) misbehaves as `faults` say. */
function setUp(faultyIndex: number, faults: HelperFaults, threads = 3) {
  const helpers = new InProcessHelpers((index) => (index === faultyIndex ? faults : {}));
  const backend = createJsInt8Backend({ threads, spawnHelper: helpers.spawn, minRowsPerThread: 1 });
  return { helpers, backend };
}

/** A few turns of the event loop, for messages that must NOT change anything. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('js backend with a failing screening helper', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  function track(setup: ReturnType<typeof setUp>) {
    cleanups.push(
      () => setup.backend.dispose(),
      () => setup.helpers.closeAll(),
    );
    return setup;
  }

  it('gives up a helper whose postMessage throws, and screens the whole table here', async () => {
    const { helpers, backend } = track(setUp(0, { throwOnPost: true }));
    await backend.load({ factors });
    await expectExact(backend, factors, 'cold');
    await waitUntil(() => helpers.ports[1]?.received.includes('loaded') === true, 'the healthy helper loaded');
    expect(helpers.ports[0].terminations).toBe(1);
    expect(helpers.ports[1].terminations).toBe(0);
    // All or none: without the first helper, the healthy one is not asked either.
    const healthyResults = helpers.ports[1].results;
    await expectExact(backend, factors, 'one helper given up');
    expect(helpers.ports[1].results - healthyResults).toBe(0);
    expect(backend.threads).toBe(1);
  });

  it('gives up a helper that cannot load its table, and does not start another for the next table', async () => {
    const { helpers, backend } = track(setUp(1, { failLoads: true }));
    await backend.load({ factors });
    await expectExact(backend, factors, 'cold');
    await waitUntil(() => helpers.ports[1]?.terminations === 1, 'the failing helper given up');
    await waitUntil(() => helpers.ports[0]?.received.includes('loaded') === true, 'the healthy helper loaded');
    await expectExact(backend, factors, 'one helper given up');
    expect(backend.threads).toBe(1);
    await backend.load({ factors: otherFactors });
    await expectExact(backend, otherFactors, 'next table, cold');
    await waitUntil(() => helpers.ports[0].received.filter((type) => type === 'loaded').length === 2, 'the healthy helper loaded the next table');
    await settle();
    expect(backend.threads).toBe(1);
    expect(helpers.spawnCalls).toBe(2);
    await expectExact(backend, otherFactors, 'next table, one helper given up');
  });

  it('screens a range here when its helper answers a query with failed (the helper stays)', async () => {
    const { helpers, backend } = track(setUp(0, { failQueries: true }));
    await backend.load({ factors });
    backend.prepare!();
    await waitUntil(() => backend.threads === 3, 'both helpers ready');
    await expectExact(backend, factors, 'one helper failing queries');
    expect(helpers.ports[0].received.filter((type) => type === 'failed')).toHaveLength(2);
    // One failed answer concerns one query (a helper may be a table behind): it is kept.
    expect(backend.threads).toBe(3);
    expect(helpers.ports[0].terminations).toBe(0);
  });

  it('gives up a helper that stops answering, after the timeout, with the exact answer all the same', async () => {
    const { helpers, backend } = track(setUp(0, { dropQueries: true }, 2));
    await backend.load({ factors });
    backend.prepare!();
    await waitUntil(() => backend.threads === 2, 'the helper ready');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const expected = await singleThreadAnswer(factors, 20, exclude);
    let settled = false;
    const answer = backend.topK(user, 20, exclude).finally(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    expect(helpers.ports[0].posted).toContain('topK');
    await vi.advanceTimersByTimeAsync(HELPER_QUERY_TIMEOUT_MS);
    const result = await answer;
    expect(Array.from(result.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(result.scores)).toEqual(Array.from(expected.scores));
    expect(helpers.ports[0].terminations).toBe(1);
    expect(backend.threads).toBe(1);
    vi.useRealTimers();
    await expectExact(backend, factors, 'after the helper was given up');
  });

  it("gives up a helper on its worker's error event", async () => {
    const { helpers, backend } = track(setUp(-1, {}));
    await backend.load({ factors });
    backend.prepare!();
    await waitUntil(() => backend.threads === 3, 'both helpers ready');
    helpers.ports[1].onerror?.({ message: 'Uncaught RangeError: out of memory' });
    expect(backend.threads).toBe(1);
    expect(helpers.ports[1].terminations).toBe(1);
    await expectExact(backend, factors, 'after the error event');
  });

  it('screens everything here when spawnHelper throws, for the first helper or the second', async () => {
    const first = track(setUp(0, { spawnThrows: true }, 2));
    await first.backend.load({ factors });
    first.backend.prepare!();
    await waitUntil(() => first.helpers.spawnCalls === 1, 'the spawn attempt');
    await settle();
    expect(first.backend.threads).toBe(1);
    await expectExact(first.backend, factors, 'no helper at all');

    const second = track(setUp(1, { spawnThrows: true }, 3));
    await second.backend.load({ factors });
    await expectExact(second.backend, factors, 'cold');
    await waitUntil(() => second.helpers.ports[0]?.received.includes('loaded') === true, 'the one helper that started');
    expect(second.backend.threads).toBe(1);
    await expectExact(second.backend, factors, 'one of two helpers missing');
    expect(second.helpers.spawnCalls).toBe(2);
  });
});
