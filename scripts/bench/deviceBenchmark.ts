/**
 * Device benchmark (`npm run bench:device [-- --quick] [-- --no-wpe] [-- --no-qt]`): the built SDK in real
 * browsers, timed end to end from the main-thread `recommender.recommend({ count: 20 })` to the
 * result, on synthetic int8 models of 10k / 100k / 500k items × 64 factors with a 50-title
 * history (excluded from the results). Chromium runs the `wasm` and the `js` backend next to a
 * naive float32 loop in the same page; WPE WebKit runs `js`; the older TV generations, Qt
 * WebEngine's Chromium 102 (`wasm`, `js`) and Chromium 87 (`js`: no SIMD), run what they can
 * next to the naive loop at every size. Also: CDP CPU throttling 6×, cold
 * start from a warm IndexedDB, the worker's memory (DevTools protocol) and the bundle sizes
 * (dist/browser/sizes.json). Prints markdown tables and, as its LAST line, one JSON object.
 *
 * `--quick`: 10k and 100k only, one run of 100 timed calls per configuration. `--no-wpe`: skip
 * WPE WebKit. `--no-qt`: skip the older TV generations (Qt WebEngine's Chromium 102 and 87).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { launchBrowserSession, type BrowserSession } from '../browser/launchBrowserSession';
import { callPageScenario, runPageScenario } from '../browser/runPageScenario';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from '../browser/startStaticServer';
import { engineFacts } from '../browser/engineFacts';
import type { RecommenderStatus } from '../../models/contract/types';
import { measureWorkerMemory, type WorkerMemory } from './device/measureWorkerMemory';
import { benchmarkItemId, writeBenchmarkModel } from './device/writeBenchmarkModel';
import { median, round } from './statistics';

// dist/bench/deviceBenchmark.js → the repository root.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// commander reads `--no-wpe` / `--no-qt` as the negations of `wpe` / `qt`, which default to true.
const flags = new Command()
  .name('deviceBenchmark')
  .description('recommend() latency, cold start, memory and bundle sizes of the built SDK in real browsers')
  .option('--quick', '10k and 100k items only, one run of 100 timed calls per configuration')
  .option('--no-wpe', 'skip WPE WebKit')
  .option('--no-qt', "skip the older TV generations (Qt WebEngine's Chromium 102 and 87)")
  .parse()
  .opts<{ quick?: boolean; wpe: boolean; qt: boolean }>();
const quick = flags.quick === true;
const skipWpe = !flags.wpe;
const skipQt = !flags.qt;

const DIMS = 64;
const HISTORY_ITEMS = 50;
const COUNT = 20;
const HEADLINE_ITEMS = 100_000;
const THROTTLE_RATE = 6;
const sizes = quick ? [10_000, HEADLINE_ITEMS] : [10_000, HEADLINE_ITEMS, 500_000];
const plan = { warmup: 20, calls: quick ? 100 : 200, runs: quick ? 1 : 3, coldStarts: quick ? 1 : 3 };

interface Latency {
  p50: number;
  p90: number;
  min: number;
  max: number;
  calls: number;
}
interface Timed {
  latency: Latency;
  resultCount: number;
  seenReturned: number;
}
/** Medians over runs of each run's p50 and p90. */
interface Summary {
  p50Ms: number;
  p90Ms: number;
  runsP50Ms: number[];
  calls: number;
}
interface StartResult {
  status: RecommenderStatus;
  readyMs: number;
  firstResultMs: number;
  firstCount: number;
}

const log = (message: string): void => {
  process.stderr.write(`[bench:device] ${message}\n`);
};
const summarise = (runs: readonly Latency[]): Summary => ({
  p50Ms: round(median(runs.map((run) => run.p50))),
  p90Ms: round(median(runs.map((run) => run.p90))),
  runsP50Ms: runs.map((run) => round(run.p50)),
  calls: runs.reduce((sum, run) => sum + run.calls, 0),
});
/**
 * The streaming read's summary: a floor, so its p50 is the fastest run's, not the median run's
 * (a full run in Chromium once read 0.84 ms in its first run and 8.5 ms in the next two, the
 * loop seemingly left unoptimised on the busy main thread).
 */
const summariseBound = (runs: readonly Latency[]): Summary => ({ ...summarise(runs), p50Ms: round(Math.min(...runs.map((run) => run.p50))) });
const seenIndices = (items: number): number[] => Array.from({ length: HISTORY_ITEMS }, (_, i) => Math.floor(((i + 0.5) * items) / HISTORY_ITEMS));
const modelPath = (items: number): string => `/models/items-${items}/`;
/** Problems that make a number meaningless (wrong backend, seen titles returned…). */
const problems: string[] = [];

/** One SDK instance in the page: start it, load the 50-title history, check what it runs. */
async function startRecommender(
  session: BrowserSession,
  server: StaticServer,
  name: string,
  items: number,
  backend: 'wasm' | 'js' | 'wasm-int8',
  threads: number | 'auto' = 'auto',
): Promise<StartResult> {
  const started = await callPageScenario<StartResult>(session, { op: 'start', name, modelUrl: server.origin + modelPath(items), backend, threads, databaseName: `bench-${name}` });
  if (started.status.backend !== backend) problems.push(`${session.engine} ${name}: asked for ${backend}, got ${started.status.backend} (${started.status.backendReason})`);
  if (threads !== 'auto' && started.status.backendThreads !== threads) problems.push(`${session.engine} ${name}: asked for ${threads} thread(s), runs on ${started.status.backendThreads} (${started.status.backendReason})`);
  const tracked = await callPageScenario<{ accepted: number; status: RecommenderStatus }>(session, {
    op: 'track',
    name,
    itemIds: seenIndices(items).map(benchmarkItemId),
    time: Date.now(),
  });
  if (tracked.accepted !== HISTORY_ITEMS) problems.push(`${session.engine} ${name}: ${tracked.accepted} of ${HISTORY_ITEMS} history events accepted`);
  // The int8 kernels' helper workers start after the first query: time the engine once they run.
  const planned = Number(/screening on (\d+) threads/.exec(started.status.backendReason)?.[1] ?? 1);
  if (backend !== 'wasm' && planned > 1) {
    const status = await callPageScenario<RecommenderStatus>(session, { op: 'awaitThreads', name, threads: planned, timeoutMs: 10_000 });
    if (status.backendThreads < planned) problems.push(`${session.engine} ${name}: ${backend} planned ${planned} threads, runs on ${status.backendThreads} (${status.backendReason})`);
    return { ...started, status };
  }
  return started;
}

async function timeRecommend(session: BrowserSession, name: string, items: number, calls = plan.calls, warmup = plan.warmup): Promise<Latency> {
  const timed = await callPageScenario<Timed>(session, { op: 'recommend', name, count: COUNT, warmup, calls, seen: seenIndices(items).map(benchmarkItemId) });
  if (timed.resultCount !== COUNT || timed.seenReturned !== 0) problems.push(`${session.engine} ${name}: ${timed.resultCount} results, ${timed.seenReturned} already seen`);
  return timed.latency;
}

async function timeNaive(session: BrowserSession, calls = plan.calls, warmup = plan.warmup): Promise<Latency> {
  return (await callPageScenario<{ latency: Latency }>(session, { op: 'naive', count: COUNT, warmup, calls })).latency;
}

/** The streaming bound of the page's `bound` op: one plain pass over the table, in the same engine. */
async function timeBound(session: BrowserSession): Promise<Latency> {
  return (await callPageScenario<{ latency: Latency }>(session, { op: 'bound', warmup: 5, calls: plan.calls / 4 })).latency;
}

interface EngineSizeResult {
  items: number;
  /** The default, `threads: 'auto'`, on the bench's cross-origin isolated page. */
  wasm?: Summary;
  /** `threads: 1`: what a page without cross-origin isolation gets. */
  wasmOneThread?: Summary;
  /** The default, `threads: 'auto'`: the engine's worker plus screening helpers where it can start them. */
  js: Summary;
  /** `threads: 1`: the kernel alone (engines whose workers cannot start workers). */
  jsOneThread?: Summary;
  /** WPE, `threads: 2`: a helper the page starts (its workers cannot start workers). */
  jsPageHelper?: Summary;
  /** `backend: 'wasm-int8'` on its default threads: the SIMD build where the engine has SIMD, else MVP. */
  wasmInt8?: Summary;
  /** `wasm-int8`, `threads: 1`. */
  wasmInt8OneThread?: Summary;
  naiveJs?: Summary;
  /** The streaming bound: a plain Int32Array read of the same int8 table on the page's main thread. */
  bound?: Summary;
}

interface ChromiumResult {
  timerResolutionMs: number;
  /** Threads the default (`auto`) wasm backend ran on, and why. */
  wasmThreads: number;
  wasmThreadsReason: string;
  /** Threads the default (`auto`) js backend ran on, and why. */
  jsThreads: number;
  jsThreadsReason: string;
  bySize: EngineSizeResult[];
  throttled: { wasm: Summary; wasmOneThread: Summary; js: Summary; naiveJs: Summary };
  memory: { wasm?: WorkerMemory; js?: WorkerMemory; wasmInt8?: WorkerMemory };
  /** Threads the default wasm-int8 backend ran on, and why. */
  wasmInt8Threads: number;
  wasmInt8ThreadsReason: string;
  /** What `backend: 'auto'` settled on. */
  autoBackend: string;
  coldStarts: StartResult[];
  coldStartsJs: StartResult[];
  /** Downloads of the stored model's factors.bin during the cold starts. */
  modelDownloads: number;
}

async function runChromium(server: StaticServer, pageUrl: string): Promise<ChromiumResult> {
  const session = await launchBrowserSession('chromium');
  try {
    const timerResolutionMs = await runPageScenario<number>(session, pageUrl, { op: 'timerResolution' });
    const bySize: EngineSizeResult[] = [];
    let throttled: ChromiumResult['throttled'] | undefined;
    let memory: ChromiumResult['memory'] = {};
    let wasmThreads = 1;
    let wasmThreadsReason = '';
    let jsThreads = 1;
    let jsThreadsReason = '';
    let wasmInt8Threads = 1;
    let wasmInt8ThreadsReason = '';
    for (const items of sizes) {
      const headline = items === HEADLINE_ITEMS;
      const runs = headline ? plan.runs : 1;
      log(`chromium ${items} items: starting wasm, js and wasm-int8, each on threads auto and 1 thread`);
      const wasmStart = await startRecommender(session, server, `wasm-${items}`, items, 'wasm');
      wasmThreads = wasmStart.status.backendThreads;
      wasmThreadsReason = wasmStart.status.backendReason;
      await startRecommender(session, server, `wasm1-${items}`, items, 'wasm', 1);
      const jsStart = await startRecommender(session, server, `js-${items}`, items, 'js');
      jsThreads = jsStart.status.backendThreads;
      jsThreadsReason = jsStart.status.backendReason;
      await startRecommender(session, server, `js1-${items}`, items, 'js', 1);
      const int8Start = await startRecommender(session, server, `int8-${items}`, items, 'wasm-int8');
      await startRecommender(session, server, `int81-${items}`, items, 'wasm-int8', 1);
      if (headline) {
        await callPageScenario(session, { op: 'loadNaive', factorsUrl: `${modelPath(items)}factors.bin`, seenIndices: seenIndices(items) });
        await callPageScenario(session, { op: 'loadBound', factorsUrl: `${modelPath(items)}factors.bin` });
      }
      const wasmRuns: Latency[] = [];
      const wasmOneThreadRuns: Latency[] = [];
      const jsRuns: Latency[] = [];
      const jsOneThreadRuns: Latency[] = [];
      const int8Runs: Latency[] = [];
      const int8OneThreadRuns: Latency[] = [];
      const naiveRuns: Latency[] = [];
      const boundRuns: Latency[] = [];
      // Interleaved, so a burst of load on the shared machine hits every configuration alike.
      for (let run = 0; run < runs; run++) {
        log(`chromium ${items} items: run ${run + 1}/${runs}`);
        wasmRuns.push(await timeRecommend(session, `wasm-${items}`, items));
        wasmOneThreadRuns.push(await timeRecommend(session, `wasm1-${items}`, items));
        jsRuns.push(await timeRecommend(session, `js-${items}`, items));
        jsOneThreadRuns.push(await timeRecommend(session, `js1-${items}`, items));
        int8Runs.push(await timeRecommend(session, `int8-${items}`, items));
        int8OneThreadRuns.push(await timeRecommend(session, `int81-${items}`, items));
        if (headline) naiveRuns.push(await timeNaive(session));
        if (headline) boundRuns.push(await timeBound(session));
      }
      // What the js kernel's own timing of its helpers decided (it runs during the first queries).
      const jsAfter = await callPageScenario<RecommenderStatus>(session, { op: 'status', name: `js-${items}` });
      const int8After = await callPageScenario<RecommenderStatus>(session, { op: 'status', name: `int8-${items}` });
      if (int8After.backend !== 'wasm-int8') problems.push(`chromium int8-${items}: runs ${int8After.backend} (${int8After.backendReason})`);
      if (headline) {
        jsThreads = jsAfter.backendThreads;
        jsThreadsReason = jsAfter.backendReason;
        wasmInt8Threads = int8After.backendThreads;
        wasmInt8ThreadsReason = int8After.backendReason || int8Start.status.backendReason;
      }
      bySize.push({
        items,
        wasm: summarise(wasmRuns),
        wasmOneThread: summarise(wasmOneThreadRuns),
        js: summarise(jsRuns),
        jsOneThread: summarise(jsOneThreadRuns),
        wasmInt8: summarise(int8Runs),
        wasmInt8OneThread: summarise(int8OneThreadRuns),
        ...(headline ? { naiveJs: summarise(naiveRuns), bound: summariseBound(boundRuns) } : {}),
      });
      // Memory is measured with one engine of each backend running (on its default threads).
      await callPageScenario(session, { op: 'dispose', name: `js1-${items}` });
      await callPageScenario(session, { op: 'dispose', name: `int81-${items}` });
      if (headline) {
        log(`chromium ${items} items: CPU throttling ${THROTTLE_RATE}×`);
        await session.chromiumPage!.setCpuThrottling(THROTTLE_RATE);
        try {
          const throttledWasm: Latency[] = [];
          for (let run = 0; run < runs; run++) throttledWasm.push(await timeRecommend(session, `wasm-${items}`, items));
          // One shorter run each: enough to show whether the throttle reaches the worker at all.
          const throttledWasmOneThread = await timeRecommend(session, `wasm1-${items}`, items, 50, 5);
          const throttledJs = await timeRecommend(session, `js-${items}`, items, 50, 5);
          const throttledNaive = await timeNaive(session, 50, 5);
          throttled = { wasm: summarise(throttledWasm), wasmOneThread: summarise([throttledWasmOneThread]), js: summarise([throttledJs]), naiveJs: summarise([throttledNaive]) };
        } finally {
          await session.chromiumPage!.setCpuThrottling(1);
        }
        await callPageScenario(session, { op: 'dropNaive' });
        // Measured alone, so that the ORT workers found belong to the default (threads auto) engine.
        await callPageScenario(session, { op: 'dispose', name: `wasm1-${items}` });
        log(`chromium ${items} items: worker memory (DevTools heap snapshot)`);
        // `self.ort` exists only in the worker that loaded onnxruntime-web (the wasm backend); its
        // pthreads (ORT's own workers, nested in it) are measured with it.
        const workers = await measureWorkerMemory(session.chromiumPage!.page, 'ondeck-worker.js', 'typeof self.ort');
        // Of the two without onnxruntime-web, the wasm-int8 engine is the one with a WebAssembly memory.
        const others = workers.filter((worker) => worker.probe !== 'object');
        memory = { wasm: workers.find((worker) => worker.probe === 'object'), js: others.find((worker) => worker.wasmMemoryBytes === 0), wasmInt8: others.find((worker) => worker.wasmMemoryBytes > 0) };
        if (others.length !== 2) problems.push(`chromium memory: ${others.length} engine workers without ORT found, expected 2 (js, wasm-int8)`);
      } else {
        await callPageScenario(session, { op: 'dispose', name: `wasm1-${items}` });
      }
      for (const name of [`wasm-${items}`, `js-${items}`, `int8-${items}`]) await callPageScenario(session, { op: 'dispose', name });
    }

    const auto = await autoChoice(session, server);
    // Cold start: a reloaded page whose IndexedDB already holds the model (and the history), as a
    // TV app started again: backend auto (what an app leaves it at), then js forced, which shows
    // what loading onnxruntime-web costs.
    const coldStarts: StartResult[] = [];
    const coldStartsJs: StartResult[] = [];
    const requestsBefore = server.requestedPaths.length;
    for (const backend of ['auto', 'js'] as const) {
      for (let run = 0; run < plan.coldStarts; run++) {
        log(`chromium cold start (${backend}) ${run + 1}/${plan.coldStarts}`);
        await session.reload();
        const started = await callPageScenario<StartResult>(session, {
          op: 'start',
          name: 'cold',
          modelUrl: server.origin + modelPath(HEADLINE_ITEMS),
          databaseName: `bench-wasm-${HEADLINE_ITEMS}`,
          backend,
        });
        if (started.status.historyLength !== HISTORY_ITEMS) problems.push(`cold start: history of ${started.status.historyLength}, expected ${HISTORY_ITEMS} from IndexedDB`);
        (backend === 'js' ? coldStartsJs : coldStarts).push(started);
      }
    }
    // The model is in IndexedDB: any download of its files during these starts is the start-up
    // update check fetching more than model.json.
    const modelDownloads = server.requestedPaths.slice(requestsBefore).filter((path) => path.startsWith(`${modelPath(HEADLINE_ITEMS)}factors.bin`)).length;
    await callPageScenario(session, { op: 'dispose', name: 'cold' });
    if (!throttled) throw new Error(`the headline size ${HEADLINE_ITEMS} was not measured`);
    return { timerResolutionMs, wasmThreads, wasmThreadsReason, jsThreads, jsThreadsReason, wasmInt8Threads, wasmInt8ThreadsReason, autoBackend: auto.backend, bySize, throttled, memory, coldStarts, coldStartsJs, modelDownloads };
  } finally {
    await session.close();
  }
}

interface WpeResult {
  timerResolutionMs: number;
  jsThreads: number;
  jsThreadsReason: string;
  /** Why the wasm-int8 backend runs as it does (its build, its threads). */
  wasmInt8Reason: string;
  /** What `backend: 'auto'` chose, and why. */
  autoBackend: string;
  autoReason: string;
  bySize: EngineSizeResult[];
}

async function runWpe(server: StaticServer, pageUrl: string): Promise<WpeResult> {
  const session = await launchBrowserSession('wpe');
  try {
    const timerResolutionMs = await runPageScenario<number>(session, pageUrl, { op: 'timerResolution' });
    const bySize: EngineSizeResult[] = [];
    let jsThreads = 1;
    let jsThreadsReason = '';
    let wasmInt8Reason = '';
    for (const items of sizes) {
      const headline = items === HEADLINE_ITEMS;
      const runs = headline ? plan.runs : 1;
      log(`wpe ${items} items: starting js (threads auto), js (threads 2: a page-started helper) and wasm-int8 (threads auto)`);
      const jsStart = await startRecommender(session, server, `js-${items}`, items, 'js');
      jsThreads = jsStart.status.backendThreads;
      jsThreadsReason = jsStart.status.backendReason;
      await startRecommender(session, server, `js2-${items}`, items, 'js', 2);
      const int8Start = await startRecommender(session, server, `int8-${items}`, items, 'wasm-int8');
      if (headline) wasmInt8Reason = int8Start.status.backendReason;
      if (headline) {
        await callPageScenario(session, { op: 'loadNaive', factorsUrl: `${modelPath(items)}factors.bin`, seenIndices: seenIndices(items) });
        await callPageScenario(session, { op: 'loadBound', factorsUrl: `${modelPath(items)}factors.bin` });
      }
      const jsRuns: Latency[] = [];
      const jsPageHelperRuns: Latency[] = [];
      const int8Runs: Latency[] = [];
      const naiveRuns: Latency[] = [];
      const boundRuns: Latency[] = [];
      for (let run = 0; run < runs; run++) {
        log(`wpe ${items} items: run ${run + 1}/${runs}`);
        jsRuns.push(await timeRecommend(session, `js-${items}`, items));
        jsPageHelperRuns.push(await timeRecommend(session, `js2-${items}`, items));
        int8Runs.push(await timeRecommend(session, `int8-${items}`, items));
        if (headline) naiveRuns.push(await timeNaive(session));
        if (headline) boundRuns.push(await timeBound(session));
      }
      const jsAfter = await callPageScenario<RecommenderStatus>(session, { op: 'status', name: `js-${items}` });
      if (headline) {
        jsThreads = jsAfter.backendThreads;
        jsThreadsReason = jsAfter.backendReason;
      }
      if (headline) await callPageScenario(session, { op: 'dropNaive' });
      await callPageScenario(session, { op: 'dispose', name: `js-${items}` });
      await callPageScenario(session, { op: 'dispose', name: `js2-${items}` });
      await callPageScenario(session, { op: 'dispose', name: `int8-${items}` });
      bySize.push({
        items,
        js: summarise(jsRuns),
        jsPageHelper: summarise(jsPageHelperRuns),
        wasmInt8: summarise(int8Runs),
        ...(headline ? { naiveJs: summarise(naiveRuns), bound: summariseBound(boundRuns) } : {}),
      });
    }
    const auto = await autoChoice(session, server);
    return { timerResolutionMs, jsThreads, jsThreadsReason, wasmInt8Reason, autoBackend: auto.backend, autoReason: auto.backendReason, bySize };
  } finally {
    await session.close();
  }
}

/** What `backend: 'auto'` settles on in this engine for the headline model (after any background upgrade). */
async function autoChoice(session: BrowserSession, server: StaticServer): Promise<RecommenderStatus> {
  const name = `auto-${HEADLINE_ITEMS}`;
  await callPageScenario<StartResult>(session, { op: 'start', name, modelUrl: server.origin + modelPath(HEADLINE_ITEMS), backend: 'auto', threads: 'auto', databaseName: `bench-${name}` });
  // Where ORT can run, `auto` answers on js and upgrades in the background: wait for the upgrade.
  let status = await callPageScenario<RecommenderStatus>(session, { op: 'status', name });
  for (let wait = 0; wait < 100 && /upgrade to wasm pending/.test(status.backendReason); wait++) {
    await new Promise((done) => setTimeout(done, 100));
    status = await callPageScenario<RecommenderStatus>(session, { op: 'status', name });
  }
  await callPageScenario(session, { op: 'dispose', name });
  return status;
}

/** One older TV generation (a Qt WebEngine Chromium): what it can run, at every size. */
interface TvGenerationResult {
  engine: TvGenerationEngine;
  userAgent: string;
  timerResolutionMs: number;
  /** Threads the default js backend ran on, and why. */
  jsThreads: number;
  jsThreadsReason: string;
  /** Where the engine has WebAssembly SIMD: the default wasm backend's threads and why. */
  wasmThreads?: number;
  wasmThreadsReason?: string;
  /** Why the wasm-int8 backend runs as it does (its build, its threads). */
  wasmInt8Reason: string;
  /** What `backend: 'auto'` chose, and why. */
  autoBackend: string;
  autoReason: string;
  bySize: EngineSizeResult[];
}
type TvGenerationEngine = 'chromium102' | 'chromium87';

/**
 * Times one older Chromium (Qt WebEngine) the way a TV of its generation runs ondeck: `wasm`
 * where it has WebAssembly SIMD, `js` always, both on their default threads, next to the naive
 * float32 loop in the same page at every size (the ratio is the engine's own).
 */
async function runTvGeneration(engine: TvGenerationEngine, server: StaticServer, pageUrl: string): Promise<TvGenerationResult> {
  const session = await launchBrowserSession(engine);
  const withWasm = engineFacts[engine].webAssemblySimd;
  try {
    const timerResolutionMs = await runPageScenario<number>(session, pageUrl, { op: 'timerResolution' });
    const userAgent = await session.call<string>('function () { return navigator.userAgent; }');
    const bySize: EngineSizeResult[] = [];
    let jsThreads = 1;
    let jsThreadsReason = '';
    let wasmThreads: number | undefined;
    let wasmThreadsReason: string | undefined;
    let wasmInt8Reason = '';
    for (const items of sizes) {
      const headline = items === HEADLINE_ITEMS;
      const runs = headline ? plan.runs : 1;
      log(`${engine} ${items} items: starting ${withWasm ? 'wasm, ' : ''}js and wasm-int8 (threads auto) and the naive loop`);
      if (withWasm) {
        const wasmStart = await startRecommender(session, server, `wasm-${items}`, items, 'wasm');
        wasmThreads = wasmStart.status.backendThreads;
        wasmThreadsReason = wasmStart.status.backendReason;
      }
      const jsStart = await startRecommender(session, server, `js-${items}`, items, 'js');
      jsThreads = jsStart.status.backendThreads;
      jsThreadsReason = jsStart.status.backendReason;
      const int8Start = await startRecommender(session, server, `int8-${items}`, items, 'wasm-int8');
      if (headline) wasmInt8Reason = int8Start.status.backendReason;
      await callPageScenario(session, { op: 'loadNaive', factorsUrl: `${modelPath(items)}factors.bin`, seenIndices: seenIndices(items) });
      if (headline) await callPageScenario(session, { op: 'loadBound', factorsUrl: `${modelPath(items)}factors.bin` });
      const wasmRuns: Latency[] = [];
      const jsRuns: Latency[] = [];
      const int8Runs: Latency[] = [];
      const naiveRuns: Latency[] = [];
      const boundRuns: Latency[] = [];
      for (let run = 0; run < runs; run++) {
        log(`${engine} ${items} items: run ${run + 1}/${runs}`);
        if (withWasm) wasmRuns.push(await timeRecommend(session, `wasm-${items}`, items));
        jsRuns.push(await timeRecommend(session, `js-${items}`, items));
        int8Runs.push(await timeRecommend(session, `int8-${items}`, items));
        naiveRuns.push(await timeNaive(session));
        if (headline) boundRuns.push(await timeBound(session));
      }
      await callPageScenario(session, { op: 'dropNaive' });
      if (withWasm) await callPageScenario(session, { op: 'dispose', name: `wasm-${items}` });
      await callPageScenario(session, { op: 'dispose', name: `js-${items}` });
      await callPageScenario(session, { op: 'dispose', name: `int8-${items}` });
      bySize.push({
        items,
        js: summarise(jsRuns),
        wasmInt8: summarise(int8Runs),
        naiveJs: summarise(naiveRuns),
        ...(withWasm ? { wasm: summarise(wasmRuns) } : {}),
        ...(headline ? { bound: summariseBound(boundRuns) } : {}),
      });
    }
    const auto = await autoChoice(session, server);
    return { engine, userAgent, timerResolutionMs, jsThreads, jsThreadsReason, wasmThreads, wasmThreadsReason, wasmInt8Reason, autoBackend: auto.backend, autoReason: auto.backendReason, bySize };
  } finally {
    await session.close();
  }
}

interface BundleSizes {
  [file: string]: { bytes: number; gzip: number; brotli: number; budgetBrotli: number };
}

function readBundleSizes(): BundleSizes {
  try {
    return JSON.parse(readFileSync(join(root, 'dist/browser/sizes.json'), 'utf8')) as BundleSizes;
  } catch {
    throw new Error('dist/browser/sizes.json is missing: run `node scripts/build.mjs && node scripts/checkBundles.mjs` first (npm run bench:device does)');
  }
}

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
};
const ms = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));
const mb = (bytes: number): number => round(bytes / 2 ** 20, 1);

async function main(): Promise<void> {
  const loadBefore = loadavg();
  log(`${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ${quick ? 'quick' : 'full'} run`);
  const bundles = readBundleSizes();
  const modelsDirectory = await mkdtemp(join(tmpdir(), 'ondeck-bench-device-'));
  let server: StaticServer | undefined;
  try {
    for (const items of sizes) {
      const started = performance.now();
      await writeBenchmarkModel(join(modelsDirectory, `items-${items}`), { itemCount: items, dims: DIMS, seed: items });
      log(`model ${items} × ${DIMS} written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    // 127.0.0.1 only (startStaticServer never binds another interface).
    // Served cross-origin isolated (COOP + COEP), as an app that wants ORT's threads serves itself.
    server = await startStaticServer({
      headers: crossOriginIsolationHeaders,
      mounts: {
        '/dist/': join(root, 'dist/browser'),
        '/bench/': join(root, 'scripts/bench/pages'),
        '/harness/': join(root, 'test/browser/pages'),
        '/models/': modelsDirectory,
      },
    });
    const pageUrl = `${server.origin}/bench/device.html`;
    const chromium = await runChromium(server, pageUrl);
    const wpe = skipWpe ? undefined : await runWpe(server, pageUrl);
    const tvGenerations: TvGenerationResult[] = [];
    if (!skipQt) for (const engine of ['chromium102', 'chromium87'] as const) tvGenerations.push(await runTvGeneration(engine, server, pageUrl));
    report(chromium, wpe, tvGenerations, bundles, loadBefore);
  } finally {
    await server?.close();
    await rm(modelsDirectory, { recursive: true, force: true });
  }
}

function report(chromium: ChromiumResult, wpe: WpeResult | undefined, tvGenerations: readonly TvGenerationResult[], bundles: BundleSizes, loadBefore: number[]): void {
  const headline = chromium.bySize.find((row) => row.items === HEADLINE_ITEMS)!;
  const wpeHeadline = wpe?.bySize.find((row) => row.items === HEADLINE_ITEMS);
  const wasm = headline.wasm!;
  const wasmOneThread = headline.wasmOneThread!;
  const wasmOneThreadSpeedUp = round(headline.naiveJs!.p50Ms / wasmOneThread.p50Ms);
  const js = headline.js;
  const jsOneThread = headline.jsOneThread!;
  const naive = headline.naiveJs!;
  const wasmSpeedUp = round(naive.p50Ms / wasm.p50Ms);
  const jsSpeedUp = round(naive.p50Ms / js.p50Ms);
  const jsOneThreadSpeedUp = round(naive.p50Ms / jsOneThread.p50Ms);
  const throttled = chromium.throttled;
  // CDP throttling is applied to the page; how much of it reaches the worker is measured here
  // (the js backend's slowdown) next to the main thread's (the naive loop's). The estimate
  // assumes every thread 6× slower.
  const mainThreadSlowdown = round(throttled.naiveJs.p50Ms / naive.p50Ms, 1);
  const workerSlowdown = round(throttled.js.p50Ms / js.p50Ms, 1);
  const allThreadsEstimate = round(THROTTLE_RATE * wasm.p50Ms);
  const coldStartMs = round(median(chromium.coldStarts.map((start) => start.firstResultMs)), 1);
  const coldReadyMs = round(median(chromium.coldStarts.map((start) => start.readyMs)), 1);
  const coldStartJsMs = round(median(chromium.coldStartsJs.map((start) => start.firstResultMs)), 1);
  const memory = chromium.memory.wasm;
  const memoryJs = chromium.memory.js;
  const workerMemoryMB = memory ? mb(memory.totalBytes) : null;
  const bundleBrotliBytes = {
    main: bundles['ondeck.js'].brotli,
    mainEsm: bundles['ondeck.mjs']?.brotli ?? null,
    worker: bundles['ondeck-worker.js'].brotli,
  };
  const loadAfter = loadavg();

  const int8 = wasmInt8Figures(chromium, wpe, tvGenerations);
  const targets = [
    ...int8.targets,
    { name: 'chromium wasm p50 (100k) ≤ 2 ms', target: 2, measured: wasm.p50Ms, pass: wasm.p50Ms <= 2 },
    { name: 'chromium wasm ≥ 5× faster than naive JS (p50)', target: 5, measured: wasmSpeedUp, pass: wasmSpeedUp >= 5 },
    { name: 'chromium js ≥ 2× faster than naive JS (p50)', target: 2, measured: jsSpeedUp, pass: jsSpeedUp >= 2 },
    { name: `chromium wasm p50 with CDP throttling ${THROTTLE_RATE}× ≤ 12 ms`, target: 12, measured: throttled.wasm.p50Ms, pass: throttled.wasm.p50Ms <= 12 },
    { name: `(estimate) chromium wasm p50 with every thread ${THROTTLE_RATE}× slower ≤ 12 ms`, target: 12, measured: allThreadsEstimate, pass: allThreadsEstimate <= 12 },
    { name: 'wpe js p50 (100k) ≤ 10 ms', target: 10, measured: wpeHeadline?.js.p50Ms ?? null, pass: wpeHeadline ? wpeHeadline.js.p50Ms <= 10 : null },
    { name: 'cold start, warm IndexedDB → first result ≤ 400 ms', target: 400, measured: coldStartMs, pass: coldStartMs <= 400 },
    { name: 'worker memory (wasm backend, 100k) ≤ 64 MB', target: 64, measured: workerMemoryMB, pass: workerMemoryMB === null ? null : workerMemoryMB <= 64 },
    { name: 'main bundle ≤ 8 KB brotli', target: 8192, measured: bundleBrotliBytes.main, pass: bundleBrotliBytes.main <= 8192 },
    { name: 'worker bundle ≤ 48 KB brotli (ORT excluded)', target: 49152, measured: bundleBrotliBytes.worker, pass: bundleBrotliBytes.worker <= 49152 },
  ];

  const lines: string[] = [];
  lines.push(`# ondeck device benchmark (${quick ? 'quick' : 'full'})`, '');
  lines.push(
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at start, ` +
      `${loadAfter.map((l) => l.toFixed(2)).join(' ')} at end. ${DIMS} factors, ${HISTORY_ITEMS}-title history excluded, top-${COUNT}, ` +
      `end to end from the main-thread recommend() call; ${plan.warmup} warm-up + ${plan.calls} timed calls per run, medians of ${plan.runs} interleaved runs at ${HEADLINE_ITEMS / 1000}k ` +
      `(1 run at other sizes). Timer resolution: Chromium ${round(chromium.timerResolutionMs, 3)} ms${wpe ? `, WPE ${round(wpe.timerResolutionMs, 3)} ms` : ''}.`,
    '',
  );
  lines.push(`## ${HEADLINE_ITEMS / 1000}k items`, '');
  const speedUp = (summary: Summary) => `${round(naive.p50Ms / summary.p50Ms)}×`;
  const threadsLabel = chromium.wasmThreads === 1 ? '1 thread' : `${chromium.wasmThreads} threads`;
  const jsThreadsLabel = chromium.jsThreads === 1 ? '1 thread' : `${chromium.jsThreads} threads`;
  const headlineRows = [
    [`chromium wasm (default: ${threadsLabel})`, ms(wasm.p50Ms), ms(wasm.p90Ms), speedUp(wasm), wasm.runsP50Ms.join(' ')],
    ['chromium wasm, 1 thread', ms(wasmOneThread.p50Ms), ms(wasmOneThread.p90Ms), speedUp(wasmOneThread), wasmOneThread.runsP50Ms.join(' ')],
    [`chromium js (default: ${jsThreadsLabel})`, ms(js.p50Ms), ms(js.p90Ms), speedUp(js), js.runsP50Ms.join(' ')],
    ['chromium js, 1 thread', ms(jsOneThread.p50Ms), ms(jsOneThread.p90Ms), speedUp(jsOneThread), jsOneThread.runsP50Ms.join(' ')],
    [`chromium wasm-int8 (default: ${chromium.wasmInt8Threads === 1 ? '1 thread' : `${chromium.wasmInt8Threads} threads`})`, ms(headline.wasmInt8!.p50Ms), ms(headline.wasmInt8!.p90Ms), speedUp(headline.wasmInt8!), headline.wasmInt8!.runsP50Ms.join(' ')],
    ['chromium wasm-int8, 1 thread', ms(headline.wasmInt8OneThread!.p50Ms), ms(headline.wasmInt8OneThread!.p90Ms), speedUp(headline.wasmInt8OneThread!), headline.wasmInt8OneThread!.runsP50Ms.join(' ')],
    ['chromium naive float32 JS (main thread)', ms(naive.p50Ms), ms(naive.p90Ms), '1×', naive.runsP50Ms.join(' ')],
    ['chromium streaming read of the int8 table (main thread, the bound)', ms(headline.bound!.p50Ms), ms(headline.bound!.p90Ms), '', headline.bound!.runsP50Ms.join(' ')],
    [`chromium wasm (${threadsLabel}), CDP throttling ${THROTTLE_RATE}×`, ms(throttled.wasm.p50Ms), ms(throttled.wasm.p90Ms), '', throttled.wasm.runsP50Ms.join(' ')],
    [`chromium wasm, 1 thread, CDP throttling ${THROTTLE_RATE}×`, ms(throttled.wasmOneThread.p50Ms), ms(throttled.wasmOneThread.p90Ms), '', throttled.wasmOneThread.runsP50Ms.join(' ')],
    [`chromium js (${jsThreadsLabel}), CDP throttling ${THROTTLE_RATE}×`, ms(throttled.js.p50Ms), ms(throttled.js.p90Ms), '', throttled.js.runsP50Ms.join(' ')],
    [`chromium naive JS, CDP throttling ${THROTTLE_RATE}×`, ms(throttled.naiveJs.p50Ms), ms(throttled.naiveJs.p90Ms), '', throttled.naiveJs.runsP50Ms.join(' ')],
  ];
  if (wpeHeadline) {
    const wpeNaive = wpeHeadline.naiveJs;
    const wpeSpeedUp = (summary: Summary) => (wpeNaive ? `${round(wpeNaive.p50Ms / summary.p50Ms)}× (vs WPE naive)` : '');
    const wpeThreadsLabel = wpe!.jsThreads === 1 ? '1 thread' : `${wpe!.jsThreads} threads`;
    headlineRows.push([`wpe js (default: ${wpeThreadsLabel})`, ms(wpeHeadline.js.p50Ms), ms(wpeHeadline.js.p90Ms), wpeSpeedUp(wpeHeadline.js), wpeHeadline.js.runsP50Ms.join(' ')]);
    if (wpeHeadline.jsPageHelper) {
      const helped = wpeHeadline.jsPageHelper;
      headlineRows.push(['wpe js, threads: 2 (a page-started helper)', ms(helped.p50Ms), ms(helped.p90Ms), wpeSpeedUp(helped), helped.runsP50Ms.join(' ')]);
    }
    if (wpeHeadline.wasmInt8) headlineRows.push(['wpe wasm-int8 (MVP build, default threads)', ms(wpeHeadline.wasmInt8.p50Ms), ms(wpeHeadline.wasmInt8.p90Ms), wpeSpeedUp(wpeHeadline.wasmInt8), wpeHeadline.wasmInt8.runsP50Ms.join(' ')]);
    if (wpeHeadline.naiveJs) headlineRows.push(['wpe naive float32 JS (main thread)', ms(wpeHeadline.naiveJs.p50Ms), ms(wpeHeadline.naiveJs.p90Ms), '', wpeHeadline.naiveJs.runsP50Ms.join(' ')]);
    if (wpeHeadline.bound) headlineRows.push(['wpe streaming read of the int8 table (the bound)', ms(wpeHeadline.bound.p50Ms), ms(wpeHeadline.bound.p90Ms), '', wpeHeadline.bound.runsP50Ms.join(' ')]);
  }
  lines.push(table(['configuration', 'p50 ms', 'p90 ms', 'speed-up vs naive', 'p50 of each run'], headlineRows), '');
  lines.push(
    `The page is served cross-origin isolated (COOP + COEP), so the default \`threads: 'auto'\` gives onnxruntime-web ${threadsLabel} ("${chromium.wasmThreadsReason}"); ` +
      "the 1-thread row is what a page without isolation gets. " +
      `The js kernel needs no isolation: by default it screens on ${jsThreadsLabel} ("${chromium.jsThreadsReason}"), the engine's worker and helper workers each taking a part of the rows; ` +
      "its 1-thread row is what an engine gets where neither its worker nor the page can start one." +
      (wpe ? ` WPE's workers cannot start workers: 'auto' stays on one thread there ("${wpe.jsThreadsReason}"), and threads: 2 has the page start a helper.` : '') +
      " The naive loop runs on one thread, the page's main thread.",
    '',
  );
  lines.push(
    `CDP throttling ${THROTTLE_RATE}× slowed the main thread ${mainThreadSlowdown}× (naive loop) and the worker ${workerSlowdown}× (js backend): it does not slow the worker fully. ` +
      `If every thread were ${THROTTLE_RATE}× slower, wasm p50 would be about ${THROTTLE_RATE} × ${ms(wasm.p50Ms)} = ${ms(allThreadsEstimate)} ms.`,
    '',
  );

  lines.push(`## wasm-int8 against ORT, js and the streaming bound (${HEADLINE_ITEMS / 1000}k, p50 ms, same page per engine)`, '');
  lines.push(table(['engine', 'wasm-int8 (build, threads)', 'wasm-int8', 'js (same threads)', 'js ÷ wasm-int8', 'ORT wasm', 'ORT ÷ wasm-int8', 'streaming read', 'wasm-int8 ÷ read', '`auto` runs'], int8.rows), '');
  lines.push(
    "Every figure is one engine's own page: recommend() end to end (fold-in, the worker round trip, filters) for the backends; the streaming read is one plain pass summing the same int8 table as an Int32Array on the page's main thread, " +
      "nothing else: a floor no backend reaches through recommend(), whose round trip alone is a part of the p50. The chromium ORT row pairs thread counts: wasm-int8 on its default threads against ORT on its default (2 threads on this isolated page), and 1 thread against 1 thread in the JSON.",
    '',
  );
  lines.push('## Scaling (p50 / p90 ms)', '');
  const scalingRows = sizes.map((items) => {
    const chromiumRow = chromium.bySize.find((row) => row.items === items);
    const wpeRow = wpe?.bySize.find((row) => row.items === items);
    const cell = (summary?: Summary) => (summary ? `${ms(summary.p50Ms)} / ${ms(summary.p90Ms)}` : '–');
    return [`${items / 1000}k`, cell(chromiumRow?.wasm), cell(chromiumRow?.wasmOneThread), cell(chromiumRow?.js), cell(chromiumRow?.jsOneThread), cell(wpeRow?.js), cell(wpeRow?.jsPageHelper)];
  });
  const wpeLabel = wpe && wpe.jsThreads > 1 ? `wpe js (${wpe.jsThreads} threads)` : 'wpe js';
  lines.push(table(['items', `chromium wasm (${threadsLabel})`, 'chromium wasm (1 thread)', `chromium js (${jsThreadsLabel})`, 'chromium js (1 thread)', wpeLabel, 'wpe js (threads: 2, page helper)'], scalingRows), '');

  if (tvGenerations.length > 0) {
    lines.push('## TV generations (p50 / p90 ms; speed-up vs the naive loop in the same engine)', '');
    const generationRows: string[][] = [];
    const cellOf = (summary: Summary | undefined, naiveSummary: Summary | undefined) =>
      summary ? `${ms(summary.p50Ms)} / ${ms(summary.p90Ms)}${naiveSummary ? ` (${round(naiveSummary.p50Ms / summary.p50Ms)}×)` : ''}` : '–';
    const rowFor = (label: string, pick: (row: EngineSizeResult) => Summary | undefined, bySize: readonly EngineSizeResult[], withRatio: boolean) => [
      label,
      ...sizes.map((items) => {
        const row = bySize.find((candidate) => candidate.items === items);
        return row ? cellOf(pick(row), withRatio ? row.naiveJs : undefined) : '–';
      }),
    ];
    generationRows.push(rowFor(`chromium 156 wasm (${threadsLabel})`, (row) => row.wasm, chromium.bySize, false));
    generationRows.push(rowFor(`chromium 156 js (${jsThreadsLabel})`, (row) => row.js, chromium.bySize, false));
    for (const generation of tvGenerations) {
      const label = engineFacts[generation.engine].label;
      const threadsOf = (threads: number | undefined) => (threads === 1 ? '1 thread' : `${threads} threads`);
      if (generation.wasmThreads !== undefined) generationRows.push(rowFor(`${label} wasm (${threadsOf(generation.wasmThreads)})`, (row) => row.wasm, generation.bySize, true));
      generationRows.push(rowFor(`${label} js (${threadsOf(generation.jsThreads)})`, (row) => row.js, generation.bySize, true));
      generationRows.push(rowFor(`${label} wasm-int8 (${threadsOf(generation.jsThreads)})`, (row) => row.wasmInt8, generation.bySize, true));
      generationRows.push(rowFor(`${label} naive float32 JS (main thread)`, (row) => row.naiveJs, generation.bySize, false));
    }
    if (wpe) generationRows.push(rowFor(`WPE WebKit 2.38 js (${wpe.jsThreads === 1 ? '1 thread' : `${wpe.jsThreads} threads`})`, (row) => row.js, wpe.bySize, true));
    if (wpe) generationRows.push(rowFor('WPE WebKit 2.38 wasm-int8 (MVP)', (row) => row.wasmInt8, wpe.bySize, true));
    lines.push(table(['engine and backend', ...sizes.map((items) => `${items / 1000}k`)], generationRows), '');
    lines.push(
      'Chromium 156 cells are from the tables above (its naive loop runs at 100k only). ' +
        tvGenerations.map((generation) => `${engineFacts[generation.engine].label}: ${generation.userAgent.replace(/^.*?(QtWebEngine\/\S+ Chrome\/\S+).*$/, '$1')}; js "${generation.jsThreadsReason}"` + (generation.wasmThreadsReason ? `; wasm "${generation.wasmThreadsReason}"` : '')).join('. ') +
        '.',
      '',
    );
  }

  lines.push('## Cold start and memory', '');
  lines.push(
    `Cold start (page reloaded, model and history already in IndexedDB, backend auto → ${chromium.coldStarts[0]?.status.backend}): createRecommender → ready ${ms(coldReadyMs)} ms, ` +
      `→ first recommend() result ${ms(coldStartMs)} ms (median of ${chromium.coldStarts.length}: ${chromium.coldStarts.map((start) => start.firstResultMs.toFixed(0)).join(', ')} ms); ` +
      `with the js backend forced (no onnxruntime-web): ${ms(coldStartJsMs)} ms. ` +
      'Every script and ORT\'s 14 MB wasm are fetched again and recompiled (the bench server sends no-store), and the start-up update check runs meanwhile: ' +
      `it downloaded the stored model's factors.bin ${chromium.modelDownloads} time(s) during the ${chromium.coldStarts.length + chromium.coldStartsJs.length} starts.`,
    '',
  );
  const memoryRow = (label: string, worker?: WorkerMemory) =>
    worker
      ? [
          label,
          String(mb(worker.jsHeapBytes)),
          String(mb(worker.embedderHeapBytes)),
          String(mb(worker.arrayBufferBytes)),
          String(mb(worker.wasmMemoryBytes)),
          `${mb(worker.nestedHeapBytes)} (${worker.nestedWorkers})`,
          String(mb(worker.totalBytes)),
          String(mb(worker.wasmCodeBytes)),
        ]
      : [label, '–', '–', '–', '–', '–', '–', '–'];
  lines.push(
    table(
      ['worker (100k items, after GC)', 'JS heap MB', 'Blink MB', 'ArrayBuffers MB', 'wasm memory MB', 'nested workers MB (count)', 'total MB', '(compiled wasm code MB)'],
      [memoryRow(`wasm backend, ${threadsLabel}`, memory), memoryRow('js backend', memoryJs), memoryRow('wasm-int8 backend (alone, default threads)', chromium.memory.wasmInt8)],
    ),
    '',
  );
  lines.push(
    'Measured over the DevTools protocol on the worker target: Runtime.getHeapUsage after HeapProfiler.collectGarbage (V8 heap, Blink heap, ArrayBuffer backing stores), ' +
      'plus the byteLength of every WebAssembly.Memory found in a heap snapshot (ORT\'s linear memory: it never shrinks, so it is the peak reached while the session was created), ' +
      'plus the heaps of the workers it started (ORT\'s pthreads, which share its wasm memory; the js kernel\'s screening helpers, whose part of the table is in their ArrayBuffers and counted in their heaps here). Compiled wasm code is shown, not counted.',
    '',
  );
  lines.push(
    `Bundles (brotli, dist/browser/sizes.json): main ${bundleBrotliBytes.main} B (ESM ${bundleBrotliBytes.mainEsm} B), worker ${bundleBrotliBytes.worker} B; ` +
      "ORT's own files are not counted (fetched only when the wasm backend is chosen).",
    '',
  );
  lines.push('## Targets', '');
  lines.push(table(['target', 'measured', 'pass'], targets.map((t) => [t.name, t.measured === null ? '–' : String(t.measured), t.pass === null ? 'not run' : t.pass ? 'PASS' : 'FAIL'])), '');
  if (problems.length > 0) lines.push('## Problems', '', ...problems.map((problem) => `- ${problem}`), '');
  console.log(lines.join('\n'));

  const chromiumSizes = Object.fromEntries(chromium.bySize.map((row) => [String(row.items), { wasm: row.wasm, wasmOneThread: row.wasmOneThread, js: row.js, jsOneThread: row.jsOneThread }]));
  console.log(
    JSON.stringify({
      benchmark: 'deviceBenchmark',
      quick,
      config: { dims: DIMS, historyItems: HISTORY_ITEMS, count: COUNT, headlineItems: HEADLINE_ITEMS, ...plan },
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? null, loadAverageStart: loadBefore.map((l) => round(l)), loadAverageEnd: loadAfter.map((l) => round(l)), node: process.version },
      chromium: {
        wasm: { ...wasm, speedUpVsNaive: wasmSpeedUp, threads: chromium.wasmThreads, threadsReason: chromium.wasmThreadsReason },
        wasmOneThread: { ...wasmOneThread, speedUpVsNaive: wasmOneThreadSpeedUp },
        js: { ...js, speedUpVsNaive: jsSpeedUp, threads: chromium.jsThreads, threadsReason: chromium.jsThreadsReason },
        jsOneThread: { ...jsOneThread, speedUpVsNaive: jsOneThreadSpeedUp },
        wasmInt8: int8.json.chromium,
        wasmInt8OneThread: headline.wasmInt8OneThread ? { ...headline.wasmInt8OneThread, speedUpVsNaive: round(naive.p50Ms / headline.wasmInt8OneThread.p50Ms) } : null,
        streamingRead: headline.bound ?? null,
        naiveJs: naive,
        throttled6x: {
          p50Ms: throttled.wasm.p50Ms,
          p90Ms: throttled.wasm.p90Ms,
          wasmOneThreadP50Ms: throttled.wasmOneThread.p50Ms,
          rate: THROTTLE_RATE,
          mainThreadSlowdown,
          workerSlowdown,
          jsP50Ms: throttled.js.p50Ms,
          naiveJsP50Ms: throttled.naiveJs.p50Ms,
          allThreadsEstimateP50Ms: allThreadsEstimate,
        },
        timerResolutionMs: round(chromium.timerResolutionMs, 3),
        bySize: chromiumSizes,
      },
      wpe: wpe
        ? {
            js: wpeHeadline ? { ...wpeHeadline.js, speedUpVsNaive: wpeHeadline.naiveJs ? round(wpeHeadline.naiveJs.p50Ms / wpeHeadline.js.p50Ms) : null, threads: wpe.jsThreads, threadsReason: wpe.jsThreadsReason } : null,
            jsPageHelper: wpeHeadline?.jsPageHelper
              ? { ...wpeHeadline.jsPageHelper, speedUpVsNaive: wpeHeadline.naiveJs ? round(wpeHeadline.naiveJs.p50Ms / wpeHeadline.jsPageHelper.p50Ms) : null }
              : null,
            wasmInt8: int8.json.wpe,
            streamingRead: wpeHeadline?.bound ?? null,
            auto: { backend: wpe.autoBackend, reason: wpe.autoReason },
            naiveJs: wpeHeadline?.naiveJs ?? null,
            timerResolutionMs: round(wpe.timerResolutionMs, 3),
            bySize: Object.fromEntries(wpe.bySize.map((row) => [String(row.items), { js: row.js, jsPageHelper: row.jsPageHelper, wasmInt8: row.wasmInt8 ?? null }])),
          }
        : null,
      ...Object.fromEntries(
        tvGenerations.map((generation) => {
          const headlineRow = generation.bySize.find((row) => row.items === HEADLINE_ITEMS);
          const withSpeedUp = (summary: Summary | undefined) => (summary ? { ...summary, speedUpVsNaive: headlineRow?.naiveJs ? round(headlineRow.naiveJs.p50Ms / summary.p50Ms) : null } : null);
          return [
            generation.engine,
            {
              userAgent: generation.userAgent,
              timerResolutionMs: round(generation.timerResolutionMs, 3),
              js: headlineRow ? { ...withSpeedUp(headlineRow.js), threads: generation.jsThreads, threadsReason: generation.jsThreadsReason } : null,
              wasm: headlineRow?.wasm ? { ...withSpeedUp(headlineRow.wasm), threads: generation.wasmThreads, threadsReason: generation.wasmThreadsReason } : null,
              wasmInt8: int8.json[generation.engine],
              streamingRead: headlineRow?.bound ?? null,
              auto: { backend: generation.autoBackend, reason: generation.autoReason },
              naiveJs: headlineRow?.naiveJs ?? null,
              bySize: Object.fromEntries(generation.bySize.map((row) => [String(row.items), { wasm: row.wasm ?? null, js: row.js, wasmInt8: row.wasmInt8 ?? null, naiveJs: row.naiveJs ?? null }])),
            },
          ];
        }),
      ),
      coldStartMs,
      coldStart: {
        readyMs: coldReadyMs,
        firstResultMs: chromium.coldStarts.map((start) => round(start.firstResultMs, 1)),
        backend: chromium.coldStarts[0]?.status.backend ?? null,
        jsBackendMs: coldStartJsMs,
        modelDownloadsDuringStarts: chromium.modelDownloads,
      },
      workerMemoryMB,
      workerMemory: {
        measures: 'Chromium worker after GC: V8 heap + Blink heap + ArrayBuffer backing stores (CDP Runtime.getHeapUsage) + WebAssembly.Memory byteLength (heap snapshot; high-water mark) + the heaps of its nested workers (ORT pthreads, js screening helpers)',
        wasm: memory ? memoryInMegabytes(memory) : null,
        js: memoryJs ? memoryInMegabytes(memoryJs) : null,
        wasmInt8: chromium.memory.wasmInt8 ? memoryInMegabytes(chromium.memory.wasmInt8) : null,
      },
      bundleBrotliBytes,
      // p50s as plain numbers per series (what `npm run bench` charts), p90s beside them.
      scaling: sizes.map((items) => {
        const chromiumRow = chromium.bySize.find((row) => row.items === items);
        const wpeRow = wpe?.bySize.find((row) => row.items === items);
        return {
          items,
          chromiumWasmP50Ms: chromiumRow?.wasm?.p50Ms ?? null,
          chromiumWasmOneThreadP50Ms: chromiumRow?.wasmOneThread?.p50Ms ?? null,
          chromiumJsP50Ms: chromiumRow?.js.p50Ms ?? null,
          chromiumJsOneThreadP50Ms: chromiumRow?.jsOneThread?.p50Ms ?? null,
          wpeJsP50Ms: wpeRow?.js.p50Ms ?? null,
          wpeJsPageHelperP50Ms: wpeRow?.jsPageHelper?.p50Ms ?? null,
          p90Ms: { chromiumWasm: chromiumRow?.wasm?.p90Ms ?? null, chromiumWasmOneThread: chromiumRow?.wasmOneThread?.p90Ms ?? null, chromiumJs: chromiumRow?.js.p90Ms ?? null, chromiumJsOneThread: chromiumRow?.jsOneThread?.p90Ms ?? null, wpeJs: wpeRow?.js.p90Ms ?? null, wpeJsPageHelper: wpeRow?.jsPageHelper?.p90Ms ?? null },
        };
      }),
      targets,
      allTargetsPass: targets.every((t) => t.pass !== false),
      problems,
    }),
  );
}

/** One engine's wasm-int8 figures at the headline size, next to what it is compared with in the same page. */
interface WasmInt8Figures extends Summary {
  /** Its build and threads, from status().backendReason. */
  reason: string;
  /** `js` on the same threads ÷ wasm-int8 (p50). */
  speedUpVsJs: number | null;
  /** ORT `wasm` on its default threads ÷ wasm-int8 (p50), where ORT runs. */
  speedUpVsOrt: number | null;
  /** wasm-int8 ÷ the streaming read of the same table (p50): how far from the bound. */
  timesStreamingRead: number | null;
  /** Worker memory with wasm-int8 alone (Chromium 156 only), MB. */
  memoryMB?: number | null;
}

/**
 * The wasm-int8 rows of every engine (the report's table, the JSON's `wasmInt8` objects) and the
 * issue-16 targets they are held to, all at the headline size.
 */
function wasmInt8Figures(
  chromium: ChromiumResult,
  wpe: WpeResult | undefined,
  tvGenerations: readonly TvGenerationResult[],
): { rows: string[][]; json: Record<string, WasmInt8Figures | null>; targets: { name: string; target: number; measured: number | null; pass: boolean | null }[] } {
  const ratio = (slower: Summary | undefined, faster: Summary | undefined) => (slower && faster ? round(slower.p50Ms / faster.p50Ms) : null);
  const figuresOf = (row: EngineSizeResult | undefined, reason: string, auto: string): { figures: WasmInt8Figures | null; cells: string[] } => {
    const int8 = row?.wasmInt8;
    if (!row || !int8) return { figures: null, cells: [] };
    const figures: WasmInt8Figures = {
      ...int8,
      reason,
      speedUpVsJs: ratio(row.js, int8),
      speedUpVsOrt: ratio(row.wasm, int8),
      timesStreamingRead: row.bound ? round(int8.p50Ms / row.bound.p50Ms, 1) : null,
    };
    const build = /SIMD build/.test(reason) ? 'SIMD' : 'MVP';
    const threads = /screening on (\d+) threads/.exec(reason)?.[1] ?? '1';
    const cells = [
      `${build}, ${threads === '1' ? '1 thread' : `${threads} threads`}`,
      ms(int8.p50Ms),
      ms(row.js.p50Ms),
      `${figures.speedUpVsJs}×`,
      ms(row.wasm?.p50Ms),
      figures.speedUpVsOrt === null ? '–' : `${figures.speedUpVsOrt}×`,
      ms(row.bound?.p50Ms),
      figures.timesStreamingRead === null ? '–' : `${figures.timesStreamingRead}×`,
      auto,
    ];
    return { figures, cells };
  };
  const rows: string[][] = [];
  const json: Record<string, WasmInt8Figures | null> = {};
  const chromiumRow = chromium.bySize.find((row) => row.items === HEADLINE_ITEMS);
  const chromiumFigures = figuresOf(chromiumRow, chromium.wasmInt8ThreadsReason, chromium.autoBackend);
  const memory = chromium.memory.wasmInt8;
  json.chromium = chromiumFigures.figures && { ...chromiumFigures.figures, memoryMB: memory ? mb(memory.totalBytes) : null };
  if (chromiumFigures.figures) rows.push(['Chromium 156', ...chromiumFigures.cells]);
  for (const generation of tvGenerations) {
    const { figures, cells } = figuresOf(
      generation.bySize.find((row) => row.items === HEADLINE_ITEMS),
      generation.wasmInt8Reason,
      generation.autoBackend,
    );
    json[generation.engine] = figures;
    if (figures) rows.push([engineFacts[generation.engine].label, ...cells]);
  }
  if (wpe) {
    const { figures, cells } = figuresOf(
      wpe.bySize.find((row) => row.items === HEADLINE_ITEMS),
      wpe.wasmInt8Reason,
      wpe.autoBackend,
    );
    json.wpe = figures;
    if (figures) rows.push(['WPE WebKit 2.38', ...cells]);
  }
  const oneThreadVsOrt = ratio(chromiumRow?.wasmOneThread, chromiumRow?.wasmInt8OneThread);
  const memoryMB = json.chromium?.memoryMB ?? null;
  const noSimd = (engine: 'wpe' | 'chromium87') => {
    const measured = json[engine]?.speedUpVsJs ?? null;
    return { name: `${engine} wasm-int8 (MVP) ≥ 1.5× faster than js (p50, same page)`, target: 1.5, measured, pass: measured === null ? null : measured >= 1.5 };
  };
  const bothThreads = json.chromium?.speedUpVsOrt ?? null;
  return {
    rows,
    json,
    targets: [
      { name: 'chromium wasm-int8 (SIMD) ≥ 2× faster than ORT wasm, default threads (p50)', target: 2, measured: bothThreads, pass: bothThreads === null ? null : bothThreads >= 2 },
      { name: 'chromium wasm-int8 (SIMD) ≥ 2× faster than ORT wasm, 1 thread each (p50)', target: 2, measured: oneThreadVsOrt, pass: oneThreadVsOrt === null ? null : oneThreadVsOrt >= 2 },
      {
        name: 'chromium wasm-int8 p50 (100k, default threads) ≤ 0.4 ms',
        target: 0.4,
        measured: json.chromium?.p50Ms ?? null,
        pass: json.chromium ? json.chromium.p50Ms <= 0.4 : null,
      },
      { name: 'chromium worker memory, wasm-int8 backend ≤ 32 MB', target: 32, measured: memoryMB, pass: memoryMB === null ? null : memoryMB <= 32 },
      noSimd('wpe'),
      noSimd('chromium87'),
    ],
  };
}

function memoryInMegabytes(worker: WorkerMemory): Record<string, number> {
  return {
    jsHeapMB: mb(worker.jsHeapBytes),
    embedderHeapMB: mb(worker.embedderHeapBytes),
    arrayBuffersMB: mb(worker.arrayBufferBytes),
    wasmMemoryMB: mb(worker.wasmMemoryBytes),
    nestedWorkers: worker.nestedWorkers,
    nestedWorkersHeapMB: mb(worker.nestedHeapBytes),
    totalMB: mb(worker.totalBytes),
    compiledWasmCodeMB: mb(worker.wasmCodeBytes),
  };
}

await main();
