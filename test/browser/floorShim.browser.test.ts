import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFloorShimSource } from './support/buildFloorShim';
import type { BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import type { FloorShimRecord } from './support/buildFloorShim';
import { useBrowserSession } from './support/useBrowserSession';

/** What the page probe reports after the shim ran (ES5 in the page: the floor is in force). */
interface PageProbe {
  types: Record<string, string>;
  flat: string;
  eventTarget: { constructs: boolean; error: string; documentIsEventTarget: boolean; prototypeKept: boolean };
  record: FloorShimRecord;
  /** How long the shim took to run in the page. */
  milliseconds: number;
}

/** What the worker reports back. */
interface WorkerProbe {
  types: Record<string, string>;
  record: FloorShimRecord;
}

/**
 * The in-page envelope of our CDP drivers (ES5: `Promise`, `JSON`, nothing a floor removes).
 * Playwright's own `page.evaluate` cannot drive a shimmed page: its in-page serializer reads
 * `globalThis.Window` for every result, and a floor below 71 removes `globalThis` (the result
 * silently becomes `undefined`). So these tests call through CDP `Runtime.evaluate` with
 * `awaitPromise` and `returnByValue`, as the Qt WebEngine driver does.
 */
const envelopeSource = `function (pageFunction, argument) {
  return Promise.resolve().then(function () { return pageFunction(argument); }).then(
    function (value) { return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) }; },
    function (error) { return { ok: false, message: String(error && error.message !== undefined ? error.message : error), stack: String(error && error.stack || '') }; });
}`;

/** Calls `pageFunction(argument)` in the page over CDP and resolves with its JSON result. */
async function callOverCdp<Result>(session: BrowserSession, pageFunction: string, argument?: unknown): Promise<Result> {
  if (!session.sendCdp) throw new Error(`[${session.engine}] speaks no CDP`);
  const expression = `(${envelopeSource})(${pageFunction}, ${JSON.stringify(argument) ?? 'undefined'})`;
  const answer = (await session.sendCdp('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
    result: { value?: { ok: boolean; value?: unknown; message?: string; stack?: string } };
    exceptionDetails?: { text: string };
  };
  if (answer.exceptionDetails) throw new Error(`[${session.engine}] ${answer.exceptionDetails.text}`);
  const envelope = answer.result.value;
  if (!envelope) throw new Error(`[${session.engine}] no result from the page`);
  if (!envelope.ok) throw new Error(`[${session.engine}] the page threw ${envelope.message}\n${envelope.stack}`);
  return envelope.value as Result;
}

/**
 * Injects the shim as an inline <script> (no eval: a test page may inject, the SDK may not), then
 * probes the page. ES5 on purpose: everything after the first line runs under the floor.
 */
const injectAndProbeSource = `function (shimSource) {
  var script = document.createElement('script');
  script.textContent = shimSource;
  var started = performance.now();
  document.head.appendChild(script);
  var milliseconds = performance.now() - started;
  var types = {};
  var names = ['globalThis', 'queueMicrotask', 'BigInt', 'WebAssembly', 'AbortController', 'FinalizationRegistry',
    'DecompressionStream', 'structuredClone', 'Promise', 'JSON', 'Symbol', 'fetch', 'Worker', 'TextEncoder', 'indexedDB', 'EventTarget'];
  for (var i = 0; i < names.length; i += 1) types[names[i]] = typeof self[names[i]];
  types['Object.hasOwn'] = typeof Object.hasOwn;
  types['Object.fromEntries'] = typeof Object.fromEntries;
  types['Object.values'] = typeof Object.values;
  types['Promise.allSettled'] = typeof Promise.allSettled;
  types['Promise.prototype.finally'] = typeof Promise.prototype.finally;
  types['String.prototype.padStart'] = typeof ''.padStart;
  types['Blob.prototype.arrayBuffer'] = typeof Blob.prototype.arrayBuffer;
  types['TextEncoder.prototype.encodeInto'] = typeof TextEncoder.prototype.encodeInto;
  types['AbortSignal'] = typeof self.AbortSignal;
  types['Array.prototype.includes'] = typeof [].includes;
  var eventTarget = { constructs: true, error: '', documentIsEventTarget: document instanceof EventTarget,
    prototypeKept: typeof EventTarget.prototype.addEventListener === 'function' };
  try {
    new EventTarget();
  } catch (error) {
    eventTarget.constructs = false;
    eventTarget.error = String(error);
  }
  return { types: types, flat: String([].flat), eventTarget: eventTarget, record: self.__ondeckFloorShim, milliseconds: milliseconds };
}`;

/** Starts a Blob worker whose script is the shim followed by a probe, and resolves with its report. */
const workerProbeSource = `function (shimSource) {
  var probe = 'var types = {};' +
    'var names = ["Worker", "queueMicrotask", "globalThis", "WebAssembly", "BigInt", "fetch", "indexedDB", "TextEncoder", "Promise", "JSON"];' +
    'for (var i = 0; i < names.length; i += 1) types[names[i]] = typeof self[names[i]];' +
    'types["Object.hasOwn"] = typeof Object.hasOwn;' +
    'types["Array.prototype.flat"] = typeof [].flat;' +
    'self.postMessage({ types: types, record: self.__ondeckFloorShim });';
  var url = URL.createObjectURL(new Blob([shimSource + '\\n' + probe], { type: 'text/javascript' }));
  return new Promise(function (resolve, reject) {
    var worker = new Worker(url);
    var timer = setTimeout(function () { reject(new Error('the worker did not answer within 10 s')); }, 10000);
    worker.onmessage = function (event) {
      clearTimeout(timer);
      worker.terminate();
      URL.revokeObjectURL(url);
      resolve(event.data);
    };
    worker.onerror = function (event) {
      clearTimeout(timer);
      reject(new Error('worker error: ' + event.message));
    };
  });
}`;

// Debian's Chromium (156), and Qt WebEngine 5.15 (Chromium 87), the oldest engine we can run and
// the one the floor-56 simulation is for.
/** The same in a SharedWorker (its probe answers on the first port that connects). */
const sharedWorkerProbeSource = `function (shimSource) {
  var probe = 'self.onconnect = function (event) {' +
    '  var types = { globalThis: typeof self.globalThis, queueMicrotask: typeof self.queueMicrotask, fetch: typeof self.fetch };' +
    '  types["Object.hasOwn"] = typeof Object.hasOwn;' +
    '  event.ports[0].postMessage({ types: types, record: self.__ondeckFloorShim });' +
    '};';
  var url = URL.createObjectURL(new Blob([shimSource + '\\n' + probe], { type: 'text/javascript' }));
  return new Promise(function (resolve, reject) {
    var worker = new SharedWorker(url);
    var timer = setTimeout(function () { reject(new Error('the shared worker did not answer within 10 s')); }, 10000);
    worker.port.onmessage = function (event) {
      clearTimeout(timer);
      URL.revokeObjectURL(url);
      resolve(event.data);
    };
    worker.onerror = function (event) {
      clearTimeout(timer);
      reject(new Error('shared worker error: ' + (event.message || 'failed to start')));
    };
  });
}`;

describe.each(['chromium', 'chromium87'] as const)('floor shim in %s', { timeout: 90_000 }, (engine) => {
  const session = useBrowserSession(engine);
  const shimSource = buildFloorShimSource(56);
  let server: StaticServer | undefined;
  let pageDirectory: string | undefined;

  beforeAll(async () => {
    pageDirectory = await mkdtemp(join(tmpdir(), 'ondeck-floor-'));
    await writeFile(join(pageDirectory, 'blank.html'), '<!doctype html><html><head><title>floor</title></head><body></body></html>\n');
    // The shim first, as a TV build would load it, then page scripts that use newer APIs unguarded
    // (each in its own <script>, so one failure does not hide the next) and one that feature-tests.
    await writeFile(join(pageDirectory, 'shim.js'), shimSource);
    await writeFile(
      join(pageDirectory, 'unguarded.html'),
      [
        '<!doctype html><html><head><title>unguarded</title>',
        '<script src="shim.js"></script>',
        '<script>window.pageErrors = []; window.onerror = function (message) { window.pageErrors.push(String(message)); };</script>',
        '<script>[1, [2]].flat();</script>',
        '<script>new AbortController();</script>',
        '<script>queueMicrotask(function () {});</script>',
        '<script>window.hasOwnWay = typeof Object.hasOwn === "function" ? "Object.hasOwn" : "Object.prototype.hasOwnProperty";</script>',
        '</head><body></body></html>',
        '',
      ].join('\n'),
    );
    server = await startStaticServer({ mounts: { '/floor/': pageDirectory } });
  });

  afterAll(async () => {
    await server?.close();
    if (pageDirectory) await rm(pageDirectory, { recursive: true, force: true });
  });

  it('removes what Chromium added after 56 in the page, and the page can still be driven', async () => {
    await session().goto(`${server!.origin}/floor/blank.html`);
    expect(await callOverCdp<string>(session(), 'function () { return typeof globalThis; }')).toBe('object');
    const probe = await callOverCdp<PageProbe>(session(), injectAndProbeSource, shimSource);
    console.log(
      `[${engine}] floor-56 shim ran in ${probe.milliseconds.toFixed(1)} ms: removed ${probe.record.removed.length}, wrapped ${probe.record.wrapped.length}, absent ${probe.record.absent.length}, notRemovable ${probe.record.notRemovable.length}: ${JSON.stringify(probe.record.notRemovable)}; misplaced: ${JSON.stringify(probe.record.misplaced)}`,
    );
    expect(probe.types).toMatchObject({
      globalThis: 'undefined',
      queueMicrotask: 'undefined',
      BigInt: 'undefined',
      WebAssembly: 'undefined',
      AbortController: 'undefined',
      FinalizationRegistry: 'undefined',
      DecompressionStream: 'undefined',
      structuredClone: 'undefined',
      'Object.hasOwn': 'undefined',
      'Object.fromEntries': 'undefined',
      'Promise.allSettled': 'undefined',
      'Promise.prototype.finally': 'undefined',
      'String.prototype.padStart': 'undefined',
      'Blob.prototype.arrayBuffer': 'undefined',
      'TextEncoder.prototype.encodeInto': 'undefined',
      // Chromium 56 has these.
      Promise: 'function',
      JSON: 'object',
      Symbol: 'function',
      fetch: 'function',
      Worker: 'function',
      TextEncoder: 'function',
      indexedDB: 'object',
      AbortSignal: 'undefined', // Chromium 66, like AbortController
      'Object.values': 'function',
      'Array.prototype.includes': 'function',
      EventTarget: 'function',
    });
    expect(probe.flat).toBe('undefined');
    expect(probe.eventTarget).toMatchObject({ constructs: false, documentIsEventTarget: true, prototypeKept: true });
    expect(probe.eventTarget.error).toMatch(/TypeError: Illegal constructor/);
    expect(probe.record).toMatchObject({ floor: 56, isWorker: false, runs: 1 });
    expect(probe.record.wrapped).toContain('EventTarget');
    // Only the well-known symbols resist: non-configurable, read-only properties of Symbol.
    expect(probe.record.notRemovable.length).toBeGreaterThan(0);
    for (const failure of probe.record.notRemovable) expect(failure).toMatch(/^Symbol\.\w+: non-configurable, read-only$/);
    expect(probe.record.misplaced).toEqual([]);
  });

  it('runs a second time without harm', async () => {
    const record = await callOverCdp<FloorShimRecord>(
      session(),
      `function (shimSource) {
      var script = document.createElement('script');
      script.textContent = shimSource;
      document.head.appendChild(script);
      return self.__ondeckFloorShim;
    }`,
      shimSource,
    );
    expect(record.runs).toBe(2);
    expect(typeof record.removed.length).toBe('number');
  });

  it('removes Worker inside a worker but not in the page', async () => {
    const reply = await callOverCdp<WorkerProbe>(session(), workerProbeSource, shimSource);
    console.log(`[${engine}] floor-56 shim in a dedicated worker: removed ${reply.record.removed.length}, notRemovable ${JSON.stringify(reply.record.notRemovable)}`);
    expect(reply.record.isWorker).toBe(true);
    expect(reply.types).toMatchObject({
      Worker: 'undefined',
      queueMicrotask: 'undefined',
      globalThis: 'undefined',
      WebAssembly: 'undefined',
      BigInt: 'undefined',
      'Object.hasOwn': 'undefined',
      'Array.prototype.flat': 'undefined',
      fetch: 'function',
      indexedDB: 'object',
      TextEncoder: 'function',
      Promise: 'function',
      JSON: 'object',
    });
    expect(reply.record.removed).toContain('Worker (in workers)');
    expect(await callOverCdp<string>(session(), 'function () { return typeof Worker; }')).toBe('function');
  });

  it('runs in a shared worker too', async () => {
    const reply = await callOverCdp<WorkerProbe>(session(), sharedWorkerProbeSource, shimSource);
    expect(reply.record).toMatchObject({ isWorker: true, runs: 1 });
    expect(reply.types).toEqual({ globalThis: 'undefined', queueMicrotask: 'undefined', fetch: 'function', 'Object.hasOwn': 'undefined' });
  });

  it('makes unguarded use in a page fail as on Chromium 56, and feature tests take their fallback', async () => {
    await session().goto(`${server!.origin}/floor/unguarded.html`);
    const outcome = await callOverCdp<{ errors: string[]; hasOwnWay: string }>(session(), 'function () { return { errors: window.pageErrors, hasOwnWay: window.hasOwnWay }; }');
    expect(outcome.errors).toHaveLength(3);
    expect(outcome.errors[0]).toMatch(/TypeError: .*flat is not a function/);
    expect(outcome.errors[1]).toMatch(/ReferenceError: AbortController is not defined/);
    expect(outcome.errors[2]).toMatch(/ReferenceError: queueMicrotask is not defined/);
    expect(outcome.hasOwnWay).toBe('Object.prototype.hasOwnProperty');
  });
});
