import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createJsInt8Backend } from '../../../../models/scoring/createJsInt8Backend';
import type { FromScreeningHelper, ScreeningHelperPort, ToScreeningHelper } from '../../../../models/scoring/parallel/screeningHelperMessages';
import {
  canSpawnScreeningHelpers,
  SCREENING_HELPER_FRAGMENT,
  spawnScreeningHelperWorker,
  startScreeningHelperIfAsked,
} from '../../../../worker/backends/parallel/spawnScreeningHelperWorker';
import { screeningHelperUrl } from '../../../../worker/backends/parallel/screeningHelperFragment';
import { randomFactors, randomUser } from '../../../support/scoringFixtures';
import { waitUntil } from '../../../support/inProcessHelper';

const workerUrl = 'https://tv.example/app/ondeck-worker.js';

function locationOf(href: string) {
  return { href, hash: new URL(href).hash };
}

/** A `Worker` constructor that only records the URLs it was given. */
function recordingWorker() {
  const urls: string[] = [];
  const names: (string | undefined)[] = [];
  class RecordingWorker implements ScreeningHelperPort {
    onmessage = null;
    constructor(url: string, options?: { name?: string }) {
      urls.push(url);
      names.push(options?.name);
    }
    postMessage(): void {}
    terminate(): void {}
  }
  return { urls, names, Worker: RecordingWorker };
}

/**
 * A `Worker` that runs the given URL in-process: a realm for the helper over one end of a
 * channel, with the URL's location, handed to startScreeningHelperIfAsked as a worker script would.
 */
function channelWorker() {
  const started: boolean[] = [];
  const ports: MessagePort[] = [];
  class ChannelWorker implements ScreeningHelperPort {
    onmessage: ((event: { data: FromScreeningHelper }) => void) | null = null;
    private readonly port: MessagePort;
    constructor(url: string) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      this.port = port1;
      port1.on('message', (data: FromScreeningHelper) => this.onmessage?.({ data }));
      const realm = {
        location: locationOf(url),
        onmessage: null as ((event: { data: ToScreeningHelper }) => void) | null,
        postMessage: (message: FromScreeningHelper, transfer: Transferable[]) => port2.postMessage(message, transfer as unknown as ArrayBuffer[]),
      };
      port2.on('message', (data: ToScreeningHelper) => realm.onmessage?.({ data }));
      started.push(startScreeningHelperIfAsked(realm));
    }
    postMessage(message: ToScreeningHelper, transfer: Transferable[]): void {
      this.port.postMessage(message, transfer as unknown as ArrayBuffer[]);
    }
    terminate(): void {
      this.port.close();
    }
  }
  return { started, ports, Worker: ChannelWorker };
}

describe('canSpawnScreeningHelpers', () => {
  const { Worker } = recordingWorker();

  it('is true only in a worker with a Worker constructor and a location, not started as a helper', () => {
    expect(canSpawnScreeningHelpers({ Worker, location: locationOf(workerUrl) })).toBe(true);
    expect(canSpawnScreeningHelpers({ Worker, location: locationOf(`${workerUrl}#debug`) })).toBe(true);
    expect(canSpawnScreeningHelpers({ location: locationOf(workerUrl) })).toBe(false);
    expect(canSpawnScreeningHelpers({ Worker })).toBe(false);
    expect(canSpawnScreeningHelpers({ Worker: {}, location: locationOf(workerUrl) })).toBe(false);
    // A helper does not start helpers of its own, whether its fragment or its name says so.
    expect(canSpawnScreeningHelpers({ Worker, location: locationOf(workerUrl + SCREENING_HELPER_FRAGMENT) })).toBe(false);
    expect(canSpawnScreeningHelpers({ Worker, name: 'ondeck-screening-helper', location: locationOf(workerUrl) })).toBe(false);
    expect(canSpawnScreeningHelpers({})).toBe(false);
    // Node has no global Worker.
    expect(canSpawnScreeningHelpers()).toBe(false);
  });
});

describe('spawnScreeningHelperWorker', () => {
  it("starts this worker's own script with the helper fragment, replacing any fragment it had", () => {
    expect(SCREENING_HELPER_FRAGMENT).toBe('#ondeck-screening-helper');
    const { urls, names, Worker } = recordingWorker();
    const port = spawnScreeningHelperWorker({ Worker, location: locationOf(workerUrl) });
    expect(port).toBeInstanceOf(Worker);
    spawnScreeningHelperWorker({ Worker, location: locationOf(`${workerUrl}?v=3#engine`) });
    expect(urls).toEqual([`${workerUrl}#ondeck-screening-helper`, `${workerUrl}?v=3#ondeck-screening-helper`]);
    // And by name: a service worker's answer drops the fragment from the worker's location.
    expect(names).toEqual(['ondeck-screening-helper', 'ondeck-screening-helper']);
  });
});

describe('startScreeningHelperIfAsked', () => {
  it('does nothing and returns false in a worker not started as a helper', () => {
    for (const realm of [{ location: locationOf(workerUrl) }, { location: locationOf(`${workerUrl}#other`) }, {}]) {
      const scope = { ...realm, onmessage: null, postMessage: () => undefined };
      expect(startScreeningHelperIfAsked(scope)).toBe(false);
      expect(scope.onmessage).toBeNull();
    }
    expect(startScreeningHelperIfAsked()).toBe(false);
  });

  it('serves as a helper when started by name only (its script answered by a service worker, no fragment)', () => {
    const realm = { name: 'ondeck-screening-helper', location: locationOf(workerUrl), onmessage: null, postMessage: () => undefined };
    expect(startScreeningHelperIfAsked(realm)).toBe(true);
    expect(realm.onmessage).toBeTypeOf('function');
    expect(startScreeningHelperIfAsked({ name: 'some-other-worker', location: locationOf(workerUrl), onmessage: null, postMessage: () => undefined })).toBe(false);
  });

  it('serves as a helper when started with the fragment: answers a load and a query on its part', async () => {
    const replies: FromScreeningHelper[] = [];
    const realm = {
      location: locationOf(workerUrl + SCREENING_HELPER_FRAGMENT),
      onmessage: null as ((event: { data: ToScreeningHelper }) => void) | null,
      postMessage: (message: FromScreeningHelper) => void replies.push(message),
    };
    expect(startScreeningHelperIfAsked(realm)).toBe(true);
    expect(realm.onmessage).toBeTypeOf('function');
    const factors = randomFactors(300, 8, 61);
    const user = randomUser(8, 62);
    realm.onmessage!({ data: { type: 'load', generation: 1, rows: 300, dims: 8, values: factors.values.slice(), scales: factors.scales.slice() } });
    realm.onmessage!({ data: { type: 'topK', id: 7, generation: 1, userVector: user, count: 10, exclude: Int32Array.of(5, 299) } });
    await waitUntil(() => replies.length >= 2, 'two replies');
    const reference = createJsInt8Backend();
    await reference.load({ factors });
    const expected = await reference.topK(user, 10, Int32Array.of(5, 299));
    expect(replies[0]).toEqual({ type: 'loaded', generation: 1 });
    const answer = replies[1];
    if (answer.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(answer)}`);
    expect(answer.id).toBe(7);
    expect(Array.from(answer.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(answer.scores)).toEqual(Array.from(expected.scores));
  });
});

describe('spawn and serve together', () => {
  const { started, ports, Worker } = channelWorker();
  afterAll(() => {
    for (const port of ports) port.close();
  });

  it('a js backend on 2 threads whose helper is this script started again answers exactly', async () => {
    const factors = randomFactors(2000, 16, 63);
    const user = randomUser(16, 64);
    const exclude = Int32Array.of(0, 999, 1000, 1999);
    const realm = { Worker, location: locationOf(workerUrl) };
    expect(canSpawnScreeningHelpers(realm)).toBe(true);
    const backend = createJsInt8Backend({ threads: 2, spawnHelper: () => spawnScreeningHelperWorker(realm), minRowsPerThread: 1 });
    const reference = createJsInt8Backend();
    await Promise.all([backend.load({ factors }), reference.load({ factors })]);
    backend.prepare!();
    await waitUntil(() => backend.threads === 2, 'the helper started from the fragment ready');
    expect(started).toEqual([true]);
    const [actual, expected] = [await backend.topK(user, 20, exclude), await reference.topK(user, 20, exclude)];
    expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(actual.scores)).toEqual(Array.from(expected.scores));
    await backend.dispose();
  });
});

describe('screeningHelperUrl', () => {
  it('puts the helper fragment in place of any fragment, keeping the query', () => {
    expect(screeningHelperUrl(workerUrl)).toBe(`${workerUrl}#ondeck-screening-helper`);
    expect(screeningHelperUrl(`${workerUrl}?v=3#engine#x`)).toBe(`${workerUrl}?v=3#ondeck-screening-helper`);
    expect(screeningHelperUrl(`${workerUrl}#ondeck-screening-helper`)).toBe(`${workerUrl}#ondeck-screening-helper`);
  });
});

describe('a helper started by the page (startScreeningHelperIfAsked + a handed-over port)', () => {
  /** A helper worker's global scope as the page started it: its messages and close() recorded. */
  function pageStartedRealm() {
    const realm = {
      location: locationOf(workerUrl + SCREENING_HELPER_FRAGMENT),
      onmessage: null as ((event: { data: unknown }) => void) | null,
      posted: [] as unknown[],
      postMessage(message: unknown) {
        realm.posted.push(message);
      },
      close: vi.fn(),
    };
    return realm;
  }

  const channels: MessagePort[] = [];
  afterAll(() => {
    for (const port of channels) port.close();
  });

  it("serves load and topK on the port it is handed, then stops on the port's stop", async () => {
    const realm = pageStartedRealm();
    expect(startScreeningHelperIfAsked(realm)).toBe(true);
    const { port1, port2 } = new MessageChannel();
    channels.push(port1, port2);
    const replies: FromScreeningHelper[] = [];
    port2.on('message', (data: FromScreeningHelper) => replies.push(data));
    // The page posts the handover on the helper's own scope.
    realm.onmessage!({ data: { ondeckScreeningPort: port1 } });

    const factors = randomFactors(400, 8, 65);
    const user = randomUser(8, 66);
    const exclude = Int32Array.of(0, 123, 399);
    const values = factors.values.slice();
    port2.postMessage({ type: 'load', generation: 2, rows: 400, dims: 8, values, scales: factors.scales.slice() } satisfies ToScreeningHelper, [values.buffer]);
    port2.postMessage({ type: 'topK', id: 9, generation: 2, userVector: user, count: 15, exclude } satisfies ToScreeningHelper);
    await waitUntil(() => replies.length >= 2, 'two replies on the port');
    const reference = createJsInt8Backend();
    await reference.load({ factors });
    const expected = await reference.topK(user, 15, exclude);
    expect(replies[0]).toEqual({ type: 'loaded', generation: 2 });
    const answer = replies[1];
    if (answer.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(answer)}`);
    expect(answer.id).toBe(9);
    expect(Array.from(answer.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(answer.scores)).toEqual(Array.from(expected.scores));
    // Answers go to the engine's port, never to the page.
    expect(realm.posted).toEqual([]);
    expect(realm.close).not.toHaveBeenCalled();

    port2.postMessage({ type: 'stop' } satisfies ToScreeningHelper);
    await waitUntil(() => realm.close.mock.calls.length > 0, 'the helper closed');
    expect(realm.posted).toEqual([{ type: 'stopped' }]);
    expect(realm.close).toHaveBeenCalledTimes(1);
  });

  it('a stop on its own scope (a helper the engine started) closes it the same way', async () => {
    const realm = pageStartedRealm();
    expect(startScreeningHelperIfAsked(realm)).toBe(true);
    realm.onmessage!({ data: { type: 'stop' } });
    await waitUntil(() => realm.close.mock.calls.length > 0, 'the helper closed');
    expect(realm.posted).toEqual([{ type: 'stopped' }]);
  });
});
