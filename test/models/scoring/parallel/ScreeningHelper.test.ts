import { afterEach, describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import { quantizeRows } from '../../../../models/quantize';
import { ScreeningHelper } from '../../../../models/scoring/parallel/ScreeningHelper';
import type { FromScreeningHelper, ScreeningHelperPort, ToScreeningHelper } from '../../../../models/scoring/parallel/screeningHelperMessages';
import { InProcessHelpers, waitUntil } from '../../../support/inProcessHelper';

/** A helper's port driven by hand: records what the engine posts, answers when the test says. */
class ScriptedPort implements ScreeningHelperPort {
  onmessage: ((event: { data: FromScreeningHelper }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly posted: Array<{ message: ToScreeningHelper; transfer: Transferable[] }> = [];
  terminations = 0;
  throwOn: ToScreeningHelper['type'] | undefined;

  postMessage(message: ToScreeningHelper, transfer: Transferable[]): void {
    if (message.type === this.throwOn) throw new Error('DataCloneError: planted');
    this.posted.push({ message, transfer });
  }

  terminate(): void {
    this.terminations++;
  }

  answer(message: FromScreeningHelper): void {
    this.onmessage?.({ data: message });
  }

  lastQuery(): ToScreeningHelper & { type: 'topK' } {
    const last = this.posted[this.posted.length - 1]?.message;
    if (last?.type !== 'topK') throw new Error(`last message posted was ${last?.type}, not topK`);
    return last;
  }
}

const part = quantizeRows(Float32Array.of(1, 0, 0, 0, 0, 2, 0, 0, 3, 3, 0, 0, -1, 0, 1, 0), 4, 4);
const user = Float32Array.of(1, 1, 0, 0);
const noExclusions = new Int32Array(0);

/** The settled outcome of a promise, so a rejection is never left unhandled. */
function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function expectUnavailable(error: unknown, reasonPart: string): void {
  expect(isOndeckError(error), `expected an OndeckError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe('backend-unavailable');
  expect((error as Error).message).toContain('screening helper');
  expect((error as Error).message).toContain(reasonPart);
}

function loadedHelper(port: ScriptedPort, generation = 1, timeoutMs?: number): ScreeningHelper {
  const helper = new ScreeningHelper(port, timeoutMs);
  helper.load(generation, part);
  port.answer({ type: 'loaded', generation });
  return helper;
}

describe('ScreeningHelper', () => {
  it('sends a transferred copy of its part and is ready only once the helper loaded that generation', () => {
    const port = new ScriptedPort();
    const helper = new ScreeningHelper(port);
    expect(helper.isReadyFor(1)).toBe(false);
    helper.load(1, part);
    const { message, transfer } = port.posted[0];
    if (message.type !== 'load') throw new Error('expected a load');
    expect(message).toMatchObject({ generation: 1, rows: 4, dims: 4 });
    expect(Array.from(message.values)).toEqual(Array.from(part.values));
    expect(Array.from(message.scales)).toEqual(Array.from(part.scales));
    // A copy, so transferring it leaves the engine's own table intact.
    expect(message.values.buffer).not.toBe(part.values.buffer);
    expect(message.scales.buffer).not.toBe(part.scales.buffer);
    expect(transfer).toEqual([message.values.buffer, message.scales.buffer]);
    expect(helper.isReadyFor(1)).toBe(false);
    port.answer({ type: 'loaded', generation: 1 });
    expect(helper.isReadyFor(1)).toBe(true);
    expect(helper.isReadyFor(2)).toBe(false);
  });

  it('answers a query with the result carrying its id, and ignores results for unknown ids', async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port);
    const first = outcome(helper.topK(1, user, 2, Int32Array.of(3)));
    const firstQuery = port.lastQuery();
    expect(firstQuery).toMatchObject({ type: 'topK', generation: 1, count: 2 });
    expect(Array.from(firstQuery.userVector)).toEqual([1, 1, 0, 0]);
    expect(Array.from(firstQuery.exclude)).toEqual([3]);
    const second = outcome(helper.topK(1, user, 1, noExclusions));
    const secondQuery = port.lastQuery();
    expect(secondQuery.id).not.toBe(firstQuery.id);
    // Unknown id: nothing happens (no throw, nothing settled).
    port.answer({ type: 'result', id: 9999, generation: 1, indices: Int32Array.of(0), scores: Float32Array.of(0) });
    // Answers arrive out of order; each settles its own query.
    port.answer({ type: 'result', id: secondQuery.id, generation: 1, indices: Int32Array.of(2), scores: Float32Array.of(6) });
    port.answer({ type: 'result', id: firstQuery.id, generation: 1, indices: Int32Array.of(2, 1), scores: Float32Array.of(6, 2) });
    expect(Array.from((await first).value!.indices)).toEqual([2, 1]);
    expect(Array.from((await second).value!.indices)).toEqual([2]);
    expect(helper.failure).toBeUndefined();
  });

  it('is no longer ready for a generation once a newer one is sent, and ignores stale load answers', async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port, 1);
    helper.load(2, part);
    // The helper takes load 2 before any later query: it can no longer answer for table 1.
    expect(helper.isReadyFor(1)).toBe(false);
    expect(helper.isReadyFor(2)).toBe(false);
    const stale = await outcome(helper.topK(1, user, 1, noExclusions));
    expectUnavailable(stale.error, 'does not hold table 1');
    expect(port.posted.filter(({ message }) => message.type === 'topK')).toHaveLength(0);
    // A late "loaded 1" or "failed to load 1" belongs to a table nobody wants any more.
    port.answer({ type: 'loaded', generation: 1 });
    port.answer({ type: 'failed', generation: 1, message: 'out of memory' });
    expect(helper.failure).toBeUndefined();
    expect(helper.isReadyFor(1)).toBe(false);
    expect(helper.isReadyFor(2)).toBe(false);
    port.answer({ type: 'loaded', generation: 2 });
    expect(helper.isReadyFor(2)).toBe(true);
    expect(helper.isReadyFor(1)).toBe(false);
  });

  it('rejects one query the helper could not answer without giving the helper up', async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port);
    const failed = outcome(helper.topK(1, user, 1, noExclusions));
    port.answer({ type: 'failed', id: port.lastQuery().id, generation: 1, message: 'this helper holds table 0, not 1' });
    expectUnavailable((await failed).error, 'holds table 0, not 1');
    expect(helper.failure).toBeUndefined();
    expect(helper.isReadyFor(1)).toBe(true);
    expect(port.terminations).toBe(0);
    const next = outcome(helper.topK(1, user, 1, noExclusions));
    port.answer({ type: 'result', id: port.lastQuery().id, generation: 1, indices: Int32Array.of(2), scores: Float32Array.of(6) });
    expect(Array.from((await next).value!.indices)).toEqual([2]);
  });

  it('gives the helper up when it cannot load the current table: pending queries fail, later calls fail fast', async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port, 1);
    const pending = outcome(helper.topK(1, user, 1, noExclusions));
    helper.load(2, part);
    port.answer({ type: 'failed', generation: 2, message: 'RangeError: out of memory' });
    expect(helper.failure).toContain('could not load table 2');
    expect(port.terminations).toBe(1);
    expect(port.onmessage).toBeNull();
    expectUnavailable((await pending).error, 'out of memory');
    const posts = port.posted.length;
    helper.load(3, part);
    expectUnavailable((await outcome(helper.topK(3, user, 1, noExclusions))).error, 'could not load table 2');
    expect(port.posted.length).toBe(posts);
    expect(helper.isReadyFor(3)).toBe(false);
  });

  it('gives the helper up when postMessage throws, for a load or for a query', async () => {
    const loadPort = new ScriptedPort();
    loadPort.throwOn = 'load';
    const loadHelper = new ScreeningHelper(loadPort);
    expect(() => loadHelper.load(1, part)).not.toThrow();
    expect(loadHelper.failure).toContain('could not send the helper its table');
    expect(loadPort.terminations).toBe(1);
    expect(loadHelper.isReadyFor(1)).toBe(false);

    const queryPort = new ScriptedPort();
    const queryHelper = loadedHelper(queryPort);
    queryPort.throwOn = 'topK';
    expectUnavailable((await outcome(queryHelper.topK(1, user, 1, noExclusions))).error, 'could not send the helper a query');
    expect(queryPort.terminations).toBe(1);
    expect(queryHelper.isReadyFor(1)).toBe(false);
  });

  it('gives the helper up when it does not answer within the timeout, and ignores a late answer', async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port, 1, 30);
    const query = await outcome(helper.topK(1, user, 1, noExclusions));
    expectUnavailable(query.error, 'did not answer within 30 ms');
    expect(helper.failure).toContain('did not answer within 30 ms');
    expect(port.terminations).toBe(1);
    expect(helper.isReadyFor(1)).toBe(false);
    expect(() => port.answer({ type: 'result', id: 1, generation: 1, indices: Int32Array.of(0), scores: Float32Array.of(1) })).not.toThrow();
  });

  it("gives the helper up on the worker's error event", async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port);
    const pending = outcome(helper.topK(1, user, 1, noExclusions));
    port.onerror?.({ message: 'Uncaught ReferenceError: x is not defined' });
    expect(helper.failure).toContain('x is not defined');
    expectUnavailable((await pending).error, 'x is not defined');
    expect(port.terminations).toBe(1);
    expect(port.onerror).toBeNull();
  });

  it('terminate() stops the worker once and rejects pending queries', async () => {
    const port = new ScriptedPort();
    const helper = loadedHelper(port);
    const pending = [outcome(helper.topK(1, user, 1, noExclusions)), outcome(helper.topK(1, user, 2, noExclusions))];
    helper.terminate();
    helper.terminate();
    expect(port.terminations).toBe(1);
    for (const settled of await Promise.all(pending)) expectUnavailable(settled.error, 'the helper was stopped');
    expect(helper.isReadyFor(1)).toBe(false);
  });

  describe('over a real channel to serveScreeningHelper', () => {
    const helpers = new InProcessHelpers();
    afterEach(() => helpers.closeAll());

    it('loads, answers with local indices, and reports a missing answer after the timeout', async () => {
      const answering = new ScreeningHelper(helpers.spawn());
      answering.load(1, part);
      await waitForReady(answering, 1);
      // Scores of user (1, 1, 0, 0): rows 0..3 → 1, 2, 6, −1 (up to int8 rounding of the scales).
      const result = await answering.topK(1, user, 3, Int32Array.of(1));
      expect(Array.from(result.indices)).toEqual([2, 0, 3]);
      answering.terminate();
      expect(helpers.ports[0].terminations).toBe(1);

      const hanging = new InProcessHelpers(() => ({ dropQueries: true }));
      try {
        const silent = new ScreeningHelper(hanging.spawn(), 50);
        silent.load(1, part);
        await waitForReady(silent, 1);
        expectUnavailable((await outcome(silent.topK(1, user, 1, noExclusions))).error, 'did not answer within 50 ms');
        expect(hanging.ports[0].terminations).toBe(1);
      } finally {
        hanging.closeAll();
      }
    });
  });
});

function waitForReady(helper: ScreeningHelper, generation: number): Promise<void> {
  return waitUntil(() => helper.isReadyFor(generation), `helper ready for table ${generation}`);
}
