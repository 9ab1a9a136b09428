import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Recommendation, RecommenderStatus, SyncResult } from '../../models/contract/types';
import { publishPlantedVersions, type PlantedPublication } from '../support/publishPlantedVersions';
import { testSigningKey } from '../support/signingKey';
import { signManifest } from '../../models/node/sync/manifestSigning';
import { MAX_MODEL_VERSION } from '../../models/sync/SyncManifest';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { browserEngines } from '../../scripts/browser/requireBrowser';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { startFaultyServer, type Fault, type FaultyServer } from './support/startFaultyServer';

const root = join(import.meta.dirname, '../..');
const MANIFEST = '/sync/manifest.json';
const now = Date.now();
const watched = ['b2-i3', 'b2-i5', 'b2-i8', 'b2-i13'].map((itemId, i) => ({ type: 'complete', itemId, time: now - (4 - i) * 60_000 }));

interface PageEvent {
  event: 'ready' | 'update' | 'error' | 'progress';
  at: number;
  code?: string;
  message?: string;
  version?: number;
  phase?: string;
  received?: number;
  total?: number;
}
type SyncAnswer = { result: SyncResult; milliseconds: number } | { error: string; message: string };

let publication: PlantedPublication;
let bundleDirectory: string;

beforeAll(async () => {
  publication = await publishPlantedVersions();
  // The primitives page needs the worker's sync code as a page script, built like the shipped
  // bundles: with the browser loader of the pure-JS fallbacks, which finds them in the shipped
  // dist/browser/ondeck-compat.js that the page includes first.
  bundleDirectory = await mkdtemp(join(tmpdir(), 'ondeck-sync-primitives-'));
  await build({
    entryPoints: [join(root, 'test/browser/support/syncPrimitivesEntry.ts')],
    outfile: join(bundleDirectory, 'syncPrimitives.js'),
    bundle: true,
    format: 'iife',
    target: ['chrome56'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'browser-compat-loader',
        setup(context) {
          context.onResolve({ filter: /\/loadCompat$/ }, () => ({ path: join(root, 'worker/compat/loadCompatInClassicWorker.ts') }));
        },
      },
    ],
  });
  const primitives = await readFile(join(bundleDirectory, 'syncPrimitives.js'), 'utf8');
  // The test bundle must not carry tweetnacl itself, or the page would not prove the compat script works.
  expect(primitives).not.toContain('bad signature size');
});
afterAll(async () => {
  await publication?.cleanup();
  if (bundleDirectory) await rm(bundleDirectory, { recursive: true, force: true });
});

describe.each(browserEngines)('signed sync in %s', (engine) => {
  const facts = engineFacts[engine];
  // Engines without native Ed25519 or without DecompressionStream load ondeck-compat.js.
  const needsCompat = !facts.nativeEd25519 || !facts.decompressionStream;
  let server: FaultyServer;
  let session: BrowserSession;
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session, args);
  /** The current device's database: {@link freshDeviceOnV1} starts a new device in a new one. */
  let databaseName = `ondeck-sync-${engine}`;
  let devices = 0;
  const start = (options: Record<string, unknown> = {}) =>
    step<{ status: RecommenderStatus } | { error: string }>({
      op: 'start',
      syncUrl: `${server.origin}/sync/`,
      publicKey: publication.key.publicKeyBase64,
      syncIntervalMs: 0,
      databaseName,
      ...options,
    });
  const sync = () => step<SyncAnswer>({ op: 'sync' });
  const status = () => step<RecommenderStatus>({ op: 'status' });
  const events = () => step<PageEvent[]>({ op: 'events' });
  const serveManifest = (text: string) => server.serveInstead(MANIFEST, text);
  const updated = (answer: SyncAnswer): SyncResult => {
    if ('error' in answer) throw new Error(`sync failed: ${answer.error} ${answer.message}`);
    return answer.result;
  };
  /**
   * A new device (its own database) on v1 with the viewer's history, so the next test has an
   * update to make: versions only go up, so no device is ever taken back to v1.
   */
  const freshDeviceOnV1 = async (options: Record<string, unknown> = {}) => {
    server.clearFaults();
    await step({ op: 'dispose' });
    databaseName = `ondeck-sync-${engine}-${++devices}`;
    serveManifest(publication.manifests.v1);
    expect(await start(options)).toMatchObject({ status: { modelVersion: 1, storage: 'indexeddb', historyLength: 0 } });
    expect((await step<{ accepted: boolean }[]>({ op: 'track', events: watched })).every((tracked) => tracked.accepted)).toBe(true);
    serveManifest(publication.manifests.v2);
  };
  /** What must hold after any failed sync: the last good version serves, the history is whole. */
  const expectStillServing = async (version: number) => {
    const current = await status();
    expect(current.modelVersion).toBe(version);
    expect(current.historyLength).toBe(4);
    const { items } = await step<{ items: Recommendation[] }>({ op: 'recommend', request: { count: 6 } });
    expect(items.map((item) => publication.blockOf(item.itemId))).toEqual(new Array(6).fill(2));
  };

  beforeAll(async () => {
    server = await startFaultyServer({
      '/dist/': join(root, 'dist/browser'),
      '/pages/': join(root, 'test/browser/pages'),
      '/sync/': publication.directory,
      '/testbundle/': bundleDirectory,
    });
    session = await launchBrowserSession(engine);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('runs the signature check and gunzip both natively (where the engine can) and in pure JS', async () => {
    const key = testSigningKey();
    const message = new TextEncoder().encode('{"format":"ondeck-sync","version":7}');
    const plain = new TextEncoder().encode('ondeck sync '.repeat(400));
    const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    const answer = await runPageScenario<{
      verify: Record<string, string>;
      jsVerifyMilliseconds: number;
      gunzip: Record<string, boolean | string>;
      engine: Record<string, string>;
    }>(session, `${server.origin}/pages/syncPrimitives.html`, {
      message: base64(message),
      signature: base64(key.sign(message)),
      publicKey: key.publicKeyBase64,
      gzip: base64(new Uint8Array(gzipSync(plain))),
      plain: base64(plain),
    });
    console.log(`[${engine}] primitives:`, JSON.stringify(answer));
    expect(answer.verify.js).toBe('tweetnacl');
    expect(['webcrypto', 'tweetnacl']).toContain(answer.verify.auto);
    expect(answer.verify.badAuto).toBe('error:signature-invalid');
    expect(answer.verify.badJs).toBe('error:signature-invalid');
    expect(answer.gunzip).toEqual({ auto: true, js: true, corruptJs: 'error:model-corrupt' });
    expect(answer.verify.auto).toBe(facts.nativeEd25519 ? 'webcrypto' : 'tweetnacl');
    // Where there is no DecompressionStream (WPE 2.38), the shipped worker gunzips with fflate.
    expect(answer.engine.decompressionStream).toBe(facts.decompressionStream ? 'function' : 'undefined');
  });

  it('a first start syncs the v1 snapshot, then v2 arrives as a delta and is switched in one step', async () => {
    const compatRequests = () => server.requests.filter((request) => request.path === '/dist/ondeck-compat.js').length;
    const compatRequestsBefore = compatRequests();
    serveManifest(publication.manifests.v1);
    const started = await runPageScenario<{ status: RecommenderStatus } | { error: string }>(session, `${server.origin}/pages/sync.html`, {
      op: 'start',
      syncUrl: `${server.origin}/sync/`,
      publicKey: publication.key.publicKeyBase64,
      syncIntervalMs: 0,
      databaseName,
    });
    expect(started).toMatchObject({ status: { modelVersion: 1, storage: 'indexeddb' } });
    expect((await step<{ accepted: boolean }[]>({ op: 'track', events: watched })).every((t) => t.accepted)).toBe(true);
    await expectStillServing(1);

    serveManifest(publication.manifests.v2);
    const answer = await sync();
    const result = updated(answer);
    expect(result).toMatchObject({ result: 'updated', version: 2, path: 'delta', downloadedBytes: publication.v2.deltas[0].bytes });
    console.log(`[${engine}] v1→v2 by delta: sync() took ${Math.round((answer as { milliseconds: number }).milliseconds)} ms (signature: ${result.signatureCheck})`);
    await expectStillServing(2);
    const log = await events();
    // v1 at the first start, then v2.
    expect(log.filter((e) => e.event === 'update').map((e) => e.version)).toEqual([1, 2]);
    expect(log.filter((e) => e.event === 'progress').map((e) => e.phase)).toEqual(expect.arrayContaining(['checking', 'downloading', 'applying']));

    // Unchanged manifest: a conditional GET answered 304, nothing else fetched.
    const before = server.requests.length;
    expect(updated(await sync()).result).toBe('not-modified');
    expect(server.requests.slice(before).map((r) => [r.path, r.status])).toEqual([[MANIFEST, 304]]);

    // The pure-JS fallbacks: Chromium 156 has native Ed25519 and DecompressionStream and never
    // fetches ondeck-compat.js; Chromium 87/102 lack Ed25519 and WPE 2.38 both, so their worker
    // loaded it once, for both syncs.
    expect(compatRequests() - compatRequestsBefore).toBe(needsCompat ? 1 : 0);
    expect(result.signatureCheck).toBe(facts.nativeEd25519 ? 'webcrypto' : 'tweetnacl');
  });

  it('measures a snapshot apply (v1 → v2 without a delta)', async () => {
    await freshDeviceOnV1();
    serveManifest(publication.manifests.v2SnapshotOnly);
    const answer = await sync();
    expect(updated(answer)).toMatchObject({ version: 2, path: 'snapshot', downloadedBytes: publication.v2.snapshot.bytes });
    console.log(`[${engine}] v1→v2 by snapshot: sync() took ${Math.round((answer as { milliseconds: number }).milliseconds)} ms`);
  });

  /** Serves every v2 blob with one byte more than the signed manifest says. */
  const lengthenV2Blobs = async (): Promise<string[]> => {
    const paths = [publication.v2.deltas[0].path, publication.v2.snapshot.path];
    for (const path of paths) server.serveInstead(`/sync/${path}`, Buffer.concat([await readFile(join(publication.directory, path)), Buffer.from([0])]));
    return paths.map((path) => `/sync/${path}`);
  };
  const faults: Array<{
    name: string;
    path: string;
    fault?: Fault;
    manifest?: keyof PlantedPublication['manifests'] | string;
    replace?: () => Promise<string[]>;
    codes: string[];
  }> = [
    { name: 'manifest 404', path: MANIFEST, fault: { kind: 'status', status: 404 }, codes: ['network-failed'] },
    { name: 'manifest 500', path: MANIFEST, fault: { kind: 'status', status: 500 }, codes: ['network-failed'] },
    { name: 'manifest 503 with Retry-After', path: MANIFEST, fault: { kind: 'status', status: 503, retryAfter: '30' }, codes: ['network-failed'] },
    { name: 'manifest connection reset', path: MANIFEST, fault: { kind: 'reset', afterBytes: 0 }, codes: ['network-failed'] },
    { name: 'manifest truncated', path: MANIFEST, fault: { kind: 'truncate', bytes: 100 }, codes: ['network-failed'] },
    { name: 'manifest with a flipped byte', path: MANIFEST, fault: { kind: 'flip-byte', offset: 300 }, codes: ['signature-invalid', 'sync-manifest-invalid'] },
    { name: 'tampered payload', path: MANIFEST, manifest: 'v2Tampered', codes: ['signature-invalid'] },
    { name: 'signature from another key', path: MANIFEST, manifest: 'v2OtherKey', codes: ['signature-invalid'] },
    { name: "another key's signature under our key id", path: MANIFEST, manifest: 'v2ForgedKeyId', codes: ['signature-invalid'] },
    { name: 'malformed manifest', path: MANIFEST, manifest: '{"payload":"AAAA","signature":1}', codes: ['sync-manifest-invalid'] },
    { name: 'every blob with a flipped byte', path: '/sync/blobs/', fault: { kind: 'flip-byte', offset: 500 }, codes: ['model-corrupt'] },
    { name: 'blob truncated', path: '/sync/blobs/', fault: { kind: 'truncate', bytes: 300 }, codes: ['network-failed'] },
    { name: 'blob connection reset mid-body', path: '/sync/blobs/', fault: { kind: 'reset', afterBytes: 200 }, codes: ['network-failed'] },
    { name: 'blob 404', path: '/sync/blobs/', fault: { kind: 'status', status: 404 }, codes: ['network-failed'] },
    { name: 'every blob longer than the signed manifest says', path: '/sync/blobs/', replace: lengthenV2Blobs, codes: ['model-corrupt'] },
  ];

  it.each(faults)('$name: keeps serving v1 with the history, emits an error event, and the next good sync succeeds', async ({ path, fault, manifest, replace, codes }) => {
    await freshDeviceOnV1();
    const replaced = replace ? await replace() : [];
    const errorsBefore = (await events()).filter((e) => e.event === 'error').length;
    if (manifest) serveManifest(manifest in publication.manifests ? publication.manifests[manifest as keyof PlantedPublication['manifests']] : manifest);
    if (fault) server.fault(path, fault);
    const failed = await sync();
    expect('error' in failed && failed.error).toSatisfy((code: string) => codes.includes(code));
    await expectStillServing(1);
    const newErrors = (await events()).filter((e) => e.event === 'error').slice(errorsBefore);
    expect(newErrors.map((e) => e.code)).toEqual(['error' in failed ? failed.error : '']);

    server.clearFaults();
    for (const replacedPath of replaced) server.serveInstead(replacedPath, null);
    serveManifest(publication.manifests.v2);
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2 });
    await expectStillServing(2);
  });

  it('a worker that cannot load ondeck-compat.js reports network-failed where it needs it, keeps serving, and loads it on the next sync', async () => {
    await freshDeviceOnV1();
    // A fresh worker, which has not loaded the fallbacks yet, serving v1 from IndexedDB.
    await session.reload();
    expect(await start()).toMatchObject({ status: { modelVersion: 1, storage: 'indexeddb', historyLength: 4 } });
    server.fault('/dist/ondeck-compat.js', { kind: 'status', status: 404 });
    const errorsBefore = (await events()).filter((e) => e.event === 'error').length;
    const answer = await sync();
    if (!needsCompat) {
      // Native Ed25519 and DecompressionStream: the missing file is never even requested.
      expect(updated(answer)).toMatchObject({ result: 'updated', version: 2, signatureCheck: 'webcrypto' });
      expect(server.requests.filter((request) => request.path === '/dist/ondeck-compat.js' && request.status === 404)).toEqual([]);
      return;
    }
    expect(answer).toMatchObject({ error: 'network-failed', message: expect.stringContaining('ondeck-compat.js') });
    await expectStillServing(1);
    expect(
      (await events())
        .filter((e) => e.event === 'error')
        .slice(errorsBefore)
        .map((e) => e.code),
    ).toEqual(['network-failed']);
    // The failure is not remembered: once the file is back, the same worker loads it and updates.
    server.clearFaults();
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2, signatureCheck: 'tweetnacl' });
    await expectStillServing(2);
  });

  // Issue 14, TUF's attacks, each: refused or surfaced, the last good model keeps serving with the
  // history, and the next honest manifest installs.
  it('indefinite freeze: an expired manifest is refused with sync-expired, v1 keeps serving, the honest v2 installs', async () => {
    await freshDeviceOnV1();
    expect((await status()).sync).toMatchObject({ freshUntil: publication.v1.expires });
    serveManifest(publication.manifests.v2Expired);
    expect(await sync()).toMatchObject({ error: 'sync-expired', message: expect.stringContaining('expired at 2026-01-06T00:00:00.000Z') });
    expect((await events()).filter((e) => e.event === 'error').pop()?.code).toBe('sync-expired');
    await expectStillServing(1);
    serveManifest(publication.manifests.v2);
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2 });
    await expectStillServing(2);
  });

  it('indefinite freeze by 304: once the installed manifest expires, "not modified" is no longer believed; the device says since when it is stale', async () => {
    await freshDeviceOnV1();
    const expires = new Date(Date.now() + 4000).toISOString();
    serveManifest(JSON.stringify(signManifest({ ...publication.v2, expires }, publication.key.privateKeyPem)));
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2 });
    expect(updated(await sync())).toMatchObject({ result: 'not-modified' });
    await new Promise((resolveWait) => setTimeout(resolveWait, Date.parse(expires) - Date.now() + 500));
    expect(await sync()).toMatchObject({ error: 'sync-expired' });
    expect(server.requests.filter((request) => request.path === MANIFEST).pop()?.status).toBe(304);
    expect((await status()).sync).toMatchObject({ staleSince: expires, freshUntil: expires });
    await expectStillServing(2);
    // The publisher's refresh (a new expiry, so a new ETag) ends it.
    serveManifest(publication.manifests.v2);
    expect(updated(await sync())).toMatchObject({ result: 'current', version: 2 });
    expect((await status()).sync?.staleSince).toBeUndefined();
  });

  it('fast-forward: a signed version past the maximum is refused as malformed, v1 keeps serving, the honest v2 installs', async () => {
    await freshDeviceOnV1();
    serveManifest(JSON.stringify(signManifest({ ...publication.v2, version: MAX_MODEL_VERSION + 1, deltas: [] }, publication.key.privateKeyPem)));
    expect(await sync()).toMatchObject({ error: 'sync-manifest-invalid', message: expect.stringContaining(`1..${MAX_MODEL_VERSION}`) });
    await expectStillServing(1);
    serveManifest(publication.manifests.v2);
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2 });
  });

  it('rollback: a rollback published as v3 arrives by delta; a device that verified v3 refuses v2 even after a reload, before installing v3', async () => {
    await freshDeviceOnV1();
    // v3 verified, but its blobs fail: the device stays on v1 and remembers that v3 exists.
    server.fault('/sync/blobs/', { kind: 'status', status: 404 });
    serveManifest(publication.manifests.v3RollbackToV1);
    expect(await sync()).toMatchObject({ error: 'network-failed' });
    server.clearFaults();
    await session.reload();
    expect(await start()).toMatchObject({ status: { modelVersion: 1, historyLength: 4 } });
    // The withdrawn v2, newer than what serves but older than what was verified: refused.
    serveManifest(publication.manifests.v2);
    expect(await sync()).toMatchObject({ error: 'sync-refused', message: expect.stringContaining('lower than version 3') });
    await expectStillServing(1);
    serveManifest(publication.manifests.v3RollbackToV1);
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 3 });
    expect((await status()).modelVersion).toBe(3);
  });

  it('slow retrieval and endless data: a hanging manifest, an endless one and a trickling blob end with typed errors, v1 keeps serving, v2 installs', async () => {
    await freshDeviceOnV1({ syncLimits: { manifestTimeoutMs: 1500, minimumBytesPerSecond: 4000, rateWindowMs: 1000 } });
    server.fault(MANIFEST, { kind: 'hang' }, 1);
    expect(await sync()).toMatchObject({ error: 'sync-timeout' });
    server.fault(MANIFEST, { kind: 'endless' }, 1);
    expect(await sync()).toMatchObject({ error: 'sync-refused', message: expect.stringContaining('at most 1048576 bytes') });
    // The download stops with the refusal. How much crossed the socket before it did is loopback
    // speed times the engine's cancel latency (WPE's network process took 100+ MB at GB/s here,
    // about 1 MB on a 100 Mbit/s link); what must hold is that it does stop.
    const endless = server.requests.filter((request) => request.endlessBytes !== undefined).pop()!;
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    const stoppedAt = endless.endlessBytes!;
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
    expect(endless.endlessBytes! - stoppedAt).toBe(0);
    server.fault('/sync/blobs/', { kind: 'drip', bytesPerSecond: 500 });
    expect(await sync()).toMatchObject({ error: 'sync-timeout', message: expect.stringContaining('below the minimum of 4000 bytes/s') });
    await expectStillServing(1);
    server.clearFaults();
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2 });
    await expectStillServing(2);
  });

  it('mix-and-match: a manifest of another publish directory signed with the same key is refused, also after a reload; the pinned directory updates', async () => {
    await freshDeviceOnV1();
    serveManifest(publication.manifests.v2OtherDirectory);
    expect(await sync()).toMatchObject({ error: 'sync-refused', message: expect.stringContaining('another directory') });
    await session.reload();
    expect(await start()).toMatchObject({ status: { modelVersion: 1, historyLength: 4 } });
    expect(await sync()).toMatchObject({ error: 'sync-refused' });
    await expectStillServing(1);
    serveManifest(publication.manifests.v2);
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2 });
    await expectStillServing(2);
  });

  it('several keys with a threshold of 2: a first start on a manifest signed by one key fails, one signed by both installs', async () => {
    await step({ op: 'dispose' });
    databaseName = `ondeck-sync-${engine}-${++devices}`;
    const trust = { publicKey: undefined, publicKeys: [publication.key.publicKeyBase64, publication.secondKey.publicKeyBase64], signatureThreshold: 2 };
    serveManifest(publication.manifests.v1);
    expect(await start(trust)).toMatchObject({ error: 'not-ready' });
    expect(
      (await events())
        .filter((e) => e.event === 'error')
        .map((e) => e.message)
        .join('\n'),
    ).toContain('signed by 1 trusted key(s), 2 are required');
    await step({ op: 'dispose' });
    serveManifest(publication.manifests.v2TwoKeys);
    expect(await start(trust)).toMatchObject({ status: { modelVersion: 2 } });
    // The tests after this one expect the one-key device with the viewer's history.
    await freshDeviceOnV1();
  });

  it('refuses a replayed older manifest with an error event, and keeps v2', async () => {
    server.clearFaults();
    serveManifest(publication.manifests.v2);
    updated(await sync());
    expect((await status()).modelVersion).toBe(2);
    serveManifest(publication.manifests.v1);
    expect(await sync()).toMatchObject({ error: 'sync-refused' });
    expect((await events()).filter((e) => e.event === 'error').pop()?.code).toBe('sync-refused');
    await expectStillServing(2);
    serveManifest(publication.manifests.v2);
    expect(['not-modified', 'current']).toContain(updated(await sync()).result);
  });

  it('journals a delta update (v1 kept as its base), survives a reload before the whole rewrite, then keeps v2 alone', async () => {
    await freshDeviceOnV1();
    const stored = () => step<{ version: number; baseVersion: number | null; files: string[] }[]>({ op: 'storedModels', databaseName });
    expect(await stored()).toEqual([{ version: 1, baseVersion: null, files: expect.arrayContaining(['model.json', 'factors.bin', 'catalog.json', 'scoring.onnx']) }]);
    expect(updated(await sync())).toMatchObject({ result: 'updated', version: 2, path: 'delta' });
    // Committed as v1 + the delta blob; the rewrite of v2 whole waits a couple of seconds.
    const journaled = await stored();
    expect(journaled.map((model) => [model.version, model.baseVersion])).toEqual([
      [1, null],
      [2, 1],
    ]);
    expect(journaled[1].files).toEqual(['delta:0']);
    await session.reload();
    const restarted = await start();
    expect(restarted).toMatchObject({ status: { modelVersion: 2, storage: 'indexeddb', historyLength: 4 } });
    await expectStillServing(2);
    // Rebuilt from v1 and the delta, verified, and rewritten whole: v1 and the journal are gone.
    await expect.poll(async () => (await stored()).map((model) => [model.version, model.baseVersion]), { timeout: 15_000, interval: 250 }).toEqual([[2, null]]);
    expect((await stored())[0].files).toEqual(expect.arrayContaining(['model.json', 'factors.bin', 'catalog.json', 'scoring.onnx']));
    expect((await events()).filter((e) => e.event === 'error')).toEqual([]);
    await session.reload();
    expect(await start()).toMatchObject({ status: { modelVersion: 2, storage: 'indexeddb', historyLength: 4 } });
    await expectStillServing(2);
  });

  it('keeps serving during a slow (1 KB/s) download; a reload mid-download leaves v1 whole, and the next sync resumes with Range', async () => {
    await freshDeviceOnV1();
    const snapshot = publication.v2.snapshot;
    serveManifest(publication.manifests.v2SnapshotOnly);
    server.fault('/sync/blobs/', { kind: 'drip', bytesPerSecond: 1000 });
    const halfway = server.waitForBodyBytes(`/sync/${snapshot.path}`, 2500);
    await step({ op: 'syncInBackground' });
    await halfway;
    // Mid-download: still v1, answering, and progress was reported.
    const during = await status();
    expect(during.modelVersion).toBe(1);
    expect(during.sync?.running).toBe(true);
    await expectStillServing(1);
    expect((await step<PageEvent | null>({ op: 'waitForEvent', event: 'progress', phase: 'downloading' }))?.total).toBe(snapshot.bytes);
    // The prefix is persisted every 250 ms on a slow link; give the last IndexedDB write time to commit.
    await new Promise((resolve) => setTimeout(resolve, 600));

    await session.reload();
    server.clearFaults();
    expect(await start()).toMatchObject({ status: { modelVersion: 1, historyLength: 4 } });
    await expectStillServing(1);
    const before = server.requests.length;
    const result = updated(await sync());
    expect(result).toMatchObject({ result: 'updated', version: 2, path: 'snapshot' });
    expect(result.resumedBytes).toBeGreaterThan(0);
    expect(result.resumedBytes + result.downloadedBytes).toBe(snapshot.bytes);
    const blobRequests = server.requests.slice(before).filter((r) => r.path.includes('/blobs/'));
    expect(blobRequests.map((r) => [r.range, r.status])).toEqual([[`bytes=${result.resumedBytes}-`, 206]]);
    await expectStillServing(2);
  });

  it('a reload right as the blob completes leaves v1 or v2 whole, never a mix; the next sync ends on v2', async () => {
    await freshDeviceOnV1();
    const snapshot = publication.v2.snapshot;
    serveManifest(publication.manifests.v2SnapshotOnly);
    server.fault('/sync/blobs/', { kind: 'drip', bytesPerSecond: 8000 });
    const complete = server.waitForBodyBytes(`/sync/${snapshot.path}`, snapshot.bytes);
    await step({ op: 'syncInBackground' });
    await complete;
    await session.reload();
    server.clearFaults();
    const restarted = await start();
    expect(restarted).toMatchObject({ status: { historyLength: 4 } });
    const version = (restarted as { status: RecommenderStatus }).status.modelVersion!;
    expect([1, 2]).toContain(version);
    // Whichever it is, it is complete: it decodes, verifies and answers from the planted taste.
    await expectStillServing(version);
    const before = server.requests.length;
    const result = updated(await sync());
    console.log(`[${engine}] reload at blob completion: restarted on v${version}; next sync ${JSON.stringify(result)}`);
    if (version === 1) {
      expect(result).toMatchObject({ result: 'updated', version: 2 });
      // The complete blob was kept for the apply: no byte of it was fetched again.
      if (result.resumedBytes === snapshot.bytes) expect(server.requests.slice(before).filter((r) => r.path.includes('/blobs/'))).toEqual([]);
    }
    await expectStillServing(2);
  });

  it('retries on its own after a 503, not before its Retry-After', async () => {
    await freshDeviceOnV1({ syncIntervalMs: 3_600_000, syncRetryMs: 200 });
    server.fault(MANIFEST, { kind: 'status', status: 503, retryAfter: '2' }, 1);
    expect(await sync()).toMatchObject({ error: 'network-failed' });
    const failedAt = server.requests.filter((r) => r.path === MANIFEST && r.status === 503).pop()!.at;
    const waiting = await status();
    expect(waiting.sync).toMatchObject({ failures: 1, running: false });
    expect(Date.parse(waiting.sync!.nextAttempt!) - failedAt).toBeGreaterThanOrEqual(1900);
    // No sync() call from here on: the scheduler's own retry brings v2.
    await expect.poll(async () => (await status()).modelVersion, { timeout: 15_000, interval: 250 }).toBe(2);
    const retry = server.requests.filter((r) => r.path === MANIFEST && r.at > failedAt)[0];
    expect(retry.at - failedAt).toBeGreaterThanOrEqual(1900);
    expect((await status()).sync?.failures).toBe(0);
    await step({ op: 'dispose' });
  });

  it('syncs cross-origin from `ondeck serve`, as from a CDN: CORS preflight for If-None-Match, exposed ETag, 304', async () => {
    const cdn = await startOndeckServe(publication.directory);
    try {
      // The page is on the test server's origin, the publish directory on another port: cross-origin.
      expect(cdn.origin).not.toBe(server.origin);
      const started = await runPageScenario(session, `${server.origin}/pages/sync.html`, {
        op: 'start',
        syncUrl: `${cdn.origin}/`,
        publicKey: publication.key.publicKeyBase64,
        syncIntervalMs: 0,
        databaseName: `ondeck-cdn-${engine}`,
      });
      expect(started).toMatchObject({ status: { modelVersion: 2, historyLength: 0 } });
      expect(updated(await sync()).result).toBe('not-modified');
      await step({ op: 'dispose' });
    } finally {
      cdn.process.kill();
    }
  });

  // Chromium 156 only: the offline switch reaches the engine's worker through Playwright's
  // worker sessions (the Qt engines are driven over one page session; WPE has no such switch),
  // and the quota override needs CDP's Storage.overrideQuotaForOrigin.
  if (engine === 'chromium') {
    it('makes no attempt while offline and syncs soon after the online event', async () => {
      const page = session.chromiumPage!.page;
      await freshDeviceOnV1({ syncIntervalMs: 3_600_000, syncRetryMs: 200 });
      server.fault(MANIFEST, { kind: 'status', status: 503, retryAfter: '1' }, 1);
      expect(await sync()).toMatchObject({ error: 'network-failed' });
      await page.context().setOffline(true);
      try {
        const requestsWhileOffline = server.requests.length;
        await expect.poll(async () => (await status()).sync?.waitingForNetwork, { timeout: 10_000, interval: 200 }).toBe(true);
        expect(server.requests.length).toBe(requestsWhileOffline);
        expect((await status()).modelVersion).toBe(1);
      } finally {
        await page.context().setOffline(false);
      }
      await expect.poll(async () => (await status()).modelVersion, { timeout: 15_000, interval: 250 }).toBe(2);
      await step({ op: 'dispose' });
    });

    it('a quota error during the apply keeps v1 complete in IndexedDB; after a reload the next sync succeeds', async () => {
      // Chromium applies a quota override only to an origin it has not opened storage for yet, so
      // this runs in a fresh profile: a 5 MB quota, v1 installed, then the rest of the quota
      // filled up by another database until not even 1 KB fits (a full disk, for real).
      const quotaSession = await launchBrowserSession('chromium');
      try {
        const page = quotaSession.chromiumPage!.page;
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: 5_000_000 });
        const quotaStep = <T>(args: Record<string, unknown>) => callPageScenario<T>(quotaSession, args);
        const startArgs = { op: 'start', syncUrl: `${server.origin}/sync/`, publicKey: publication.key.publicKeyBase64, syncIntervalMs: 0, databaseName: 'ondeck-quota' };
        server.clearFaults();
        serveManifest(publication.manifests.v1);
        expect(await runPageScenario(quotaSession, `${server.origin}/pages/sync.html`, startArgs)).toMatchObject({ status: { modelVersion: 1, storage: 'indexeddb' } });
        await quotaStep({ op: 'track', events: watched });
        const filled = await quotaStep<{ written: number; lastError: string }>({ op: 'fillStorage' });
        expect(filled.lastError).toBe('QuotaExceededError');

        serveManifest(publication.manifests.v2);
        const answer = await quotaStep<SyncAnswer>({ op: 'sync' });
        const errors = (await quotaStep<PageEvent[]>({ op: 'events' })).filter((e) => e.event === 'error').map((e) => e.code);
        console.log(`[${engine}] sync with a full disk (${filled.written} filler bytes): ${JSON.stringify(answer)}; errors ${JSON.stringify(errors)}`);
        expect(errors).toContain('storage-quota');
        // Storage moved to memory for this session, serving a whole version (v2 from memory).
        const current = await quotaStep<RecommenderStatus>({ op: 'status' });
        expect(current).toMatchObject({ storage: 'memory', historyLength: 4 });
        const { items } = await quotaStep<{ items: Recommendation[] }>({ op: 'recommend', request: { count: 6 } });
        expect(items.map((item) => publication.blockOf(item.itemId))).toEqual(new Array(6).fill(2));

        // Space again; after a reload IndexedDB still holds v1 complete (the failed transaction
        // rolled back as one) with the history, and the next sync succeeds.
        expect(await quotaStep({ op: 'freeStorage' })).toBe('deleted');
        await quotaSession.reload();
        expect(await callPageScenario(quotaSession, startArgs)).toMatchObject({ status: { modelVersion: 1, storage: 'indexeddb', historyLength: 4 } });
        expect(await quotaStep<SyncAnswer>({ op: 'sync' })).toMatchObject({ result: { result: 'updated', version: 2 } });
        expect(await quotaStep<RecommenderStatus>({ op: 'status' })).toMatchObject({ modelVersion: 2, storage: 'indexeddb', historyLength: 4 });
      } finally {
        await quotaSession.close();
      }
    });
  }
});

/** Starts the built CLI's `ondeck serve DIR --port 0` and resolves with its origin once it listens. */
function startOndeckServe(directory: string): Promise<{ origin: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', directory, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`ondeck serve did not start: ${output}`));
    }, 15_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ origin: match[0], process: child });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ondeck serve exited (${code}): ${output}`));
    });
  });
}
