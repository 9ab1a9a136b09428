import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import { plantedModel } from '../support/plantedModel';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { buildFloorShimSource } from './support/buildFloorShim';
import { browserEngines, type BrowserEngineName } from '../../scripts/browser/requireBrowser';
import { SUPPORT_FLOOR_CHROMIUM } from './support/supportFloor';
import type { Recommendation, RecommenderStatus, Row } from '../../models/contract/types';

const root = join(import.meta.dirname, '../..');
const now = Date.now();
const watch = (ids: string[]) => ids.map((itemId, i) => ({ type: 'complete', itemId, time: now - (ids.length - i) * 60_000 }));

let modelDirectory: string;
let blockOf: (itemId: string) => number;

beforeAll(async () => {
  const planted = await plantedModel();
  blockOf = planted.blockOf;
  modelDirectory = join(await mkdtemp(join(tmpdir(), 'ondeck-engine-browser-')), 'model');
  await writeModelDirectory(planted.model, modelDirectory);
});
afterAll(async () => {
  await rm(join(modelDirectory, '..'), { recursive: true, force: true });
});

/**
 * Every engine of the matrix, plus the floor run: Chromium 87 with what Chromium added after 56
 * removed (from MDN's compat data, buildFloorShim.ts) before the page's first script and at the
 * top of the engine's worker, as on a Tizen 4 TV: no WebAssembly, no globalThis, no
 * Object.hasOwn… The engine must run there on the `js` kernel.
 */
const runs: { name: string; engine: BrowserEngineName; floor?: number }[] = [
  ...browserEngines.map((engine) => ({ name: engine, engine })),
  { name: 'chromium87 simulating the Chromium 56 floor', engine: 'chromium87', floor: SUPPORT_FLOOR_CHROMIUM },
];

describe.each(runs)('device engine in $name', ({ engine, floor }) => {
  const facts = engineFacts[engine];
  // At the floor there is no WebAssembly at all, so the engine can only run the js kernel.
  const defaultBackend = floor === undefined ? facts.defaultBackend : 'js';
  const canRunOrt = floor === undefined && facts.webAssemblySimd;
  let server: StaticServer;
  let session: BrowserSession;
  let page: string;
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session, args);

  beforeAll(async () => {
    const floorShim = floor === undefined ? undefined : buildFloorShimSource(floor);
    server = await startStaticServer({
      mounts: { '/dist/': join(root, 'dist/browser'), '/pages/': join(root, 'test/browser/pages'), '/model/': modelDirectory },
      prependToScripts: floorShim === undefined ? {} : { '/pages/scenarioHarness.js': floorShim, '/dist/ondeck-worker.js': floorShim },
    });
    session = await launchBrowserSession(engine);
    page = `${server.origin}/pages/engine.html`;
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('loads the model from its URL, picks the right backend and stores it', async () => {
    const { status: atReady } = await runPageScenario<{ status: RecommenderStatus }>(session, page, { op: 'start', modelUrl: `${server.origin}/model/` });
    // Ready answers at once with the js int8 kernel where ORT comes up in the background; where
    // it cannot run, the backend chosen at once is final (wasm-int8's MVP build, js at the floor).
    expect(atReady.backend).toBe(canRunOrt ? 'js' : defaultBackend);
    expect(atReady.storage).toBe('indexeddb');
    expect(atReady.modelVersion).toBe(1);
    expect(atReady.itemCount).toBe(120);
    await expect.poll(async () => (await step<RecommenderStatus>({ op: 'status' })).backendAttempts.some((attempt) => attempt.backend === 'wasm'), { timeout: 30_000 }).toBe(true);
    const status = await step<RecommenderStatus>({ op: 'status' });
    expect(status.backend).toBe(defaultBackend);
    // The worker's probes say why, and agree with what the harness measured in the page.
    expect(status.engineProbes).toMatchObject(
      floor === undefined
        ? { webAssembly: true, webAssemblySimd: facts.webAssemblySimd, nestedWorkers: facts.nestedWorkers, decompressionStream: facts.decompressionStream, indexedDb: true }
        : // Chromium 56 has none of WebAssembly (57), nested workers (69) or DecompressionStream (80).
          { webAssembly: false, webAssemblySimd: false, nestedWorkers: false, decompressionStream: false, indexedDb: true },
    );
    if (floor !== undefined) {
      // The shim really ran in the page and in the engine's worker.
      expect(await session.call<number>('function () { return self.__ondeckFloorShim.floor; }')).toBe(floor);
      expect(status.backendAttempts[0]).toMatchObject({ backend: 'wasm', ok: false, reason: expect.stringContaining('no WebAssembly on this engine') });
    }
    if (!canRunOrt) {
      expect(status.backendAttempts[0]).toMatchObject({ backend: 'wasm', ok: false });
      expect(status.backendReason).toContain('SIMD');
      // Engines that cannot run ORT must never download it.
      expect(server.requestedPaths.some((path) => path.startsWith('/dist/ort/'))).toBe(false);
    } else {
      expect(server.requestedPaths).toContain('/dist/ort/ort.wasm.min.js');
      // The switch to wasm was announced.
      expect((await step<{ event: string }[]>({ op: 'events' })).map((e) => e.event)).toContain('update');
    }
  });

  it("tracks viewing and recommends from the viewer's taste, excluding what was seen", async () => {
    const seen = ['b2-i3', 'b2-i5', 'b2-i8', 'b2-i13'];
    const tracked = await step<{ accepted: boolean }[]>({ op: 'track', events: [...watch(seen), { type: 'play', itemId: 'not-in-catalog' }] });
    expect(tracked.map((t) => t.accepted)).toEqual([true, true, true, true, false]);
    const picks = await step<Recommendation[]>({ op: 'recommend', request: { count: 10, explain: true } });
    expect(picks.map((p) => blockOf(p.itemId))).toEqual(new Array(10).fill(2));
    expect(picks.some((p) => seen.includes(p.itemId))).toBe(false);
    expect(seen).toContain(picks[0].because?.itemId);
    const rows = await step<Row[]>({ op: 'rows', request: { perRow: 4 } });
    const ids = rows.flatMap((row) => row.items.map((item) => item.itemId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(rows.map((row) => row.kind)).toContain('because-you-watched');
    const status = await step<RecommenderStatus>({ op: 'status' });
    expect(status.unknownItemsTracked).toBe(1);
    expect(status.historyLength).toBe(4);
  });

  it('answers bad input with typed error codes that survive the worker boundary', async () => {
    const codes = await step<Record<string, string | boolean>>({ op: 'errors' });
    expect(codes).toEqual({
      malformedType: 'malformed-event',
      badProgress: 'malformed-event',
      secondsNotMs: 'malformed-event',
      badCount: 'invalid-argument',
      unknownProfile: 'unknown-profile',
      unknownSimilar: 'unknown-item',
      genresNotArray: 'invalid-argument',
      nullRequest: 'invalid-argument',
      rowsNotArray: 'invalid-argument',
      isOndeckError: true,
    });
  });

  it('after a reload with the model endpoint down, serves the same results from IndexedDB', async () => {
    const before = await step<Recommendation[]>({ op: 'recommend', request: { count: 8 } });
    // The model endpoint answers 503; the app itself still loads.
    server.failPath('/model/', 503);
    try {
      await session.reload();
      const { status } = await step<{ status: RecommenderStatus }>({ op: 'start', modelUrl: `${server.origin}/model/` });
      expect(status.modelVersion).toBe(1);
      expect(status.historyLength).toBe(4);
      const after = await step<Recommendation[]>({ op: 'recommend', request: { count: 8 } });
      expect(after.map((p) => p.itemId)).toEqual(before.map((p) => p.itemId));
      // The background refresh failed and said so, without disturbing what is served.
      await expect
        .poll(async () => (await step<{ event: string; code?: string }[]>({ op: 'events' })).filter((e) => e.event === 'error').map((e) => e.code))
        .toContain('network-failed');
    } finally {
      server.failPath('/model/', null);
    }
  });

  it('restarts a crashed worker with its state restored from IndexedDB', async () => {
    await session.reload();
    await step({ op: 'start', workerUrl: '/pages/crashingWorker.js' });
    const before = await step<Recommendation[]>({ op: 'recommend', request: { count: 8 } });
    const { code, status } = await step<{ code: string; status: RecommenderStatus }>({ op: 'crash' });
    expect(code).toBe('worker-crashed');
    expect(status.historyLength).toBe(4);
    expect(status.modelVersion).toBe(1);
    const after = await step<Recommendation[]>({ op: 'recommend', request: { count: 8 } });
    expect(after.map((p) => p.itemId)).toEqual(before.map((p) => p.itemId));
  });

  it("keeps profiles apart and enforces a kids profile's maturity limit", async () => {
    const kids = await step<{ id: string }>({ op: 'createProfile', profile: { name: 'Kids', maturityLimit: 7 } });
    await step({ op: 'switchProfile', id: kids.id });
    await step({ op: 'track', events: watch(['b3-i1', 'b3-i2', 'b3-i4']) });
    const picks = await step<Recommendation[]>({ op: 'recommend', request: { count: 20 } });
    expect(picks.length).toBeGreaterThan(0);
    expect(picks.every((p) => blockOf(p.itemId) === 1 || blockOf(p.itemId) === 2)).toBe(true);
    await step({ op: 'switchProfile', id: 'default' });
    const status = await step<RecommenderStatus>({ op: 'status' });
    expect(status.historyLength).toBe(4);
    await step({ op: 'forget' });
    expect((await step<RecommenderStatus>({ op: 'status' })).historyLength).toBe(0);
    expect(await step<string>({ op: 'dispose' })).toBe('disposed');
  });

  it('accepts an event with an extra top-level value property, and the worker keeps running', async () => {
    await runPageScenario(session, page, { op: 'start', modelUrl: `${server.origin}/model/` });
    const outcome = await step<{ result: unknown; errorEvents: string[]; historyLength: number }>({ op: 'trackExtraValue' });
    // Unknown fields are left out of the stored entry (the engine keeps type, itemId, time, progress).
    expect(outcome).toEqual({ result: { accepted: true }, errorEvents: [], historyLength: 1 });
    expect(await step<string>({ op: 'dispose' })).toBe('disposed');
  });
});
