import { afterAll, describe, expect, it } from 'vitest';
import { createJsInt8Backend } from '../../../worker/backends/createJsInt8Backend';
import { randomFactors, randomUser } from '../scoringFixtures';
import { InProcessHelpers, waitUntil } from './inProcessHelper';

// A helper on the other end of an in-process MessageChannel shares this thread: asking it can
// only add a round trip, never save time. That is the case the calibration exists for (WPE's
// page-started helpers measured slower than screening alone), reproduced for certain.
describe('js backend: helpers timed against screening alone', () => {
  const helpers = new InProcessHelpers();
  afterAll(() => helpers.closeAll());

  it('stops helpers that make no query faster, says so, and keeps answering exactly', async () => {
    const factors = randomFactors(4000, 32, 21);
    const reference = createJsInt8Backend();
    await reference.load({ factors });
    const backend = createJsInt8Backend({ threads: 2, spawnHelper: helpers.spawn, minRowsPerThread: 1 });
    await backend.load({ factors });
    const user = randomUser(32, 5);
    const exclude = Int32Array.of(3, 1999, 2000, 3999);
    const expected = await reference.topK(user, 20, exclude);

    expect(backend.threadsNote).toBeUndefined();
    // Query until the helper holds the table (the query that finds it ready starts the timing),
    // then until the timing is done.
    backend.prepare!();
    await waitUntil(() => backend.threads === 2, 'the helper holding the table');
    for (let i = 0; i < 200 && backend.threadsNote === undefined; i++) {
      const answer = await backend.topK(user, 20, exclude);
      expect(Array.from(answer.indices)).toEqual(Array.from(expected.indices));
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
    expect(backend.threadsNote).toMatch(/^helpers measured no faster here \(\d+\.\d\d ms a query with helpers, \d+\.\d\d ms without\), stopped$/);
    expect(backend.threads).toBe(1);
    expect(helpers.ports[0].terminations).toBe(1);

    // From then on every range is screened here, with the same answer, and no helper is started again.
    const spawned = helpers.spawnCalls;
    const answer = await backend.topK(user, 20, exclude);
    expect(Array.from(answer.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(answer.scores)).toEqual(Array.from(expected.scores));
    await backend.load({ factors: randomFactors(4000, 32, 22) });
    await backend.topK(user, 5);
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    expect(helpers.spawnCalls).toBe(spawned);
    await backend.dispose();
    await reference.dispose();
  });
});
