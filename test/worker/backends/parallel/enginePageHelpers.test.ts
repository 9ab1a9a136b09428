import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { benchmarkItemId, writeBenchmarkModel } from '../../../../scripts/bench/device/writeBenchmarkModel';
import type { ScreeningHelperScope, ToScreeningHelper } from '../../../../models/scoring/parallel/screeningHelperMessages';
import { serveScreeningHelper } from '../../../../worker/backends/parallel/serveScreeningHelper';
import { Engine } from '../../../../worker/Engine';
import type { EngineEvent, EngineInitOptions } from '../../../../models/contract/EngineApi';
import { startStaticServer, type StaticServer } from '../../../../scripts/browser/startStaticServer';
import { waitUntil } from '../../../support/inProcessHelper';

// The engine as a worker without nested workers runs it (Node has no global Worker), with
// `pageHelpers`: it asks for helpers through `helper-wanted` events, and this test plays the page,
// answering each with a helper served in-process on one end of a MessageChannel and the other end
// handed to adoptScreeningHelperPort a turn later (the page's answer is never synchronous).
// 50k rows: MIN_ROWS_PER_THREAD (25,000) lets 'auto' split it 2 ways.
const ITEMS = 50_000;

/** The page's side of one helper it started: what the helper received, and whether it stopped. */
interface PageHelper {
  readonly id: number;
  readonly received: Array<ToScreeningHelper['type']>;
  stops: number;
}

/** Starts an Engine whose `helper-wanted` events are answered as a page would. */
async function startEngine(options: EngineInitOptions) {
  const engine = new Engine();
  const events: EngineEvent[] = [];
  const helpers: PageHelper[] = [];
  const ports: MessagePort[] = [];
  await engine.init(options, (event) => {
    events.push(event);
    if (event.type !== 'helper-wanted') return;
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const helper: PageHelper = { id: event.id, received: [], stops: 0 };
    helpers.push(helper);
    const scope: ScreeningHelperScope = { onmessage: null, postMessage: (message, transfer) => port1.postMessage(message, transfer) };
    port1.onmessage = (message: MessageEvent) => {
      helper.received.push((message.data as ToScreeningHelper).type);
      scope.onmessage?.({ data: message.data as ToScreeningHelper });
    };
    serveScreeningHelper(scope, () => helper.stops++);
    setImmediate(() => void engine.adoptScreeningHelperPort(event.id, port2));
  });
  const close = async (): Promise<void> => {
    await engine.dispose();
    for (const port of ports) port.close();
  };
  return { engine, events, helpers, close };
}

type Started = Awaited<ReturnType<typeof startEngine>>;

async function track(engine: Engine): Promise<void> {
  // An hour ahead: the recency weight clamps an event's age at 0, so two engines queried a few
  // milliseconds apart fold in exactly the same user vector, and their results can be compared
  // bit for bit (with real times they would differ in the last bits of the weights).
  const time = Date.now() + 3_600_000;
  for (let i = 0; i < 12; i++) await engine.track({ type: 'complete', itemId: benchmarkItemId(i * 1571), time });
}

let directory: string;
let server: StaticServer;
let modelUrl: string;

beforeAll(async () => {
  // Node 20 has no navigator: the core count the engine reads is planted (4, so 'auto' wants 2).
  vi.stubGlobal('navigator', { hardwareConcurrency: 4 });
  directory = await mkdtemp(join(tmpdir(), 'ondeck-page-helpers-'));
  await writeBenchmarkModel(join(directory, 'model'), { itemCount: ITEMS, dims: 32, seed: 17 });
  server = await startStaticServer({ mounts: { '/model/': join(directory, 'model') } });
  modelUrl = `${server.origin}/model/`;
}, 120_000);
afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('Engine with helpers started by the page (Node, js kernel)', () => {
  let paged: Started;
  let single: Started;

  beforeAll(async () => {
    // Page-started helpers are asked for explicitly ('auto' does not start them: see resolveJsThreads).
    paged = await startEngine({ backend: 'js', threads: 2, pageHelpers: true, modelUrl });
    single = await startEngine({ backend: 'js', threads: 1, modelUrl });
    await track(paged.engine);
    await track(single.engine);
  }, 120_000);
  afterAll(async () => {
    await paged?.close();
    await single?.close();
  });

  it('plans 2 threads with helpers started by the page, and reaches them', async () => {
    const status = await paged.engine.status();
    expect(status.itemCount).toBe(ITEMS);
    expect(status.backend).toBe('js');
    expect(status.backendReason).toContain('helpers started by the page');
    expect(status.backendReason).toContain('2 threads');

    // The helper is asked for once the table is prepared (a moment after the switch, or on the
    // first query); queries meanwhile are screened here alone.
    const deadline = Date.now() + 10_000;
    while ((await paged.engine.status()).backendThreads !== 2) {
      if (Date.now() > deadline) throw new Error('the engine never reached 2 threads');
      await paged.engine.recommend({ count: 5 });
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
    const wanted = paged.events.filter((event) => event.type === 'helper-wanted');
    expect(wanted).toEqual([{ type: 'helper-wanted', id: 1 }]);
    expect(paged.helpers.map((helper) => helper.id)).toEqual([1]);
    // The load was posted before the port was handed over, and still got there.
    expect(paged.helpers[0].received[0]).toBe('load');
  });

  it('answers exactly as the same engine on 1 thread, with the helper screening its half', async () => {
    await waitUntil(() => paged.helpers[0]?.received.includes('load') ?? false, 'the helper loaded');
    const requests = [{ count: 10 }, { count: 60 }, { count: 25, filter: { genres: ['Drama'] } }];
    for (const request of requests) {
      const queriesBefore = paged.helpers[0].received.filter((type) => type === 'topK').length;
      const [actual, expected] = [await paged.engine.recommend(request), await single.engine.recommend(request)];
      expect(actual.length).toBe(request.count);
      expect(actual).toEqual(expected);
      // It really went through the helper (not the fallback that screens both halves here).
      expect(paged.helpers[0].received.filter((type) => type === 'topK').length).toBeGreaterThan(queriesBefore);
    }
    expect((await paged.engine.status()).backendThreads).toBe(2);
    const single1 = await single.engine.status();
    expect(single1.backendThreads).toBe(1);
    expect(single1.backendReason).toContain('1 thread (asked for)');
    expect(single.events.some((event) => event.type === 'helper-wanted')).toBe(false);
  });

  it('stops a port handed over for a helper it does not (or no longer) wait for', async () => {
    const { port1, port2 } = new MessageChannel();
    const arrived: unknown[] = [];
    port1.onmessage = (event: MessageEvent) => void arrived.push(event.data);
    await paged.engine.adoptScreeningHelperPort(99, port2);
    // id 1 was adopted already: a second port for it is stopped too.
    const again = new MessageChannel();
    again.port1.onmessage = (event: MessageEvent) => void arrived.push(event.data);
    await paged.engine.adoptScreeningHelperPort(1, again.port2);
    await waitUntil(() => arrived.length === 2, 'both ports told to stop');
    expect(arrived).toEqual([{ type: 'stop' }, { type: 'stop' }]);
    for (const port of [port1, port2, again.port1, again.port2]) port.close();
    expect(paged.helpers[0].stops).toBe(0);
  });

  it('dispose sends the page helper stop', async () => {
    await paged.engine.dispose();
    await waitUntil(() => paged.helpers[0].stops === 1, 'the page helper stopped');
    expect(paged.helpers[0].received[paged.helpers[0].received.length - 1]).toBe('stop');
  });
});

describe('Engine without pageHelpers (Node)', () => {
  it('runs the js kernel on 1 thread and says a worker cannot start a worker here', async () => {
    const started = await startEngine({ backend: 'js', threads: 'auto', modelUrl });
    try {
      await track(started.engine);
      expect((await started.engine.recommend({ count: 10 })).length).toBe(10);
      // Past the prepare timer (50 ms) and the task that would start helpers.
      await new Promise<void>((resolve) => setTimeout(resolve, 100));
      const status = await started.engine.status();
      expect(status.backendThreads).toBe(1);
      expect(status.backendReason).toContain('cannot start a worker from a worker');
      expect(started.events.some((event) => event.type === 'helper-wanted')).toBe(false);
    } finally {
      await started.close();
    }
  });
});
