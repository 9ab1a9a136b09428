import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import { plantedModel } from '../support/plantedModel';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { useBrowserSession } from './support/useBrowserSession';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { browserEngines } from '../../scripts/browser/requireBrowser';
import type { Recommendation, RecommenderStatus } from '../../models/contract/types';
import { isOrtFileUrl } from '../../worker/serviceWorker/isOrtFileUrl';
import { isAppShellRequest } from '../../worker/serviceWorker/isAppShellRequest';
import { deleteStaleOrtCaches } from '../../worker/serviceWorker/deleteStaleOrtCaches';
import { ortCacheName, SERVICE_WORKER_CACHE_NAMES } from '../../worker/serviceWorker/serviceWorkerCacheNames';

const root = join(import.meta.dirname, '../..');
const browserDist = join(root, 'dist/browser');
const now = Date.now();
const watch = (ids: string[]) => ids.map((itemId, i) => ({ type: 'complete', itemId, time: now - (ids.length - i) * 60_000 }));

interface RegisterOutcome {
  controlling: boolean;
  reason: string | null;
  message: string | null;
  registered: boolean;
  scope: string | null;
  activeScript: string | null;
  controllerScript: string | null;
  hasServiceWorkerApi: boolean;
}
type CacheContents = Record<string, string[]>;

/** The revision scripts/buildServiceWorker.mjs must have injected: 20 hex digits of SHA-256. */
async function expectedRevision(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(join(browserDist, file)))
    .digest('hex')
    .slice(0, 20);
}

describe('service worker routing rules', () => {
  it("recognises ORT's self-hosted files only inside an ort/ directory", () => {
    for (const file of ['ort.wasm.min.js', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jsep.wasm']) {
      expect(isOrtFileUrl(new URL(`https://tv.example/app/dist/ort/${file}`))).toBe(true);
    }
    expect(isOrtFileUrl(new URL('https://tv.example/app/ort-wasm-simd-threaded.wasm'))).toBe(false);
    expect(isOrtFileUrl(new URL('https://tv.example/app/ort/report.json'))).toBe(false);
    expect(isOrtFileUrl(new URL('https://tv.example/app/dist/ondeck-worker.js'))).toBe(false);
    expect(isOrtFileUrl(new URL('https://tv.example/models/ort/blobs/sha256-ab.bin'))).toBe(false);
  });

  it('treats navigations and code as app shell, fetch() data (model files, APIs) and images not', () => {
    expect(isAppShellRequest({ mode: 'navigate', destination: 'document' })).toBe(true);
    for (const destination of ['script', 'style', 'font', 'manifest', 'worker']) expect(isAppShellRequest({ mode: 'no-cors', destination })).toBe(true);
    expect(isAppShellRequest({ mode: 'cors', destination: '' })).toBe(false);
    expect(isAppShellRequest({ mode: 'no-cors', destination: 'image' })).toBe(false);
  });

  it('deletes only ORT caches of other builds on activate', async () => {
    const names = new Set(['ondeck-precache-v2-https://tv.example/', ortCacheName('old1'), ortCacheName('new2'), SERVICE_WORKER_CACHE_NAMES.appShell, 'app-own-cache']);
    // Pure bookkeeping over names: the real Cache Storage is exercised by the browser suites below.
    const cacheStorage = {
      keys: async () => [...names],
      delete: async (name: string) => names.delete(name),
    } as unknown as CacheStorage;
    expect(await deleteStaleOrtCaches(cacheStorage, ortCacheName('new2'))).toEqual(['ondeck-ort-old1']);
    expect([...names].sort()).toEqual(['app-own-cache', 'ondeck-app-shell', 'ondeck-ort-new2', 'ondeck-precache-v2-https://tv.example/']);
  });
});

let modelDirectory: string;
beforeAll(async () => {
  modelDirectory = join(await mkdtemp(join(tmpdir(), 'ondeck-sw-browser-')), 'model');
  await writeModelDirectory((await plantedModel()).model, modelDirectory);
});
afterAll(async () => {
  await rm(join(modelDirectory, '..'), { recursive: true, force: true });
});

describe.each(browserEngines)('offline start through the service worker in %s', (engine) => {
  const session = useBrowserSession(engine);
  let server: StaticServer;
  let page: string;
  let before: Recommendation[] = [];
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session(), args);

  beforeAll(async () => {
    server = await startStaticServer({
      mounts: { '/dist/': browserDist, '/pages/': join(root, 'test/browser/pages'), '/model/': modelDirectory },
      // ondeck-sw.js lives in /dist/ next to the bundles it precaches, but must control /pages/.
      // Cross-origin isolated, as an app that wants ORT's threads is served: the cached responses
      // must keep the page isolated offline, and ORT's pthread worker must start from the cache.
      headers: { ...crossOriginIsolationHeaders, 'Service-Worker-Allowed': '/' },
    });
    page = `${server.origin}/pages/offline.html`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('first visit: registers ondeck-sw.js next to ondeck.js, precaches the SDK by content hash and controls the page', async () => {
    const outcome = await runPageScenario<RegisterOutcome>(session(), page, { op: 'register', scope: '/' });
    expect(outcome).toMatchObject({ controlling: true, reason: null, registered: true, scope: `${server.origin}/` });
    expect(outcome.controllerScript).toBe(`${server.origin}/dist/ondeck-sw.js`);
    const caches = await step<CacheContents>({ op: 'caches' });
    const precache = caches[`ondeck-precache-v2-${server.origin}/`];
    expect(precache?.sort()).toEqual([
      // The pure-JS fallbacks too, although only engines without native Ed25519 or
      // DecompressionStream load them: an offline start there must still be able to sync later.
      `/dist/ondeck-compat.js?__WB_REVISION__=${await expectedRevision('ondeck-compat.js')}`,
      `/dist/ondeck-worker.js?__WB_REVISION__=${await expectedRevision('ondeck-worker.js')}`,
      `/dist/ondeck.js?__WB_REVISION__=${await expectedRevision('ondeck.js')}`,
    ]);
    // The page that registered it loaded before it was controlled: registerServiceWorker had
    // its HTML and same-origin scripts cached (ondeck.js is served by the precache instead).
    // The worker answers CACHE_URLS once every URL went through its route; the cache writes can
    // finish a moment later (seen once under a full parallel test run), hence the poll.
    await expect
      .poll(async () => (await step<CacheContents>({ op: 'caches' }))[SERVICE_WORKER_CACHE_NAMES.appShell]?.sort(), { timeout: 5000 })
      .toEqual(['/pages/offline.html', '/pages/offline.js', '/pages/scenarioHarness.js']);
    // Nothing of ORT is precached: an engine that cannot run it must never download it.
    expect(
      Object.values(caches)
        .flat()
        .filter((path) => path.includes('/ort/')),
    ).toEqual([]);
  });

  it('online start: the model is stored, ORT is cached at run time only where it runs, model files never', async () => {
    const { status, controllerScript } = await step<{ status: RecommenderStatus; controllerScript: string }>({ op: 'start', modelUrl: `${server.origin}/model/` });
    expect(controllerScript).toBe(`${server.origin}/dist/ondeck-sw.js`);
    expect(status).toMatchObject({ storage: 'indexeddb', modelVersion: 1, itemCount: 120 });
    await expect.poll(async () => (await step<RecommenderStatus>({ op: 'status' })).backend, { timeout: 30_000 }).toBe(engineFacts[engine].defaultBackend);
    await step({ op: 'track', events: watch(['b2-i3', 'b2-i5', 'b2-i8']) });
    before = await step<Recommendation[]>({ op: 'recommend', request: { count: 8 } });
    expect(before).toHaveLength(8);

    const caches = await step<CacheContents>({ op: 'caches' });
    const ortCaches = Object.keys(caches).filter((name) => name.startsWith(SERVICE_WORKER_CACHE_NAMES.ortPrefix));
    if (engineFacts[engine].webAssemblySimd) {
      expect(ortCaches).toHaveLength(1);
      expect(caches[ortCaches[0]]).toEqual(expect.arrayContaining(['/dist/ort/ort.wasm.min.js', '/dist/ort/ort-wasm-simd-threaded.wasm']));
    } else {
      expect(ortCaches.flatMap((name) => caches[name])).toEqual([]);
      expect(server.requestedPaths.filter((path) => path.includes('/ort/'))).toEqual([]);
    }
    // The model directory (fetched by the engine, kept in IndexedDB) is in no cache.
    expect(
      Object.values(caches)
        .flat()
        .filter((path) => path.startsWith('/model/')),
    ).toEqual([]);
  });

  it('offline reload: page, bundles and worker come from the service worker, the engine from IndexedDB, same recommendations', async () => {
    server.setOffline(true);
    try {
      await session().reload();
      const outcome = await callPageScenario<RegisterOutcome>(session(), { op: 'register', scope: '/' });
      expect(outcome).toMatchObject({ controlling: true, reason: null });
      const { status } = await step<{ status: RecommenderStatus }>({ op: 'start', modelUrl: `${server.origin}/model/` });
      expect(status).toMatchObject({ storage: 'indexeddb', modelVersion: 1, historyLength: 3 });
      const after = await step<Recommendation[]>({ op: 'recommend', request: { count: 8 } });
      expect(after.map((pick) => pick.itemId)).toEqual(before.map((pick) => pick.itemId));
      // Engines with SIMD still score with ORT offline: its files came from the runtime ORT cache.
      await expect.poll(async () => (await step<RecommenderStatus>({ op: 'status' })).backend, { timeout: 30_000 }).toBe(engineFacts[engine].defaultBackend);
      if (engineFacts[engine].webAssemblySimd) {
        // Still isolated and threaded offline (auto: 2 threads where there are 2 cores).
        const cores = await session().call<number>('() => navigator.hardwareConcurrency');
        expect(await session().call<boolean>('() => self.crossOriginIsolated')).toBe(true);
        expect((await step<RecommenderStatus>({ op: 'status' })).backendThreads).toBe(Math.min(2, Math.max(1, cores)));
      }
      // The model endpoint really was unreachable (the service worker does not answer for it).
      await expect
        .poll(async () => (await step<{ event: string; code?: string }[]>({ op: 'events' })).filter((e) => e.event === 'error').map((e) => e.code))
        .toContain('network-failed');
    } finally {
      server.setOffline(false);
    }
    if (!engineFacts[engine].webAssemblySimd) expect(server.requestedPaths.filter((path) => path.includes('/ort/'))).toEqual([]);
  });
});

describe('registerServiceWorker where no offline start is possible (Chromium)', () => {
  // ondeck.test resolves to the loopback server but, unlike 127.0.0.1, is not a secure context:
  // the page sees no navigator.serviceWorker at all, as on an http:// TV app origin.
  const session = useBrowserSession('chromium', { chromium: { extraArguments: ['--host-resolver-rules=MAP ondeck.test 127.0.0.1'] } });
  let server: StaticServer;
  beforeAll(async () => {
    // No Service-Worker-Allowed header here.
    server = await startStaticServer({ mounts: { '/dist/': browserDist, '/pages/': join(root, 'test/browser/pages'), '/model/': modelDirectory } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('resolves with reason "unsupported" on an insecure origin, and the recommender still starts', async () => {
    const insecurePage = `${server.origin.replace('127.0.0.1', 'ondeck.test')}/pages/offline.html`;
    const outcome = await runPageScenario<RegisterOutcome>(session(), insecurePage, { op: 'register', scope: '/' });
    expect(outcome).toMatchObject({ hasServiceWorkerApi: false, controlling: false, reason: 'unsupported', registered: false });
    expect(outcome.message).toContain('navigator.serviceWorker');
    const { status } = await callPageScenario<{ status: RecommenderStatus }>(session(), { op: 'start', modelUrl: '/model/' });
    expect(status).toMatchObject({ modelVersion: 1, itemCount: 120 });
  });

  it('resolves with reason "registration-failed" when the scope is above the script and the server does not allow it', async () => {
    const outcome = await runPageScenario<RegisterOutcome>(session(), `${server.origin}/pages/offline.html`, { op: 'register', scope: '/' });
    expect(outcome).toMatchObject({ hasServiceWorkerApi: true, controlling: false, reason: 'registration-failed', registered: false, controllerScript: null });
    expect(outcome.message).toContain('Service-Worker-Allowed');
  });
});
