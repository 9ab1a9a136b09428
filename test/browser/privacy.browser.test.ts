import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Profile, RecommenderStatus, Row, TrackEvent } from '../../models/contract/types';
import { MIN_ROWS_PER_THREAD } from '../../models/scoring/createJsInt8Backend';
import { publishPlantedVersions, type PlantedPublication } from '../support/publishPlantedVersions';
import { awaitBackendThreads } from './support/awaitBackendThreads';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { findPrivacyLeaks, kindOf, type PrivacyLeak, type RequestKind, type ViewerSecret } from './support/privacyAudit';
import { browserEngines } from '../../scripts/browser/requireBrowser';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { startFaultyServer, type FaultyServer } from './support/startFaultyServer';
import { startRecordingProxy, type RecordedRequest, type RecordingProxy } from './support/startRecordingProxy';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { useBrowserSession } from './support/useBrowserSession';
import { benchmarkItemId, writeBenchmarkModel } from '../../scripts/bench/device/writeBenchmarkModel';

// Issue 12: "viewing history never leaves the device", proven in every engine. The page, the
// engine's worker, its screening helper, ORT and the service worker run against one origin: a
// recording proxy (every request's method, target, header lines and body) in front of the test
// file server. Everything the viewer does is made of long random tokens where the API allows
// (profile id and name, event times and progress values; item ids of a model built here), so a
// substring search over what the page SENT is meaningful. Requests to any other origin cannot
// reach the proxy: the page's Content-Security-Policy-Report-Only has the page and (in most
// engines, see the canary tests) its workers report them back to it, and privacyProbe.js notes
// beacons, fetches and sockets the page itself starts. The canary tests at the end prove, per
// engine, that each of these detectors fires when something does leave.

const root = join(import.meta.dirname, '../..');
const MANIFEST = '/sync/manifest.json';
/** The js kernel screens on 2 threads (the engine's worker and one helper) from this many rows on. */
const ITEMS = 2 * MIN_ROWS_PER_THREAD;
const CSP_REPORT_PATH = '/privacy/csp-report';
/**
 * Report-only: blocks nothing (so the SDK behaves as in production) but makes every context of
 * the page report a load from any other origin to {@link CSP_REPORT_PATH}, on the app's origin.
 */
const REPORT_ONLY_POLICY = `default-src 'self' blob: data: 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; report-uri ${CSP_REPORT_PATH}`;

/** A long random token: found anywhere in recorded traffic, it can only have come from the page. */
const token = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;
/** A progress share with ten random digits (first and last non-zero, so String() keeps all ten). */
const progressToken = (): number => Number(`0.${randomInt(1, 10)}${String(randomInt(0, 1e8)).padStart(8, '0')}${randomInt(1, 10)}`);
const threeDaysAgo = Date.now() - 3 * 86_400_000;
/** A time one to three days ago, to the millisecond: thirteen digits no request has by chance. */
const timeToken = (): number => threeDaysAgo + randomInt(0, 2 * 86_400_000);

/** One event of each type on `ids` (6 of them), every time and progress value a fresh token. */
function eventsOfEveryType(ids: readonly string[]): TrackEvent[] {
  return [
    { type: 'play', itemId: ids[0]!, time: timeToken() },
    { type: 'progress', itemId: ids[0]!, time: timeToken(), progress: progressToken() },
    { type: 'complete', itemId: ids[1]!, time: timeToken(), progress: progressToken() },
    { type: 'like', itemId: ids[2]!, time: timeToken() },
    { type: 'dislike', itemId: ids[3]!, time: timeToken() },
    { type: 'hide', itemId: ids[4]!, time: timeToken() },
  ];
}

// What the viewer does. The token model's watched titles are tokens; the sync fixture's model
// has the planted ids (`b2-i3`…), distinctive enough for a substring search too.
const watchedTokens = Array.from({ length: 7 }, () => token('watched-'));
const profile = { id: token('profile-'), name: token('Viewer-') };
const modelEvents = eventsOfEveryType(watchedTokens);
const modelProfileEvents: TrackEvent[] = [
  { type: 'play', itemId: watchedTokens[6]!, time: timeToken() },
  { type: 'progress', itemId: watchedTokens[6]!, time: timeToken(), progress: progressToken() },
];
const syncEvents = eventsOfEveryType(['b2-i3', 'b2-i5', 'b2-i8', 'b2-i13', 'b2-i17', 'b2-i22']);
const syncProfileEvents: TrackEvent[] = [{ type: 'complete', itemId: 'b2-i24', time: timeToken(), progress: progressToken() }];

/** Everything about the viewer, in every form the SDK could plausibly write it in. */
function viewerSecrets(): ViewerSecret[] {
  const all = [...modelEvents, ...modelProfileEvents, ...syncEvents, ...syncProfileEvents];
  const secrets: ViewerSecret[] = [
    { label: 'profile id', value: profile.id },
    { label: 'profile name', value: profile.name },
  ];
  for (const event of all) {
    secrets.push({ label: 'tracked item id', value: event.itemId });
    const time = event.time!;
    secrets.push(
      { label: 'event time', value: String(time) },
      { label: 'event time (ISO)', value: new Date(time).toISOString() },
      { label: 'event time (s)', value: String(Math.floor(time / 1000)) },
    );
    if (event.progress !== undefined)
      secrets.push({ label: 'event progress', value: String(event.progress) }, { label: 'event progress (digits)', value: String(event.progress).slice(2) });
  }
  // The six types are ordinary words: matched as whole words only.
  for (const type of new Set(all.map((event) => event.type))) secrets.push({ label: 'event type', value: type, wholeWord: true });
  return [...new Map(secrets.map((secret) => [secret.value, secret])).values()];
}

/**
 * A model of {@link ITEMS} titles whose ids are `item-N`, except the watched ones: each of
 * `watched` replaces one id. Seeded Gaussian factors, as the device bench's models (no training:
 * what is measured here is traffic, not taste).
 */
async function writeTokenModel(directory: string, watched: readonly string[]): Promise<void> {
  const watchedAt = new Map(watched.map((id, k) => [k * 997 + 11, id]));
  await writeBenchmarkModel(directory, { itemCount: ITEMS, dims: 16, seed: 12, itemIdOf: (index) => watchedAt.get(index) ?? benchmarkItemId(index) });
}

/** Every file under `directory`, as paths relative to it with `/` separators. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(directory, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

let workDirectory: string;
let modelDirectory: string;
let publication: PlantedPublication;
let secrets: ViewerSecret[];
let expectedKinds: RequestKind[];

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), 'ondeck-privacy-'));
  modelDirectory = join(workDirectory, 'model');
  await writeTokenModel(modelDirectory, watchedTokens);
  publication = await publishPlantedVersions();
  secrets = viewerSecrets();
  const modelFiles = new Set((await filesUnder(modelDirectory)).map((file) => `/model/${file}`));
  const syncBlobs = new Set((await filesUnder(publication.directory)).filter((file) => file.startsWith('blobs/')).map((file) => `/sync/${file}`));
  const appShell = new Set(['/pages/privacy.html', '/pages/privacy.js', '/pages/privacyProbe.js', '/pages/scenarioHarness.js', '/pages/privacyCanaryWorker.js']);
  // Exact paths (no query at all, except the service worker's precache revision): anything the
  // SDK added to a URL would make it a request of no expected kind.
  expectedKinds = [
    { kind: 'app shell', matches: (target) => appShell.has(target) },
    { kind: 'SDK script', matches: (target) => /^\/dist\/ondeck(-worker|-compat|-sw)?\.js(\?__WB_REVISION__=[0-9a-f]{20})?$/.test(target) },
    { kind: 'ORT file', matches: (target) => /^\/dist\/ort\/[\w.-]+\.(m?js|wasm)$/.test(target) },
    { kind: 'model file', matches: (target) => modelFiles.has(target) },
    { kind: 'sync manifest', matches: (target) => target === MANIFEST },
    { kind: 'sync blob', matches: (target) => syncBlobs.has(target) },
  ];
}, 180_000);
afterAll(async () => {
  await publication?.cleanup();
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
});

/**
 * Request headers the engines write themselves (lower case), and the two the SDK writes: sync's
 * `If-None-Match` (the manifest's ETag, which the server sent) and `Range` (where an interrupted
 * blob download resumes). A header outside this list is something else writing into requests:
 * the test names it, whatever its value (a hashed profile id would not be found by the search).
 */
const expectedRequestHeaders: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'referer',
  'origin',
  'cache-control',
  'pragma',
  'upgrade-insecure-requests',
  'service-worker',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-user',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'if-none-match',
  'range',
]);
/** The values the SDK's two headers may have: a server's ETag (startFaultyServer: 32 hex digits), a byte offset. */
const sdkHeaderValues: Readonly<Record<string, RegExp>> = { 'if-none-match': /^"[0-9a-f]{32}"$/, range: /^bytes=\d+-$/ };

/** What {@link auditRequests} found wrong: every list empty means nothing about the viewer left. */
interface PrivacyAudit {
  /** Requests neither GET nor HEAD (CSP reports apart). */
  readonly notGetOrHead: string[];
  /** Requests that carried a body. */
  readonly withBody: string[];
  /** Requests of no expected kind (an unknown path, or any query on a known one). */
  readonly unexpectedPaths: string[];
  /** Requests whose Host or Origin header is not the app's origin. */
  readonly otherOrigin: string[];
  /** Header lines of no expected name, or an SDK header with an unexpected value. */
  readonly unexpectedHeaders: string[];
  /** Content-Security-Policy reports: some context of the page loaded something from another origin. */
  readonly violationReports: string[];
  /** Viewer secrets found in a URL, header or body. */
  readonly leaks: PrivacyLeak[];
}

/** What privacyProbe.js saw on one page. */
interface ProbeReport {
  readonly attempts: Array<{ api: string; method: string; url: string; sameOrigin: boolean }>;
  readonly resources: string[];
  readonly userAgent: string;
}

describe.each(browserEngines)('privacy in %s', { timeout: 180_000 }, (engine) => {
  const session = useBrowserSession(engine);
  let files: FaultyServer;
  let proxy: RecordingProxy;
  let otherOrigin: StaticServer;
  let pageUrl: string;
  /** What privacyProbe.js saw on each page, kept before leaving it. */
  const probes: ProbeReport[] = [];
  // ondeck-sw.js lives in /dist/ but controls the whole origin, as an app would deploy it.
  const responseHeaders = { 'Service-Worker-Allowed': '/', 'Content-Security-Policy-Report-Only': REPORT_ONLY_POLICY };
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session(), args);
  const keepProbe = async (): Promise<void> => {
    probes.push(await step<ProbeReport>({ op: 'probe' }));
  };
  const expectAccepted = (results: Array<{ accepted: boolean }>) => expect(results.map((result) => result.accepted)).toEqual(results.map(() => true));
  const header = (request: RecordedRequest, name: string) => request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
  const line = (request: RecordedRequest) => `${request.method} ${request.url}`;

  /** Every check of the issue over `requests` (what reached the app's origin). */
  function auditRequests(requests: readonly RecordedRequest[], origin = proxy.origin): PrivacyAudit {
    const host = new URL(origin).host;
    const reports = requests.filter((request) => request.url.startsWith(CSP_REPORT_PATH));
    const traffic = requests.filter((request) => !request.url.startsWith(CSP_REPORT_PATH));
    return {
      notGetOrHead: traffic.filter((request) => request.method !== 'GET' && request.method !== 'HEAD').map(line),
      withBody: traffic.filter((request) => request.body.length > 0).map((request) => `${line(request)}: ${request.body.length} bytes`),
      unexpectedPaths: traffic.filter((request) => kindOf(request.url, expectedKinds) === null).map(line),
      otherOrigin: traffic.filter((request) => header(request, 'host') !== host || (header(request, 'origin') ?? origin) !== origin).map(line),
      unexpectedHeaders: traffic.flatMap((request) =>
        request.headers
          .filter(([name, value]) => !expectedRequestHeaders.has(name.toLowerCase()) || (sdkHeaderValues[name.toLowerCase()] && !sdkHeaderValues[name.toLowerCase()]!.test(value)))
          .map(([name, value]) => `${line(request)}: ${name}: ${value}`),
      ),
      violationReports: reports.map((request) => new TextDecoder().decode(request.body)),
      // Every request, reports included: a report quoting a secret would be a leak too.
      leaks: findPrivacyLeaks(requests, secrets, { browserUserAgent: probes[0]?.userAgent }),
    };
  }
  const clean: PrivacyAudit = { notGetOrHead: [], withBody: [], unexpectedPaths: [], otherOrigin: [], unexpectedHeaders: [], violationReports: [], leaks: [] };

  /** Requests per kind, e.g. `{ 'model file': 4, 'SDK script': 3 }`. */
  const kindCounts = (requests: readonly RecordedRequest[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const request of requests) {
      const kind = request.url.startsWith(CSP_REPORT_PATH) ? 'CSP report' : (kindOf(request.url, expectedKinds) ?? 'UNEXPECTED');
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    files = await startFaultyServer({
      '/dist/': join(root, 'dist/browser'),
      '/pages/': join(root, 'test/browser/pages'),
      '/model/': modelDirectory,
      '/sync/': publication.directory,
    });
    proxy = await startRecordingProxy({ target: files.origin, responseHeaders });
    // Another origin, only for the canary tests: nothing else may ever reach it.
    otherOrigin = await startStaticServer({ mounts: {} });
    pageUrl = `${proxy.origin}/pages/privacy.html`;
  });
  afterAll(async () => {
    await proxy?.close();
    await files?.close();
    await otherOrigin?.close();
  });

  it('tracking, recommending, rows and profiles on two js threads (the engine worker and a screening helper), model from modelUrl', async () => {
    const from = proxy.requests.length;
    // Not service-worker-controlled yet, on purpose: on a page ondeck-sw.js controls, the helper
    // never comes up (a worker started as ondeck-worker.js#ondeck-screening-helper does not act as
    // one there; the precached response carries no fragment), so only here is its traffic seen.
    const started = await runPageScenario<{ status: RecommenderStatus }>(session(), pageUrl, {
      op: 'start',
      modelUrl: `${proxy.origin}/model/`,
      backend: 'js',
      threads: 2,
      databaseName: 'privacy-model',
    });
    expect(started.status).toMatchObject({ modelVersion: 1, itemCount: ITEMS, historyLength: 0 });
    expectAccepted(await step({ op: 'track', events: modelEvents }));
    // The helper starts with the first query and loads its part in the background.
    await awaitBackendThreads(step, 2);
    expect(await step<unknown[]>({ op: 'recommend', request: { count: 10, explain: true } })).toHaveLength(10);
    expect((await step<Row[]>({ op: 'rows', request: {} })).length).toBeGreaterThan(0);
    expect(await step<unknown[]>({ op: 'similar', itemId: watchedTokens[1] })).not.toHaveLength(0);
    expect(await step<Profile>({ op: 'createProfile', profile })).toMatchObject({ id: profile.id, name: profile.name });
    await step({ op: 'switchProfile', id: profile.id });
    expectAccepted(await step({ op: 'track', events: modelProfileEvents }));
    expect((await step<Row[]>({ op: 'rows', request: { rows: ['continue-watching', 'because-you-watched', 'top-picks'] } })).length).toBeGreaterThan(0);
    expect((await step<Profile[]>({ op: 'listProfiles' })).map((listed) => listed.name)).toContain(profile.name);
    await step({ op: 'switchProfile', id: 'default' });
    expect(await step<RecommenderStatus>({ op: 'status' })).toMatchObject({ profileId: 'default', historyLength: modelEvents.length, backendThreads: 2 });
    await keepProbe();
    await step({ op: 'dispose' });

    const requests = proxy.requests.slice(from);
    console.log(`[${engine}] model scenario: ${requests.length} requests ${JSON.stringify(kindCounts(requests))}`);
    expect(auditRequests(requests)).toEqual(clean);
    expect(kindCounts(requests)).toMatchObject({ 'model file': 4 });
    // The engine's worker and its helper (the same script; the page starts the helper in WPE).
    expect(requests.filter((request) => request.url === '/dist/ondeck-worker.js')).toHaveLength(2);
  });

  it('a service-worker-controlled page: signed sync (snapshot, delta, 304), ORT where it runs, profiles, a restart from IndexedDB', async () => {
    const from = proxy.requests.length;
    const registered = await runPageScenario<{ controlling: boolean; controllerScript: string | null }>(session(), pageUrl, { op: 'register' });
    expect(registered).toMatchObject({ controlling: true, controllerScript: `${proxy.origin}/dist/ondeck-sw.js` });
    files.serveInstead(MANIFEST, publication.manifests.v1);
    const startArgs = { op: 'start', syncUrl: `${proxy.origin}/sync/`, publicKey: publication.key.publicKeyBase64, syncIntervalMs: 0, databaseName: 'privacy-sync' };
    expect(await step(startArgs)).toMatchObject({ status: { modelVersion: 1, storage: 'indexeddb' }, controllerScript: `${proxy.origin}/dist/ondeck-sw.js` });
    expectAccepted(await step({ op: 'track', events: syncEvents }));
    // ORT (where the engine has WebAssembly SIMD) starts in the background: wait for it, so its
    // files are part of what is recorded.
    await expect.poll(async () => (await step<RecommenderStatus>({ op: 'status' })).backend, { timeout: 60_000, interval: 250 }).toBe(engineFacts[engine].defaultBackend);

    files.serveInstead(MANIFEST, publication.manifests.v2);
    expect(await step({ op: 'sync' })).toMatchObject({ result: { result: 'updated', version: 2, path: 'delta' } });
    expect(await step({ op: 'sync' })).toMatchObject({ result: { result: 'not-modified' } });
    expect(await step<unknown[]>({ op: 'recommend', request: { count: 6, explain: true } })).toHaveLength(6);
    expect(await step<Profile>({ op: 'createProfile', profile })).toMatchObject({ id: profile.id });
    await step({ op: 'switchProfile', id: profile.id });
    expectAccepted(await step({ op: 'track', events: syncProfileEvents }));
    expect((await step<Row[]>({ op: 'rows', request: {} })).length).toBeGreaterThan(0);
    await keepProbe();
    await step({ op: 'dispose' });

    // Reloaded (still controlled), straight into the viewer's profile: state from IndexedDB.
    await session().reload();
    expect(await step({ ...startArgs, profileId: profile.id })).toMatchObject({
      status: { modelVersion: 2, profileId: profile.id, historyLength: syncProfileEvents.length },
      controllerScript: `${proxy.origin}/dist/ondeck-sw.js`,
    });
    expect(await step({ op: 'sync' })).toMatchObject({ result: { result: 'not-modified' } });
    expect((await step<Row[]>({ op: 'rows', request: {} })).length).toBeGreaterThan(0);
    await step({ op: 'switchProfile', id: 'default' });
    expect(await step<unknown[]>({ op: 'recommend', request: { count: 6 } })).toHaveLength(6);
    await keepProbe();
    await step({ op: 'dispose' });

    const requests = proxy.requests.slice(from);
    console.log(`[${engine}] service worker + sync scenario: ${requests.length} requests ${JSON.stringify(kindCounts(requests))}`);
    expect(auditRequests(requests)).toEqual(clean);
    expect(kindCounts(requests)).toMatchObject({ 'sync manifest': 4 });
    expect(kindCounts(requests)['ORT file'] ?? 0).toEqual(engineFacts[engine].webAssemblySimd ? expect.any(Number) : 0);
  });

  it('over the whole run: every request a GET to the app origin of an expected kind, nothing about the viewer in any, no report of another origin', async () => {
    // CSP reports are sent asynchronously: give a late one time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const requests = proxy.requests;
    const paths = [...new Set(requests.map((request) => `${kindOf(request.url, expectedKinds) ?? 'UNEXPECTED'}: ${request.method} ${request.url}`))].sort();
    console.log(
      `[${engine}] ${requests.length} requests, ${JSON.stringify(kindCounts(requests))}; header names ${JSON.stringify([...new Set(requests.flatMap((request) => request.headers.map(([name]) => name.toLowerCase())))].sort())}\n  ${paths.join('\n  ')}`,
    );
    expect(requests.length).toBeGreaterThan(0);
    expect(auditRequests(requests)).toEqual(clean);
    // What the page's own realm started: same-origin GETs only (no beacon), and every resource it
    // loaded came from the app's origin.
    expect(probes.length).toBe(3);
    expect(probes.flatMap((probe) => probe.attempts).filter((attempt) => !attempt.sameOrigin || !['GET', 'HEAD'].includes(attempt.method))).toEqual([]);
    expect(probes.flatMap((probe) => probe.resources).filter((url) => !url.startsWith(`${proxy.origin}/`))).toEqual([]);
    // Nothing reached the other origin either.
    expect(otherOrigin.requestedPaths).toEqual([]);
  });

  /**
   * Has the page do on purpose what the SDK must never do (pages/privacy.js, op `canary`), on
   * `app`'s origin, and checks that every detector notices: the recording (a beacon and a GET
   * carrying the profile name to the app's origin fail the audit), privacyProbe.js (all four
   * noted), and the CSP reports of the contexts in `reportingContexts` (what went to the other
   * origin from the page's `beacon` and `fetch`, and from a `worker`).
   */
  async function expectDetectorsToNotice(app: RecordingProxy, reportingContexts: readonly string[]): Promise<void> {
    const from = app.requests.length;
    const canaryToken = token('canary-');
    const sent = await runPageScenario<{ beacon: unknown; fetched: string; fromWorker: string; probe: ProbeReport }>(session(), `${app.origin}/pages/privacy.html`, {
      op: 'canary',
      leak: profile.name,
      otherOrigin: otherOrigin.origin,
      token: canaryToken,
    });
    expect(sent).toMatchObject({ beacon: true, fetched: 'sent', fromWorker: 'sent' });
    // They really left: the other origin saw all three.
    const canaryPaths = () => otherOrigin.requestedPaths.filter((path) => path.includes(canaryToken)).sort();
    await expect.poll(canaryPaths, { timeout: 10_000 }).toEqual(['beacon', 'fetch', 'worker'].map((what) => `/canary/${canaryToken}/${what}`));
    // The page's probe noted both beacons and both fetches, the foreign ones as foreign.
    expect(sent.probe.attempts.map((attempt) => `${attempt.api} ${attempt.method} ${attempt.sameOrigin ? 'same origin' : 'foreign'}`).sort()).toEqual([
      'fetch GET foreign',
      'fetch GET same origin',
      'sendBeacon POST foreign',
      'sendBeacon POST same origin',
    ]);
    const audit = () => auditRequests(app.requests.slice(from), app.origin);
    const reported = () => [...new Set(audit().violationReports.map((report) => /\/canary\/[\w-]+\/(\w+)/.exec(report)?.[1]))].sort();
    await expect.poll(reported, { timeout: 10_000 }).toEqual(reportingContexts);
    // And the audit that passes for the SDK fails on the page's own leak, in each way.
    const found = audit();
    expect(found.notGetOrHead).toEqual(['POST /privacy/canary-beacon']);
    expect(found.withBody).toEqual([`POST /privacy/canary-beacon: ${profile.name.length} bytes`]);
    // (Sorted: a beacon is sent in the background, before or after the fetch.)
    expect([...found.unexpectedPaths].sort()).toEqual([`GET /privacy/canary?viewer=${profile.name}`, 'POST /privacy/canary-beacon']);
    expect(found.leaks.map((leak) => `${leak.secret} in ${leak.where} of ${leak.method} ${leak.url.split('?')[0]}`).sort()).toEqual([
      'profile name in body of POST /privacy/canary-beacon',
      'profile name in url of GET /privacy/canary',
    ]);
  }

  // Not every engine reports what a worker sends to another origin: Chromium 87 (Qt WebEngine
  // 5.15) sends no CSP report from a dedicated worker at all, and WPE 2.38 none from a worker of
  // a service-worker-controlled page. There, a worker's request to another origin would go
  // unseen; the same worker code is covered where the reports do come.
  it('the detectors work here on a page no service worker controls: a leak to the app origin, and a beacon, a fetch and a worker fetch to another origin, are each noticed', async () => {
    // A fresh origin of the same files: no service worker there.
    const uncontrolled = await startRecordingProxy({ target: files.origin, responseHeaders });
    try {
      await expectDetectorsToNotice(uncontrolled, engine === 'chromium87' ? ['beacon', 'fetch'] : ['beacon', 'fetch', 'worker']);
    } finally {
      await uncontrolled.close();
    }
  });

  it("the detectors work here on the service-worker-controlled page too (the worker's report where the engine sends one)", async () => {
    await expectDetectorsToNotice(proxy, engine === 'chromium' || engine === 'chromium102' ? ['beacon', 'fetch', 'worker'] : ['beacon', 'fetch']);
  });
});
