import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkItemId, writeBenchmarkModel } from '../../scripts/bench/device/writeBenchmarkModel';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { browserEngines } from '../../scripts/browser/requireBrowser';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import type { Recommendation, RecommenderStatus } from '../../models/contract/types';

// The wasm backend on several threads, in the engines with WebAssembly SIMD and
// SharedArrayBuffer: Chromium 156 and 102 (Chromium 87 has no SIMD and WPE neither, so their
// engine never starts ORT: engine.browser.test.ts). Big enough that ORT splits the Gemm.
const ITEMS = 20_000;
const now = Date.now();
const history = Array.from({ length: 30 }, (_, i) => ({ type: 'complete', itemId: benchmarkItemId(i * 613), time: now - (30 - i) * 60_000 }));

let modelDirectory: string;

beforeAll(async () => {
  modelDirectory = join(await mkdtemp(join(tmpdir(), 'ondeck-threads-browser-')), 'model');
  await writeBenchmarkModel(modelDirectory, { itemCount: ITEMS, dims: 64, seed: 7 });
}, 120_000);
afterAll(async () => {
  await rm(join(modelDirectory, '..'), { recursive: true, force: true });
});

const threadedWasmEngines = browserEngines.filter((engine) => engineFacts[engine].webAssemblySimd && engineFacts[engine].sharedArrayBuffer);

describe.each(threadedWasmEngines)('onnxruntime-web threads in %s', (engine) => {
  let isolated: StaticServer;
  let plain: StaticServer;
  let session: BrowserSession;
  const mounts = () => ({ '/dist/': join(import.meta.dirname, '../../dist/browser'), '/pages/': join(import.meta.dirname, 'pages'), '/model/': modelDirectory });
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session, args);

  beforeAll(async () => {
    isolated = await startStaticServer({ mounts: mounts(), headers: crossOriginIsolationHeaders });
    plain = await startStaticServer({ mounts: mounts() });
    session = await launchBrowserSession(engine);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await isolated?.close();
    await plain?.close();
  });

  /** Starts the SDK on a fresh page of `server`, tracks the history, returns status and picks. */
  async function recommendWith(server: StaticServer, threads: unknown, databaseName: string) {
    const { status: atReady } = await runPageScenario<{ status: RecommenderStatus }>(session, `${server.origin}/pages/engine.html`, {
      op: 'start',
      modelUrl: `${server.origin}/model/`,
      backend: 'wasm',
      threads,
      databaseName,
    });
    expect(atReady.backend).toBe('wasm');
    const tracked = await step<{ accepted: boolean }[]>({ op: 'track', events: history });
    expect(tracked.every((result) => result.accepted)).toBe(true);
    const picks = await step<Recommendation[]>({ op: 'recommend', request: { count: 50 } });
    const threading = await step<{ crossOriginIsolated: boolean; hardwareConcurrency: number }>({ op: 'threading' });
    // Playwright lists the page's workers; the Qt engines' single CDP page session cannot.
    const workerUrls = session.chromiumPage?.page.workers().map((worker) => worker.url());
    const status = await step<RecommenderStatus>({ op: 'status' });
    await step({ op: 'dispose' });
    return { status, picks, threading, workerUrls };
  }

  it('runs on 2 threads on a cross-origin isolated page, with the same rankings as on one thread', async () => {
    const single = await recommendWith(isolated, 1, 'threads-one');
    expect(single.status.backendReason).toContain('1 thread (asked for)');

    const auto = await recommendWith(isolated, 'auto', 'threads-auto');
    expect(auto.threading.crossOriginIsolated).toBe(true);
    const expected = Math.min(2, Math.max(1, auto.threading.hardwareConcurrency));
    expect(auto.status.backendReason).toContain(expected === 1 ? '1 thread' : `${expected} threads (cross-origin isolated`);
    expect(auto.status.backendThreads).toBe(expected);
    if (expected > 1 && auto.workerUrls) {
      // ORT's pthreads are workers of their own, running its threaded glue script.
      expect(auto.workerUrls.filter((url) => url.includes('ort-wasm-simd-threaded')).length).toBeGreaterThanOrEqual(expected - 1);
    }
    // Same titles in the same order; the split changes SGEMM's blocking, so a score may differ in
    // its last bits (measured ~2e-7 relative), far inside the backends' 1e-5 contract.
    expect(auto.picks.map((pick) => pick.itemId)).toEqual(single.picks.map((pick) => pick.itemId));
    auto.picks.forEach((pick, i) => expect(Math.abs(pick.score - single.picks[i].score)).toBeLessThanOrEqual(1e-6 * Math.abs(single.picks[i].score)));
    expect(auto.picks).toHaveLength(50);
  }, 120_000);

  it('stays on one thread where the page is not cross-origin isolated, without a console warning from ORT', async () => {
    const warnings: string[] = [];
    const listener = (message: { type(): string; text(): string }) => {
      if (message.type() === 'warning') warnings.push(message.text());
    };
    // Console messages of the page and its workers: Playwright only (the Qt engines skip this part).
    session.chromiumPage?.page.on('console', listener);
    try {
      const result = await recommendWith(plain, 'auto', 'threads-plain');
      expect(result.threading.crossOriginIsolated).toBe(false);
      expect(result.status.backendReason).toContain('1 thread (the page is not cross-origin isolated)');
      expect(result.status.backendThreads).toBe(1);
      if (result.workerUrls) expect(result.workerUrls.some((url) => url.includes('ort-wasm-simd-threaded'))).toBe(false);
    } finally {
      session.chromiumPage?.page.off('console', listener);
    }
    expect(warnings.filter((text) => text.includes('numThreads'))).toEqual([]);
  }, 120_000);

  it('refuses a thread count that is not auto or 1..16 with a typed error', async () => {
    await runPageScenario(session, `${isolated.origin}/pages/engine.html`, { op: 'threading' });
    for (const threads of [0, 2.5, 17, 'many']) {
      expect(await step<string>({ op: 'startError', modelUrl: `${isolated.origin}/model/`, backend: 'wasm', threads, databaseName: `threads-bad-${String(threads)}` })).toBe(
        'invalid-argument',
      );
    }
  }, 120_000);
});
