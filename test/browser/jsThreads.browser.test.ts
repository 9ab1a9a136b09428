import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkItemId, writeBenchmarkModel } from '../../scripts/bench/device/writeBenchmarkModel';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { awaitBackendThreads } from './support/awaitBackendThreads';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { browserEngines } from '../../scripts/browser/requireBrowser';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import type { Recommendation, RecommenderStatus } from '../../models/contract/types';

// The js kernel split over the engine's worker and a screening helper worker it starts itself,
// on a page that is NOT cross-origin isolated (the helpers need no shared memory). Big enough
// that the split pays off (the engine times it and keeps the helper only if faster): 100k rows.
const ITEMS = 100_000;
const now = Date.now();
const history = Array.from({ length: 30 }, (_, i) => ({ type: 'complete', itemId: benchmarkItemId(i * 613), time: now - (30 - i) * 60_000 }));

let modelDirectory: string;

beforeAll(async () => {
  modelDirectory = join(await mkdtemp(join(tmpdir(), 'ondeck-js-threads-browser-')), 'model');
  await writeBenchmarkModel(modelDirectory, { itemCount: ITEMS, dims: 64, seed: 11 });
}, 120_000);
afterAll(async () => {
  await rm(join(modelDirectory, '..'), { recursive: true, force: true });
});

describe.each(browserEngines)('js kernel threads in %s', (engine) => {
  let server: StaticServer;
  let session: BrowserSession;
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session, args);

  beforeAll(async () => {
    server = await startStaticServer({
      mounts: { '/dist/': join(import.meta.dirname, '../../dist/browser'), '/pages/': join(import.meta.dirname, 'pages'), '/model/': modelDirectory },
      // ondeck-sw.js lives in /dist/ but controls the whole origin in the last test.
      headers: { 'Service-Worker-Allowed': '/' },
    });
    session = await launchBrowserSession(engine);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  /** Starts the SDK with the js backend on a fresh page, tracks the history, waits for `threads`. */
  async function startJs(threads: unknown, databaseName: string, waitForThreads: number) {
    const { status: atReady } = await runPageScenario<{ status: RecommenderStatus }>(session, `${server.origin}/pages/engine.html`, {
      op: 'start',
      modelUrl: `${server.origin}/model/`,
      backend: 'js',
      threads,
      databaseName,
    });
    expect(atReady.backend).toBe('js');
    const tracked = await step<{ accepted: boolean }[]>({ op: 'track', events: history });
    expect(tracked.every((result) => result.accepted)).toBe(true);
    // The helpers start with the first query and load their part in the background.
    await awaitBackendThreads(step, waitForThreads);
    return step<RecommenderStatus>({ op: 'status' });
  }

  async function picksAndStop(): Promise<Recommendation[]> {
    const picks = await step<Recommendation[]>({ op: 'recommend', request: { count: 50 } });
    const narrow = await step<Recommendation[]>({ op: 'recommend', request: { count: 10, filter: { genres: ['Comedy'] } } });
    await step({ op: 'dispose' });
    return [...picks, ...narrow];
  }

  it('screens on a helper worker (by default where the engine worker can start it, asked for where the page must), with the one-thread rankings', async () => {
    await startJs(1, 'js-threads-one', 1);
    const single = await picksAndStop();
    expect(single).toHaveLength(60);

    const threading = await runPageScenario<{ crossOriginIsolated: boolean; hardwareConcurrency: number }>(session, `${server.origin}/pages/engine.html`, { op: 'threading' });
    expect(threading.crossOriginIsolated).toBe(false);
    // Where the engine's worker cannot start workers (WPE 2.38), 'auto' stays on 1 thread (the
    // page-started helper measured slower there) and threads: 2 has the page start one.
    const nestedWorkers = await step<boolean>({ op: 'nestedWorkers' });
    const expected = Math.min(2, Math.max(1, threading.hardwareConcurrency));
    const status = await startJs(nestedWorkers ? 'auto' : 2, 'js-threads-auto', expected);
    console.log(`[${engine}] js kernel: ${status.backendReason}; backendThreads ${status.backendThreads}`);
    if (expected > 1) expect(status.backendReason).toContain(`screening on ${expected} threads`);
    if (expected > 1 && !nestedWorkers) expect(status.backendReason).toContain('helpers started by the page');
    const parallel = await picksAndStop();
    // The same titles in the same order. The merge itself is exact (test/backends/parallel checks
    // identical float32 scores for one vector); here the two starts fold the viewer in a moment
    // apart, and recency weighting moves the vector, so a score may move in its last bit.
    expect(parallel.map((pick) => pick.itemId)).toEqual(single.map((pick) => pick.itemId));
    parallel.forEach((pick, i) => expect(Math.abs(pick.score - single[i].score)).toBeLessThanOrEqual(1e-6 * Math.abs(single[i].score)));
  }, 180_000);

  // Last: the service worker then controls the origin. It answers the worker script from its
  // precache, so the helper's location loses its fragment: the helper must know itself by name.
  it('still screens on a helper where ondeck-sw.js controls the page and serves the worker script', async () => {
    const offlinePage = `${server.origin}/pages/offline.html`;
    const registered = await runPageScenario<{ controlling: boolean }>(session, offlinePage, { op: 'register', scope: '/' });
    expect(registered.controlling).toBe(true);
    const cores = await session.call<number>('function () { return navigator.hardwareConcurrency || 1; }');
    const nestedWorkers = engineFacts[engine].nestedWorkers;
    const expected = Math.min(2, cores);
    const started = await callPageScenario<{ status: RecommenderStatus; controllerScript: string }>(session, {
      op: 'start',
      modelUrl: `${server.origin}/model/`,
      backend: 'js',
      threads: nestedWorkers ? 'auto' : 2,
      databaseName: 'js-threads-under-sw',
    });
    expect(started.controllerScript).toContain('/dist/ondeck-sw.js');
    await step({ op: 'track', events: history });
    await awaitBackendThreads(step, expected);
  }, 180_000);
});

describe('js kernel threads by default where workers cannot start workers (wpe)', () => {
  let server: StaticServer;
  let session: BrowserSession;
  beforeAll(async () => {
    server = await startStaticServer({
      mounts: { '/dist/': join(import.meta.dirname, '../../dist/browser'), '/pages/': join(import.meta.dirname, 'pages'), '/model/': modelDirectory },
    });
    session = await launchBrowserSession('wpe');
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it("stays on 1 thread with 'auto' and says how to ask for a page-started helper", async () => {
    const { status } = await runPageScenario<{ status: RecommenderStatus }>(session, `${server.origin}/pages/engine.html`, {
      op: 'start',
      modelUrl: `${server.origin}/model/`,
      backend: 'js',
      threads: 'auto',
      databaseName: 'js-threads-wpe-auto',
    });
    expect(status.backendReason).toContain('1 thread (workers here cannot start workers; threads: 2 has the page start a helper)');
    await callPageScenario(session, { op: 'recommend', request: { count: 5 } });
    expect((await callPageScenario<RecommenderStatus>(session, { op: 'status' })).backendThreads).toBe(1);
    await callPageScenario(session, { op: 'dispose' });
  }, 120_000);
});
