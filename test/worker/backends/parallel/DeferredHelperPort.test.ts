import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJsInt8Backend } from '../../../../models/scoring/createJsInt8Backend';
import { DeferredHelperPort } from '../../../../worker/backends/parallel/DeferredHelperPort';
import { ScreeningHelper } from '../../../../models/scoring/parallel/ScreeningHelper';
import type { FromScreeningHelper, ScreeningHelperScope, ToScreeningHelper } from '../../../../models/scoring/parallel/screeningHelperMessages';
import { serveScreeningHelper } from '../../../../worker/backends/parallel/serveScreeningHelper';
import { randomFactors, randomUser } from '../../../support/scoringFixtures';
import { waitUntil } from '../../../support/inProcessHelper';

// Node's global MessageChannel is the one pages have (typed as the DOM's here), so the port the
// deferred port gets is the kind a page hands over, transfers and all.
const openPorts: MessagePort[] = [];
afterEach(() => {
  for (const port of openPorts.splice(0)) port.close();
});

/** The far end of a fresh channel, recording what arrives there; `port` goes to the deferred port. */
function helperEnd() {
  const { port1, port2 } = new MessageChannel();
  openPorts.push(port1, port2);
  const arrived: Array<ToScreeningHelper | { type: 'sentinel' }> = [];
  port2.onmessage = (event: MessageEvent) => void arrived.push(event.data as ToScreeningHelper);
  return {
    port: port1,
    far: port2,
    arrived,
    types: () => arrived.map((message) => message.type),
    /**
     * Posts a sentinel on `port` itself and waits for it: whatever the deferred port sent on
     * `port` before this call has arrived by then (a channel keeps order), so "nothing else
     * was sent" is checked without waiting on a clock.
     */
    async settle(): Promise<void> {
      port1.postMessage({ type: 'sentinel' });
      await waitUntil(() => arrived.some((message) => message.type === 'sentinel'), 'the sentinel');
      arrived.splice(
        arrived.findIndex((message) => message.type === 'sentinel'),
        1,
      );
    },
  };
}

function loadMessage(generation: number, values: Int8Array, scales: Float32Array): ToScreeningHelper {
  return { type: 'load', generation, rows: scales.length, dims: values.length / scales.length, values, scales };
}

function queryMessage(id: number): ToScreeningHelper {
  return { type: 'topK', id, generation: 1, userVector: Float32Array.of(1, 0), count: 1, exclude: new Int32Array(0) };
}

describe('DeferredHelperPort', () => {
  it('keeps messages until attached, then sends them in order with their transfer lists', async () => {
    const deferred = new DeferredHelperPort();
    const values = Int8Array.of(1, -2, 3, -4);
    const scales = Float32Array.of(0.5, 0.25);
    deferred.postMessage(loadMessage(1, values, scales), [values.buffer, scales.buffer]);
    deferred.postMessage(queryMessage(7), []);
    deferred.postMessage(queryMessage(8), []);
    // Queued, not yet transferred: the buffers are still the sender's.
    expect(values.byteLength).toBe(4);
    expect(deferred.attached).toBe(false);

    const end = helperEnd();
    deferred.attach(end.port);
    expect(deferred.attached).toBe(true);
    // Transferred on attach: detached here…
    expect(values.buffer.byteLength).toBe(0);
    expect(scales.buffer.byteLength).toBe(0);
    await end.settle();
    expect(end.types()).toEqual(['load', 'topK', 'topK']);
    // …and whole on the other side.
    const load = end.arrived[0] as ToScreeningHelper & { type: 'load' };
    expect(Array.from(load.values)).toEqual([1, -2, 3, -4]);
    expect(Array.from(load.scales)).toEqual([0.5, 0.25]);
    expect(end.arrived.slice(1).map((message) => (message as { id: number }).id)).toEqual([7, 8]);

    // Once attached, messages go straight through.
    deferred.postMessage(queryMessage(9), []);
    await end.settle();
    expect(end.arrived.map((message) => (message as { id?: number }).id)).toEqual([undefined, 7, 8, 9]);
  });

  it("passes the helper's answers to onmessage", async () => {
    const deferred = new DeferredHelperPort();
    const received: FromScreeningHelper[] = [];
    deferred.onmessage = (event) => void received.push(event.data);
    const end = helperEnd();
    deferred.attach(end.port);
    end.far.postMessage({ type: 'loaded', generation: 3 } satisfies FromScreeningHelper);
    end.far.postMessage({ type: 'failed', id: 4, generation: 3, message: 'planted' } satisfies FromScreeningHelper);
    await waitUntil(() => received.length === 2, 'two answers');
    expect(received).toEqual([
      { type: 'loaded', generation: 3 },
      { type: 'failed', id: 4, generation: 3, message: 'planted' },
    ]);
  });

  it('terminated before attach: the port attached later is told to stop and gets nothing queued', async () => {
    const deferred = new DeferredHelperPort();
    const values = Int8Array.of(1, 2);
    deferred.postMessage(loadMessage(1, values, Float32Array.of(1)), [values.buffer]);
    deferred.terminate();
    deferred.postMessage(queryMessage(1), []);
    const end = helperEnd();
    deferred.attach(end.port);
    await end.settle();
    expect(end.arrived).toEqual([{ type: 'stop' }]);
    expect(deferred.attached).toBe(false);
    // The dropped load never transferred its buffer.
    expect(values.byteLength).toBe(2);
  });

  it('terminated after attach: stop is sent, then nothing more goes either way', async () => {
    const deferred = new DeferredHelperPort();
    const onmessage = vi.fn();
    deferred.onmessage = onmessage;
    const end = helperEnd();
    deferred.attach(end.port);
    deferred.postMessage(queryMessage(1), []);
    deferred.terminate();
    deferred.terminate();
    deferred.postMessage(queryMessage(2), []);
    await end.settle();
    expect(end.arrived).toEqual([queryMessage(1), { type: 'stop' }]);

    // An answer the helper sent before it stopped reaches no one: our own listener, added after
    // the deferred port let go, hears it, so the deferred port's handler would have by then.
    const heard: unknown[] = [];
    end.port.addEventListener('message', (event) => void heard.push((event as MessageEvent).data));
    end.port.start();
    end.far.postMessage({ type: 'result', id: 1, generation: 1, indices: Int32Array.of(0), scores: Float32Array.of(1) } satisfies FromScreeningHelper);
    await waitUntil(() => heard.length === 1, 'the late answer');
    expect(onmessage).not.toHaveBeenCalled();
  });

  it('a second port attached is told to stop; the first keeps serving', async () => {
    const deferred = new DeferredHelperPort();
    const first = helperEnd();
    const second = helperEnd();
    deferred.attach(first.port);
    deferred.attach(second.port);
    deferred.postMessage(queryMessage(5), []);
    await Promise.all([first.settle(), second.settle()]);
    expect(second.arrived).toEqual([{ type: 'stop' }]);
    expect(first.arrived).toEqual([queryMessage(5)]);
    expect(deferred.attached).toBe(true);
  });

  it('constructed terminated, it only stops what is attached to it', async () => {
    const deferred = new DeferredHelperPort(true);
    deferred.postMessage(queryMessage(1), []);
    const end = helperEnd();
    deferred.attach(end.port);
    await end.settle();
    expect(end.arrived).toEqual([{ type: 'stop' }]);
    expect(deferred.attached).toBe(false);
  });
});

describe('DeferredHelperPort whose port never comes', () => {
  it('reports an error after the handover timeout: its ScreeningHelper gives the helper up and drops the queued table', async () => {
    const port = new DeferredHelperPort(false, 20);
    const helper = new ScreeningHelper(port);
    const factors = randomFactors(40, 8, 3);
    helper.load(1, factors);
    expect(helper.failure).toBeUndefined();
    await waitUntil(() => helper.failure !== undefined, 'the handover timeout', 2000);
    expect(helper.failure).toContain('handed no helper over within 20 ms');
    expect(helper.isReadyFor(1)).toBe(false);
    // A port that turns up after all is told to stop, and gets none of the queued table.
    const channel = new MessageChannel();
    const received: unknown[] = [];
    channel.port2.onmessage = (event) => received.push(event.data);
    port.attach(channel.port1);
    await waitUntil(() => received.length > 0, 'the stop message', 2000);
    expect(received).toEqual([{ type: 'stop' }]);
    channel.port1.close();
    channel.port2.close();
  });
});

describe('ScreeningHelper over a DeferredHelperPort attached late to a real helper', () => {
  it('the load sent before attach arrives, the helper gets ready and answers like a 1-thread backend', async () => {
    const part = randomFactors(500, 8, 71);
    const user = randomUser(8, 72);
    const exclude = Int32Array.of(3, 250, 499);
    const deferred = new DeferredHelperPort();
    const helper = new ScreeningHelper(deferred);
    helper.load(1, part);
    // Nothing can answer yet: no port.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(helper.isReadyFor(1)).toBe(false);

    // The page's helper: serveScreeningHelper on the other end of a channel.
    const { port1, port2 } = new MessageChannel();
    openPorts.push(port1, port2);
    const helperReceived: Array<ToScreeningHelper['type']> = [];
    const onStop = vi.fn();
    const scope: ScreeningHelperScope = {
      onmessage: null,
      postMessage: (message, transfer) => port1.postMessage(message, transfer),
    };
    port1.onmessage = (event: MessageEvent) => {
      helperReceived.push((event.data as ToScreeningHelper).type);
      scope.onmessage?.({ data: event.data as ToScreeningHelper });
    };
    serveScreeningHelper(scope, onStop);
    deferred.attach(port2);

    await waitUntil(() => helper.isReadyFor(1), 'the helper ready for table 1');
    const reference = createJsInt8Backend();
    await reference.load({ factors: part });
    const [actual, expected] = [await helper.topK(1, user, 25, exclude), await reference.topK(user, 25, exclude)];
    expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(actual.scores)).toEqual(Array.from(expected.scores));
    expect(helperReceived).toEqual(['load', 'topK']);

    // Giving the helper up stops the page's worker (the engine cannot terminate it).
    helper.terminate();
    await waitUntil(() => onStop.mock.calls.length === 1, 'the helper stopped');
    expect(helperReceived).toEqual(['load', 'topK', 'stop']);
    await expect(helper.topK(1, user, 5, new Int32Array(0))).rejects.toMatchObject({ code: 'backend-unavailable' });
  });
});
