/**
 * Soak benchmark (`npm run bench:soak`): does the SDK stay as fast and as small after hours of
 * use as it was after a minute? In Chromium and in WPE WebKit, one recommender serves 10,000
 * queries (alternately `recommend({ count: 20 })` and `rows({ perRow: 12 })`, timed on the main
 * thread as an app sees them) while the viewer plays 1,000 of the titles it was shown and 20
 * signed model updates arrive, each `sync()` running while queries are being served.
 *
 * The catalog is a synthetic one (default 20,000 titles × 64 factors) published 21 times, each
 * version a "daily update" of the previous one, so every sync takes the delta path a real fleet
 * takes. The viewer starts with a full history (500 events, the default `historyLimit`), so the
 * work per query stays the same all run long. A warm-up (1,000 queries, 100 plays, no sync)
 * comes first and is not counted.
 *
 * Reported per thousand queries: p50 and p99 of each kind, and memory after each thousand:
 * - Chromium: the page's and the worker's memory after a forced garbage collection (DevTools
 *   protocol: V8 and Blink heaps, ArrayBuffers, WebAssembly memories, nested workers;
 *   {@link measureWorkerMemory}).
 * - WPE: the web process's private resident memory (page and worker are threads of one process;
 *   WebKit offers a driver neither per-worker heaps nor a GC), median of three readings after
 *   the engine idled ({@link measureWebProcessMemory}).
 *
 * Targets (issue 12): memory at the end ≤ 1.1 × memory after warm-up; p99 of the last thousand
 * ≤ 1.5 × p99 of the first, for each query kind. Last line: one JSON object.
 *
 * Usage: `node scripts/build.mjs && node dist/bench/soakBenchmark.js [--quick] [--items N]
 * [--calls N] [--tracks N] [--syncs N] [--engines chromium,wpe] [--wpe-memory-limit MiB] [--backend auto|js|wasm]`
 * (`--quick`: 2,000 queries, 200 plays, 4 syncs. `--syncs 0` soaks without updates. `--calls` must
 * be a multiple of 1,000 whose blocks of 500 queries split evenly among the syncs. Defaults: both
 * engines, backend `auto`, no WPE memory limit.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { launchBrowserSession, type BrowserSession } from '../browser/launchBrowserSession';
import { callPageScenario, runPageScenario } from '../browser/runPageScenario';
import { startStaticServer } from '../browser/startStaticServer';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import { generateSigningKeyPair } from '../../models/node/sync/manifestSigning';
import { publishModel } from '../../models/node/sync/publishModel';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion } from '../../models/node/sync/syntheticModelVersions';
import { measureWebProcessMemory } from './device/measureWebProcessMemory';
import { measureWorkerMemory } from './device/measureWorkerMemory';
import { numberArgParser } from '../cli/parseOptionValues';
import { median, percentile, round } from './statistics';
import { startPinnedCdn, type PinnedCdn } from './sync/startPinnedCdn';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Queries per reporting window ("per thousand calls"). */
const WINDOW_CALLS = 1000;
/** Queries per page round trip; a sync, when one is due, starts halfway through a block. */
const BLOCK_CALLS = 500;
/** The viewer's history when the soak starts: the engine's default `historyLimit`. */
const SEED_HISTORY_EVENTS = 500;
/** Memory growth allowed after warm-up. */
const MAX_MEMORY_GROWTH = 0.1;
/** p99 of the last window over p99 of the first. */
const MAX_P99_RATIO = 1.5;

const soakEngines = ['chromium', 'wpe'] as const;
type SoakEngine = (typeof soakEngines)[number];

/** Settings of one soak run. */
interface SoakPlan {
  readonly items: number;
  readonly dims: number;
  readonly calls: number;
  readonly tracks: number;
  readonly syncs: number;
  readonly warmupCalls: number;
  /**
   * Titles the viewer watched before the soak: the engine's default history limit (500), so the
   * history is full from the first query on and stays full (each play pushes out the oldest).
   * Every query then folds in the same amount of history, and a slowdown over the run is the
   * engine ageing, not the viewer's past growing.
   */
  readonly seedHistory: readonly string[];
  /** WPE only: cog's `--web-mem-limit` (MiB), WebKit's memory-pressure limit as a TV sets it. */
  readonly wpeMemoryLimitMiB?: number;
  /** The recommender's `backend` option. */
  readonly backend: 'auto' | 'js' | 'wasm';
}

/** One window of {@link WINDOW_CALLS} queries. */
interface SoakWindow {
  /** Queries served when the window ended. */
  readonly calls: number;
  readonly recommendP50Ms: number;
  readonly recommendP99Ms: number;
  readonly rowsP50Ms: number;
  readonly rowsP99Ms: number;
  /** Memory read right after the window (see the file comment for what each engine measures). */
  readonly memoryMB: number;
}

/** What one engine did over the whole soak. */
interface EngineSoak {
  readonly engine: SoakEngine;
  readonly backend: string;
  readonly memoryMeasures: string;
  readonly memoryAfterWarmupMB: number;
  readonly memoryEndMB: number;
  /** memoryEnd / memoryAfterWarmup − 1. */
  readonly memoryGrowth: number;
  readonly windows: readonly SoakWindow[];
  readonly recommendP99Ratio: number;
  readonly rowsP99Ratio: number;
  /** Syncs that switched to the next version through a delta. */
  readonly deltaUpdates: number;
  readonly finalVersion: number;
  readonly tracked: number;
  readonly historyLength: number;
  /** `error` events the recommender emitted (there should be none). */
  readonly errorEvents: readonly string[];
}

/** What the page's `block` operation returns. */
interface BlockResult {
  readonly recommendMs: number[];
  readonly rowsMs: number[];
  readonly tracked: number;
  readonly sync: { result?: string; path?: string; version?: number; error?: string; message?: string } | null;
  readonly errors: string[];
}

const sleep = (milliseconds: number): Promise<void> => new Promise((done) => setTimeout(done, milliseconds));
const megabytes = (bytes: number): number => round(bytes / 2 ** 20, 1);

function log(message: string): void {
  process.stderr.write(`[bench:soak] ${message}\n`);
}

/**
 * Memory of the engine's recommender, as comparable as each engine allows from outside: after an
 * idle second (and, in Chromium, a forced GC in every worker), in bytes.
 */
async function readMemory(session: BrowserSession): Promise<number> {
  if (session.chromiumPage) {
    await sleep(1000);
    const workers = await measureWorkerMemory(session.chromiumPage.page, 'ondeck-worker.js');
    if (workers.length === 0) throw new Error('chromium: no ondeck worker to measure');
    // The page's side counts too: what the SDK keeps of each call lives there (a leak of every
    // result on the main thread once hid behind a flat worker).
    await session.sendCdp!('HeapProfiler.collectGarbage');
    const page = (await session.sendCdp!('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number };
    const pageBytes = page.usedSize + (page.embedderHeapUsedSize ?? 0) + (page.backingStorageSize ?? 0);
    return pageBytes + workers.reduce((sum, worker) => sum + worker.totalBytes, 0);
  }
  const processGroupId = session.wpeSession?.processGroupId;
  if (processGroupId === undefined) throw new Error(`${session.engine}: no way to read its memory`);
  // JSC collects on timers once allocation stops: let it, then take the median of three readings.
  await sleep(3000);
  const readings: number[] = [];
  for (let reading = 0; reading < 3; reading++) {
    if (reading > 0) await sleep(1000);
    readings.push(measureWebProcessMemory(processGroupId).privateBytes);
  }
  return median(readings);
}

async function soakOneEngine(engine: SoakEngine, plan: SoakPlan, cdn: PinnedCdn, pageUrl: string, publicKey: string): Promise<EngineSoak> {
  cdn.pin(1);
  const session = await launchBrowserSession(engine, plan.wpeMemoryLimitMiB ? { wpe: { cogArguments: [`--web-mem-limit=${plan.wpeMemoryLimitMiB}`] } } : {});
  try {
    const started = await runPageScenario<{ status?: { modelVersion?: number; backend: string }; error?: string; message?: string }>(session, pageUrl, {
      op: 'start',
      syncUrl: cdn.url,
      publicKey,
      backend: plan.backend,
      databaseName: `ondeck-soak-${engine}-${Date.now()}`,
    });
    if (started.error || started.status?.modelVersion !== 1) throw new Error(`${engine}: the device did not start on v1 (${started.message ?? JSON.stringify(started.status)})`);
    const seeded = await callPageScenario<{ accepted: number; status: { historyLength: number } }>(session, { op: 'seedHistory', itemIds: plan.seedHistory });
    if (seeded.accepted !== plan.seedHistory.length) throw new Error(`${engine}: ${seeded.accepted} of ${plan.seedHistory.length} history events accepted`);
    const settled = await callPageScenario<{ backend: string }>(session, { op: 'settle', timeoutMs: 30_000 });
    log(`${engine}: started on v1 with a ${seeded.status.historyLength}-event history, backend ${settled.backend}; warm-up, ${plan.warmupCalls} queries`);
    const warmup = await callPageScenario<BlockResult>(session, { op: 'block', calls: plan.warmupCalls, tracks: Math.round(plan.warmupCalls / 10), syncAt: -1 });
    const errorEvents = [...warmup.errors];
    const memoryAfterWarmup = await readMemory(session);
    log(`${engine}: memory after warm-up ${megabytes(memoryAfterWarmup)} MB`);

    const blocks = plan.calls / BLOCK_CALLS;
    // The syncs spread evenly over the blocks (one per block at 20 syncs in 10,000 queries).
    const syncEvery = plan.syncs > 0 ? blocks / plan.syncs : blocks;
    const recommendMs: number[] = [];
    const rowsMs: number[] = [];
    const windows: SoakWindow[] = [];
    let served = 0;
    let tracked = 0;
    let deltaUpdates = 0;
    let finalVersion = 1;
    let windowStart = { recommend: 0, rows: 0 };
    for (let block = 0; block < blocks; block++) {
      const syncing = plan.syncs > 0 && block % syncEvery === 0;
      const nextVersion = finalVersion + 1;
      if (syncing) cdn.pin(nextVersion);
      const result = await callPageScenario<BlockResult>(session, {
        op: 'block',
        calls: BLOCK_CALLS,
        tracks: Math.round(plan.tracks / blocks),
        syncAt: syncing ? BLOCK_CALLS / 2 : -1,
      });
      recommendMs.push(...result.recommendMs);
      rowsMs.push(...result.rowsMs);
      tracked += result.tracked;
      errorEvents.push(...result.errors);
      served += BLOCK_CALLS;
      if (syncing) {
        if (result.sync?.error) throw new Error(`${engine}: sync to v${nextVersion} failed: ${result.sync.error} ${result.sync.message}`);
        if (result.sync?.result !== 'updated' || result.sync.version !== nextVersion) throw new Error(`${engine}: sync during block ${block + 1} did not reach v${nextVersion} (${JSON.stringify(result.sync)})`);
        if (result.sync.path === 'delta') deltaUpdates++;
        finalVersion = nextVersion;
      }
      if (served % WINDOW_CALLS === 0 || block === blocks - 1) {
        const recommendWindow = recommendMs.slice(windowStart.recommend);
        const rowsWindow = rowsMs.slice(windowStart.rows);
        windowStart = { recommend: recommendMs.length, rows: rowsMs.length };
        const memory = await readMemory(session);
        windows.push({
          calls: served,
          recommendP50Ms: round(median(recommendWindow)),
          recommendP99Ms: round(percentile(recommendWindow, 0.99)),
          rowsP50Ms: round(median(rowsWindow)),
          rowsP99Ms: round(percentile(rowsWindow, 0.99)),
          memoryMB: megabytes(memory),
        });
        const last = windows[windows.length - 1];
        log(`${engine}: ${served} queries, v${finalVersion}: recommend p50 ${last.recommendP50Ms} p99 ${last.recommendP99Ms} ms, rows p50 ${last.rowsP50Ms} p99 ${last.rowsP99Ms} ms, memory ${last.memoryMB} MB`);
      }
    }
    const status = await callPageScenario<{ historyLength: number; backend: string; modelVersion?: number }>(session, { op: 'status' });
    await callPageScenario(session, { op: 'dispose' });
    const first = windows[0];
    const last = windows[windows.length - 1];
    const memoryEnd = last.memoryMB;
    return {
      engine,
      backend: status.backend,
      memoryMeasures: engine === 'chromium' ? 'page + worker after forced GC (V8 + Blink heaps, ArrayBuffers, wasm memory, nested workers)' : 'WPEWebProcess private resident memory (page + worker), median of 3 readings after 3 s idle',
      memoryAfterWarmupMB: megabytes(memoryAfterWarmup),
      memoryEndMB: memoryEnd,
      memoryGrowth: round(memoryEnd / megabytes(memoryAfterWarmup) - 1, 3),
      windows,
      recommendP99Ratio: round(last.recommendP99Ms / first.recommendP99Ms),
      rowsP99Ratio: round(last.rowsP99Ms / first.rowsP99Ms),
      deltaUpdates,
      finalVersion: status.modelVersion ?? finalVersion,
      tracked: tracked + warmup.tracked,
      historyLength: status.historyLength,
      errorEvents,
    };
  } finally {
    await session.close();
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const positiveInteger = numberArgParser({ min: 1, integer: true });
  const count = numberArgParser({ min: 0, integer: true });
  const program = new Command()
    .name('soakBenchmark')
    .description('does the SDK stay as fast and as small after hours of use? (Chromium and WPE WebKit)')
    .option('--quick', '2,000 queries, 200 plays, 4 syncs')
    .option('--items <n>', 'titles in the synthetic catalog', positiveInteger, 20_000)
    .option('--dims <k>', 'factors per title', positiveInteger, 64)
    .option('--calls <n>', `queries, a multiple of ${WINDOW_CALLS} (default: 10000; --quick: 2000)`, positiveInteger)
    .option('--tracks <n>', 'titles the viewer plays (default: 1000; --quick: 200)', count)
    .option('--syncs <n>', 'model updates; 0 soaks without updates (default: 20; --quick: 4)', count)
    .option('--engines <list>', `comma-separated, of ${soakEngines.join(', ')}`, soakEngines.join(','))
    .option('--wpe-memory-limit <MiB>', "WPE only: cog's --web-mem-limit, as a TV sets it (default: none)", positiveInteger)
    .addOption(new Option('--backend <name>', "the recommender's backend option").choices(['auto', 'js', 'wasm']).default('auto'))
    .parse();
  const values = program.opts<{
    quick?: boolean;
    items: number;
    dims: number;
    calls?: number;
    tracks?: number;
    syncs?: number;
    engines: string;
    wpeMemoryLimit?: number;
    backend: SoakPlan['backend'];
  }>();
  const quick = values.quick ?? false;
  const { items, dims } = values;
  const firstVersion = syntheticModelVersion({ items, dims, seed: 1 });
  const plan: SoakPlan = {
    items,
    dims,
    calls: values.calls ?? (quick ? 2_000 : 10_000),
    tracks: values.tracks ?? (quick ? 200 : 1_000),
    syncs: values.syncs ?? (quick ? 4 : 20),
    warmupCalls: WINDOW_CALLS,
    seedHistory: firstVersion.itemIds.filter((_, index) => index % Math.max(1, Math.floor(items / SEED_HISTORY_EVENTS)) === 3).slice(0, SEED_HISTORY_EVENTS),
    backend: values.backend,
    wpeMemoryLimitMiB: values.wpeMemoryLimit,
  };
  const engines = values.engines.split(',') as SoakEngine[];
  // Checks across flags, reported the way commander reports a bad flag (message, exit code 1).
  for (const engine of engines) if (!soakEngines.includes(engine)) program.error(`error: --engines: ${engine} is not one of ${soakEngines.join(', ')}`);
  if (plan.calls % WINDOW_CALLS !== 0) program.error(`error: --calls must be a positive multiple of ${WINDOW_CALLS}`);
  if (plan.syncs > 0 && !Number.isInteger(plan.calls / BLOCK_CALLS / plan.syncs)) program.error(`error: --syncs must divide the ${plan.calls / BLOCK_CALLS} blocks of ${BLOCK_CALLS} queries`);

  const loadBefore = loadavg();
  log(`${cpus().length} cores, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ${plan.items} titles × ${plan.dims}, ${plan.calls} queries, ${plan.tracks} plays, ${plan.syncs} syncs`);
  const workDir = await mkdtemp(join(tmpdir(), 'ondeck-soak-'));
  const cdnDirectory = join(workDir, 'cdn');
  const keys = generateSigningKeyPair();
  let publishStarted = performance.now();
  let version = firstVersion;
  for (let number = 1; number <= plan.syncs + 1; number++) {
    if (number > 1) version = nextSyntheticVersion(version);
    const modelDirectory = join(workDir, `model-${number}`);
    await writeModelDirectory(packageSyntheticVersion(version, 8), modelDirectory);
    // Keep every delta: the device walks from v1 to the last version one published step at a time.
    await publishModel({ modelDirectory, outDirectory: cdnDirectory, privateKeyPem: keys.privateKeyPem, keepDeltas: plan.syncs + 1 });
    await rm(modelDirectory, { recursive: true, force: true });
  }
  log(`published ${plan.syncs + 1} versions in ${((performance.now() - publishStarted) / 1000).toFixed(1)} s`);

  const cdn = await startPinnedCdn(cdnDirectory, 1);
  const pages = await startStaticServer({
    mounts: { '/dist/': join(root, 'dist/browser'), '/bench/': join(root, 'scripts/bench/pages'), '/harness/': join(root, 'test/browser/pages') },
  });
  const results: EngineSoak[] = [];
  try {
    for (const engine of engines) results.push(await soakOneEngine(engine, plan, cdn, `${pages.origin}/bench/soak.html`, keys.publicKeyBase64));
  } finally {
    await pages.close();
    await cdn.close();
    await rm(workDir, { recursive: true, force: true });
  }
  report(plan, results, loadBefore);
}

function report(plan: SoakPlan, results: readonly EngineSoak[], loadBefore: readonly number[]): void {
  const lines: string[] = [];
  lines.push(`# ondeck soak benchmark`, '');
  lines.push(
    `${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at end. ` +
      `${plan.items} titles × ${plan.dims} factors; a viewer with a full ${plan.seedHistory.length}-event history; after a ${plan.warmupCalls}-query warm-up, ${plan.calls} queries (recommend and rows alternately), ` +
      `${plan.tracks} plays and ${plan.syncs} signed delta updates, each sync running while queries are served. Latency timed on the main thread, ms.`,
    '',
  );
  const targets: { name: string; target: number; measured: number; pass: boolean }[] = [];
  for (const result of results) {
    lines.push(`## ${result.engine} (backend ${result.backend}; memory: ${result.memoryMeasures})`, '');
    lines.push(
      table(
        ['queries', 'recommend p50', 'recommend p99', 'rows p50', 'rows p99', 'memory MB'],
        [
          ['warm-up', '', '', '', '', String(result.memoryAfterWarmupMB)],
          ...result.windows.map((window) => [String(window.calls), window.recommendP50Ms.toFixed(2), window.recommendP99Ms.toFixed(2), window.rowsP50Ms.toFixed(2), window.rowsP99Ms.toFixed(2), String(window.memoryMB)]),
        ],
      ),
      '',
      `${result.deltaUpdates} of ${plan.syncs} updates took the delta path, ending on v${result.finalVersion}; ${result.tracked} plays accepted, history ${result.historyLength} events; ` +
        `${result.errorEvents.length} error events${result.errorEvents.length ? `: ${result.errorEvents.slice(0, 3).join('; ')}` : ''}.`,
      '',
    );
    targets.push(
      { name: `${result.engine} memory growth after warm-up ≤ ${100 * MAX_MEMORY_GROWTH}%`, target: MAX_MEMORY_GROWTH, measured: result.memoryGrowth, pass: result.memoryGrowth <= MAX_MEMORY_GROWTH },
      { name: `${result.engine} recommend p99, last thousand / first ≤ ${MAX_P99_RATIO}`, target: MAX_P99_RATIO, measured: result.recommendP99Ratio, pass: result.recommendP99Ratio <= MAX_P99_RATIO },
      { name: `${result.engine} rows p99, last thousand / first ≤ ${MAX_P99_RATIO}`, target: MAX_P99_RATIO, measured: result.rowsP99Ratio, pass: result.rowsP99Ratio <= MAX_P99_RATIO },
    );
  }
  lines.push('## Targets', '');
  lines.push(table(['target', 'measured', 'pass'], targets.map((target) => [target.name, String(target.measured), target.pass ? 'yes' : 'NO'])), '');
  process.stdout.write(`${lines.join('\n')}\n`);
  const byEngine = Object.fromEntries(results.map((result) => [result.engine, result]));
  process.stdout.write(`${JSON.stringify({ benchmark: 'soak', plan: { ...plan, seedHistory: plan.seedHistory.length }, engines: byEngine, targets, pass: targets.every((target) => target.pass) })}\n`);
}

await main();
