import { afterAll, describe, expect, it } from 'vitest';
import { quantizeRows, type QuantizedFactors } from '../../../../models/quantize';
import { SeededRandom } from '../../../../models/random';
import { createJsInt8Backend, MIN_ROWS_PER_THREAD, screeningThreadsFor } from '../../../../models/scoring/createJsInt8Backend';
import { partitionRows } from '../../../../models/scoring/parallel/partitionRows';
import type { ScoringBackend, TopKResult } from '../../../../models/scoring/ScoringBackend';
import { randomFactors, randomUser } from '../../../support/scoringFixtures';
import { InProcessHelpers, waitUntil } from '../../../support/inProcessHelper';

/** One query: a user vector, a count, ascending exclusions. */
interface Query {
  readonly user: Float32Array;
  readonly count: number;
  readonly exclude?: Int32Array;
}

/**
 * Queries over `factors` that stress the split: counts 1, 20 and more than the rows; exclusions
 * on every range boundary of 2 and 3 threads (start, end − 1, with a duplicate), around the top
 * answers, and over a whole range; a zero vector, which ties every row at 0.
 */
function queriesFor(factors: QuantizedFactors, topRows: readonly number[]): Query[] {
  const { rows, dims } = factors;
  const boundaries = [...partitionRows(rows, 2), ...partitionRows(rows, 3)].flatMap(({ start, end }) => [start, start, end - 1]);
  const boundaryExclusions = Int32Array.from(new Set([...boundaries, ...topRows.slice(0, 5)].concat(boundaries.slice(0, 3)))).sort();
  const [, secondHalf] = partitionRows(rows, 2);
  const exclusionSets = [undefined, boundaryExclusions, Int32Array.from({ length: secondHalf.end - secondHalf.start }, (_, i) => secondHalf.start + i)];
  const users = [randomUser(dims, 101), randomUser(dims, 102), new Float32Array(dims)];
  const queries: Query[] = [];
  for (const user of users) {
    for (const exclude of exclusionSets) for (const count of [1, 20, rows + 5]) queries.push({ user, count, exclude });
  }
  return queries;
}

function expectIdentical(actual: TopKResult, expected: TopKResult, where: string): void {
  expect(actual.indices, where).toBeInstanceOf(Int32Array);
  expect(actual.scores, where).toBeInstanceOf(Float32Array);
  expect(Array.from(actual.indices), where).toEqual(Array.from(expected.indices));
  // Bit for bit: the same float32 scores, not scores within a tolerance.
  expect(Array.from(actual.scores), where).toEqual(Array.from(expected.scores));
}

async function singleThreadAnswers(factors: QuantizedFactors, queries: readonly Query[]): Promise<TopKResult[]> {
  const reference = createJsInt8Backend();
  await reference.load({ factors });
  const answers: TopKResult[] = [];
  for (const { user, count, exclude } of queries) answers.push(await reference.topK(user, count, exclude));
  await reference.dispose();
  return answers;
}

async function topRowsOf(factors: QuantizedFactors): Promise<number[]> {
  const [answer] = await singleThreadAnswers(factors, [{ user: randomUser(factors.dims, 101), count: 5 }]);
  return Array.from(answer.indices);
}

async function expectAnswers(backend: ScoringBackend, queries: readonly Query[], expected: readonly TopKResult[], label: string): Promise<void> {
  for (let q = 0; q < queries.length; q++) {
    const { user, count, exclude } = queries[q];
    expectIdentical(await backend.topK(user, count, exclude), expected[q], `${label}, query ${q} (count ${count}, ${exclude?.length ?? 0} excluded)`);
  }
}

/** A `js` backend on `threads` threads with in-process helpers, splitting even small tables. */
export function threadedBackend(threads: number, helpers: InProcessHelpers): ScoringBackend {
  return createJsInt8Backend({ threads, spawnHelper: helpers.spawn, minRowsPerThread: 1 });
}

/** 1003 × 16 where row i repeats row i mod 250: every score ties with rows in the other ranges. */
function periodicTable(): QuantizedFactors {
  const random = new SeededRandom(5);
  const pattern = Float32Array.from({ length: 250 * 16 }, () => random.nextGaussian());
  const raw = Float32Array.from({ length: 1003 * 16 }, (_, i) => pattern[i % pattern.length]);
  return quantizeRows(raw, 1003, 16);
}

const tables: Array<[string, () => QuantizedFactors]> = [
  ['random 1003 × 16', () => randomFactors(1003, 16, 31)],
  ['random 5000 × 64', () => randomFactors(5000, 64, 32)],
  ['1003 × 16 with ties across ranges', periodicTable],
];

describe('screeningThreadsFor', () => {
  it('holds its TSDoc examples: no more threads than give each MIN_ROWS_PER_THREAD rows', () => {
    expect(MIN_ROWS_PER_THREAD).toBe(25_000);
    expect(screeningThreadsFor(2, 100_000)).toBe(2);
    expect(screeningThreadsFor(2, 40_000)).toBe(1);
    expect(screeningThreadsFor(3, 2 * 25_000)).toBe(2);
    expect(screeningThreadsFor(3, 3 * 25_000)).toBe(3);
    expect(screeningThreadsFor(1, 1_000_000)).toBe(1);
    expect(screeningThreadsFor(3, 1003, 1)).toBe(3);
    expect(screeningThreadsFor(2, 5, 0)).toBe(2);
  });

  it('keeps a small table on one thread by default, and splits one with enough rows', async () => {
    const helpers = new InProcessHelpers();
    try {
      const small = createJsInt8Backend({ threads: 2, spawnHelper: helpers.spawn });
      await small.load({ factors: randomFactors(24_999 * 2, 4, 41) });
      const user = randomUser(4, 1);
      await small.topK(user, 5);
      // Give a helper every chance to start: a few turns of the event loop.
      for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      expect(helpers.spawnCalls).toBe(0);
      expect(small.threads).toBe(1);
      await small.dispose();

      const large = createJsInt8Backend({ threads: 2, spawnHelper: helpers.spawn });
      const factors = randomFactors(25_000 * 2, 4, 42);
      await large.load({ factors });
      const [expected] = await singleThreadAnswers(factors, [{ user, count: 20 }]);
      await large.topK(user, 5);
      await waitUntil(() => large.threads === 2, 'a helper for the second half of 50000 rows');
      expectIdentical(await large.topK(user, 20), expected, '50000 rows on 2 threads');
      expect(helpers.ports[0].results).toBe(1);
      await large.dispose();
    } finally {
      helpers.closeAll();
    }
  });
});

describe.each([2, 3])('js backend on %i threads', (threads) => {
  const helpers = new InProcessHelpers();
  afterAll(() => helpers.closeAll());

  it.each(tables)('returns exactly what one thread returns, before and after the helpers are ready: %s', async (label, makeTable) => {
    const factors = makeTable();
    const queries = queriesFor(factors, await topRowsOf(factors));
    const expected = await singleThreadAnswers(factors, queries);
    const spawnedBefore = helpers.ports.length;
    const backend = threadedBackend(threads, helpers);
    try {
      await backend.load({ factors });
      expect(backend.threads).toBe(1);
      // Every query started in this same turn: the helpers (started after the first one) cannot
      // have answered their load yet, so each range is screened here, split and merged all the same.
      const cold = queries.map(({ user, count, exclude }) => backend.topK(user, count, exclude));
      expect(backend.threads).toBe(1);
      const coldAnswers = await Promise.all(cold);
      coldAnswers.forEach((answer, q) => expectIdentical(answer, expected[q], `${label}, cold query ${q}`));

      await waitUntil(() => backend.threads === threads, `${threads - 1} helpers ready (threads ${backend.threads})`);
      const ours = helpers.ports.slice(spawnedBefore);
      expect(ours).toHaveLength(threads - 1);
      // None was asked anything before it was ready.
      expect(ours.map((port) => port.posted)).toEqual(ours.map(() => ['load']));
      const resultsBefore = ours.map((port) => port.results);
      await expectAnswers(backend, queries, expected, `${label}, warm`);
      // Each helper answered every warm query itself.
      ours.forEach((port, i) => expect(port.results - resultsBefore[i]).toBe(queries.length));
      expect(backend.threads).toBe(threads);
    } finally {
      await backend.dispose();
    }
  });

  it('reports 1 thread until prepare() starts the helpers, then one more per helper ready', async () => {
    const factors = randomFactors(1003, 16, 33);
    const backend = threadedBackend(threads, helpers);
    try {
      expect(backend.threads).toBe(1);
      await backend.load({ factors });
      expect(backend.threads).toBe(1);
      backend.prepare!();
      expect(backend.threads).toBe(1);
      await waitUntil(() => backend.threads === threads, `threads = ${threads}`);
    } finally {
      await backend.dispose();
    }
  });

  it('answers on the new table right after a reload, while the helpers still hold the old one', async () => {
    const first = randomFactors(1003, 16, 34);
    const second = randomFactors(777, 32, 35);
    const third = randomFactors(21, 10, 36); // dims not a multiple of 4: never split
    const firstQueries = queriesFor(first, await topRowsOf(first));
    const secondQueries = queriesFor(second, await topRowsOf(second));
    const thirdQueries = queriesFor(third, []);
    const [firstExpected, secondExpected, thirdExpected] = await Promise.all([
      singleThreadAnswers(first, firstQueries),
      singleThreadAnswers(second, secondQueries),
      singleThreadAnswers(third, thirdQueries),
    ]);
    const spawnedBefore = helpers.spawnCalls;
    const backend = threadedBackend(threads, helpers);
    try {
      await backend.load({ factors: first });
      backend.prepare!();
      await waitUntil(() => backend.threads === threads, 'helpers ready for the first table');
      // A query in flight on the first table (its helpers already asked) when the second arrives.
      const inFlight = backend.topK(firstQueries[1].user, firstQueries[1].count, firstQueries[1].exclude);
      await backend.load({ factors: second });
      expect(backend.threads).toBe(1);
      expectIdentical(await inFlight, firstExpected[1], 'query in flight during the reload');
      await expectAnswers(backend, secondQueries.slice(0, 3), secondExpected.slice(0, 3), 'right after the reload');
      await waitUntil(() => backend.threads === threads, 'helpers ready for the second table');
      await expectAnswers(backend, secondQueries, secondExpected, 'second table, warm');

      // A table that cannot be screened is not split; the helpers are kept for the next one.
      await backend.load({ factors: third });
      await expectAnswers(backend, thirdQueries, thirdExpected, 'unsplittable table');
      expect(backend.threads).toBe(1);
      await backend.load({ factors: first });
      await expectAnswers(backend, firstQueries.slice(0, 3), firstExpected.slice(0, 3), 'first table again, cold');
      await waitUntil(() => backend.threads === threads, 'helpers ready for the first table again');
      await expectAnswers(backend, firstQueries, firstExpected, 'first table again, warm');
      expect(helpers.spawnCalls - spawnedBefore).toBe(threads - 1);
    } finally {
      await backend.dispose();
    }
  });

  it('dispose() stops its helpers; a later load starts new ones', async () => {
    const factors = randomFactors(600, 8, 37);
    const queries = queriesFor(factors, []);
    const expected = await singleThreadAnswers(factors, queries);
    const spawnedBefore = helpers.ports.length;
    const backend = threadedBackend(threads, helpers);
    await backend.load({ factors });
    backend.prepare!();
    await waitUntil(() => backend.threads === threads, 'helpers ready');
    const first = helpers.ports.slice(spawnedBefore);
    await backend.dispose();
    expect(first.map((port) => port.terminations)).toEqual(first.map(() => 1));
    expect(backend.threads).toBe(1);
    await expect(backend.topK(queries[0].user, 3)).rejects.toMatchObject({ code: 'backend-unavailable' });
    await backend.load({ factors });
    backend.prepare!();
    await waitUntil(() => backend.threads === threads, 'new helpers ready');
    expect(helpers.ports.length - spawnedBefore).toBe(2 * (threads - 1));
    await expectAnswers(backend, queries, expected, 'after dispose and reload');
    await backend.dispose();
  });

  it('keeps a table it cannot screen (a negative scale) on one thread, exactly', async () => {
    const factors = randomFactors(1003, 16, 38);
    // Row 900 lies in the last range for 2 and 3 threads; the first range stays screenable.
    factors.scales[900] = -factors.scales[900];
    const queries = queriesFor(factors, await topRowsOf(factors));
    const expected = await singleThreadAnswers(factors, queries);
    const backend = threadedBackend(threads, helpers);
    try {
      const spawned = helpers.spawnCalls;
      await backend.load({ factors });
      const cold = await Promise.all(queries.map(({ user, count, exclude }) => backend.topK(user, count, exclude)));
      cold.forEach((answer, q) => expectIdentical(answer, expected[q], `cold query ${q}`));
      for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      // The exact path has no screen to split: no helper is involved.
      expect(backend.threads).toBe(1);
      expect(helpers.spawnCalls).toBe(spawned);
      await expectAnswers(backend, queries, expected, 'warm');
    } finally {
      await backend.dispose();
    }
  });
});
