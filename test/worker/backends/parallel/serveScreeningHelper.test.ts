import { describe, expect, it, vi } from 'vitest';
import { createJsInt8Backend } from '../../../../models/scoring/createJsInt8Backend';
import type { FromScreeningHelper, ScreeningHelperScope, ToScreeningHelper } from '../../../../models/scoring/parallel/screeningHelperMessages';
import { serveScreeningHelper } from '../../../../worker/backends/parallel/serveScreeningHelper';
import { randomFactors, randomUser } from '../../../support/scoringFixtures';
import { waitUntil } from '../../../support/inProcessHelper';

/** A helper's global scope played by the test: messages go in by hand, replies are collected. */
class RecordingScope implements ScreeningHelperScope {
  onmessage: ((event: { data: ToScreeningHelper }) => void) | null = null;
  readonly replies: FromScreeningHelper[] = [];

  postMessage(message: FromScreeningHelper): void {
    this.replies.push(message);
  }

  send(message: ToScreeningHelper): void {
    this.onmessage!({ data: message });
  }

  async nextReplies(count: number): Promise<FromScreeningHelper[]> {
    await waitUntil(() => this.replies.length >= count, `${count} replies from the helper`);
    return this.replies.slice(0, count);
  }
}

const table = randomFactors(203, 8, 3);
const other = randomFactors(101, 8, 4);

function loadMessage(generation: number, factors = table): ToScreeningHelper {
  return { type: 'load', generation, rows: factors.rows, dims: factors.dims, values: factors.values.slice(), scales: factors.scales.slice() };
}

async function referenceTopK(factors: typeof table, user: Float32Array, count: number, exclude: Int32Array) {
  const backend = createJsInt8Backend();
  await backend.load({ factors });
  return backend.topK(user, count, exclude);
}

describe('serveScreeningHelper', () => {
  it('loads its part and answers top-K exactly as a single-threaded js backend on that part', async () => {
    const scope = new RecordingScope();
    serveScreeningHelper(scope);
    expect(scope.onmessage).toBeTypeOf('function');
    scope.send(loadMessage(4));
    const user = randomUser(8, 9);
    const exclude = Int32Array.of(0, 17, 17, 202);
    scope.send({ type: 'topK', id: 11, generation: 4, userVector: user, count: 20, exclude });
    const [loaded, answer] = await scope.nextReplies(2);
    expect(loaded).toEqual({ type: 'loaded', generation: 4 });
    const expected = await referenceTopK(table, user, 20, exclude);
    expect(answer).toMatchObject({ type: 'result', id: 11, generation: 4 });
    if (answer.type !== 'result') throw new Error('expected a result');
    expect(Array.from(answer.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(answer.scores)).toEqual(Array.from(expected.scores));
  });

  it('answers queries for a table it does not hold (none yet, or an older one) with failed', async () => {
    const scope = new RecordingScope();
    serveScreeningHelper(scope);
    const user = randomUser(8, 1);
    scope.send({ type: 'topK', id: 1, generation: 1, userVector: user, count: 3, exclude: new Int32Array(0) });
    scope.send(loadMessage(2));
    scope.send({ type: 'topK', id: 2, generation: 1, userVector: user, count: 3, exclude: new Int32Array(0) });
    const [beforeLoad, loaded, stale] = await scope.nextReplies(3);
    expect(beforeLoad).toMatchObject({ type: 'failed', id: 1, generation: 1 });
    expect(loaded).toEqual({ type: 'loaded', generation: 2 });
    expect(stale).toMatchObject({ type: 'failed', id: 2, generation: 1, message: 'this helper holds table 2, not 1' });
  });

  it('handles messages in order: a query right behind a load meets the new table', async () => {
    const scope = new RecordingScope();
    serveScreeningHelper(scope);
    const user = randomUser(8, 2);
    scope.send(loadMessage(1));
    scope.send(loadMessage(2, other));
    scope.send({ type: 'topK', id: 5, generation: 2, userVector: user, count: 10, exclude: Int32Array.of(100) });
    const replies = await scope.nextReplies(3);
    expect(replies.slice(0, 2)).toEqual([
      { type: 'loaded', generation: 1 },
      { type: 'loaded', generation: 2 },
    ]);
    const answer = replies[2];
    if (answer.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(answer)}`);
    expect(Array.from(answer.indices)).toEqual(Array.from((await referenceTopK(other, user, 10, Int32Array.of(100))).indices));
  });

  it('reports a table it cannot take and a query it cannot answer with failed, and keeps the table it had', async () => {
    const scope = new RecordingScope();
    serveScreeningHelper(scope);
    const user = randomUser(8, 3);
    scope.send(loadMessage(1));
    // 10 rows announced, 203 rows of values sent: refused by the backend.
    scope.send({ ...(loadMessage(2) as ToScreeningHelper & { type: 'load' }), rows: 10 });
    scope.send({ type: 'topK', id: 3, generation: 1, userVector: user, count: -1, exclude: new Int32Array(0) });
    scope.send({ type: 'topK', id: 4, generation: 1, userVector: user, count: 5, exclude: new Int32Array(0) });
    const [loaded, refused, badQuery, answer] = await scope.nextReplies(4);
    expect(loaded).toEqual({ type: 'loaded', generation: 1 });
    expect(refused).toMatchObject({ type: 'failed', generation: 2 });
    expect(refused).not.toHaveProperty('id');
    expect((refused as { message: string }).message).toMatch(/dimension mismatch/i);
    expect(badQuery).toMatchObject({ type: 'failed', id: 3, generation: 1 });
    expect((badQuery as { message: string }).message).toContain('count');
    if (answer.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(answer)}`);
    expect(Array.from(answer.indices)).toEqual(Array.from((await referenceTopK(table, user, 5, new Int32Array(0))).indices));
  });

  it('on stop releases its table and calls onStop, after the messages before it', async () => {
    const scope = new RecordingScope();
    const onStop = vi.fn();
    serveScreeningHelper(scope, onStop);
    const user = randomUser(8, 5);
    scope.send(loadMessage(1));
    scope.send({ type: 'topK', id: 1, generation: 1, userVector: user, count: 3, exclude: new Int32Array(0) });
    scope.send({ type: 'stop' });
    scope.send({ type: 'topK', id: 2, generation: 1, userVector: user, count: 3, exclude: new Int32Array(0) });
    const [loaded, answer, afterStop] = await scope.nextReplies(3);
    expect(loaded).toEqual({ type: 'loaded', generation: 1 });
    expect(answer).toMatchObject({ type: 'result', id: 1 });
    // The table is gone: a query that still comes is refused, not answered.
    expect(afterStop).toMatchObject({ type: 'failed', id: 2, generation: 1, message: 'this helper holds table -1, not 1' });
    expect(onStop).toHaveBeenCalledTimes(1);
    // stop itself is not answered.
    expect(scope.replies).toHaveLength(3);
  });

  it('stop without onStop only releases the table', async () => {
    const scope = new RecordingScope();
    serveScreeningHelper(scope);
    scope.send(loadMessage(1));
    scope.send({ type: 'stop' });
    scope.send({ type: 'topK', id: 3, generation: 1, userVector: randomUser(8, 6), count: 3, exclude: new Int32Array(0) });
    const [, afterStop] = await scope.nextReplies(2);
    expect(afterStop).toMatchObject({ type: 'failed', id: 3 });
  });
});
