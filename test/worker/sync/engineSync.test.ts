import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import type { RecommenderStatus, SyncResult } from '../../../models/contract/types';
import { Engine } from '../../../worker/Engine';
import type { EngineEvent } from '../../../models/contract/EngineApi';
import { startFaultyServer, type FaultyServer } from '../../browser/support/startFaultyServer';
import { publishPlantedVersions, type PlantedPublication } from '../../support/publishPlantedVersions';

// The engine as the worker runs it, here in Node (memory storage, the global fetch) against a
// publish directory written by the cloud side's publishModel, served by the fault-injecting server.
let publication: PlantedPublication;
let server: FaultyServer;
let engine: Engine;
const events: EngineEvent[] = [];
const now = Date.now();

const manifestPath = '/sync/manifest.json';
const serveManifest = (text: string): void => server.serveInstead(manifestPath, text);
const errorCodes = (): string[] => events.filter((event): event is Extract<EngineEvent, { type: 'error' }> => event.type === 'error').map((event) => event.code);
const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isOndeckError(error) ? error.code : String(error)),
  );

/**
 * A new device (its own memory storage) on v1 with the viewer's three titles: versions only go
 * up, so a test that needs an update to make starts a device of its own rather than taking one back.
 */
async function freshDeviceOnV1(): Promise<{ engine: Engine; v1Ranking: string[] }> {
  serveManifest(publication.manifests.v1);
  const device = new Engine();
  await device.init({ backend: 'js', syncUrl: `${server.origin}/sync/`, publicKey: publication.key.publicKeyBase64, syncIntervalMs: 0 }, () => undefined);
  for (const itemId of ['b1-i3', 'b1-i5', 'b1-i8']) await device.track({ type: 'complete', itemId, time: now });
  return { engine: device, v1Ranking: (await device.recommend({ count: 20 })).map((item) => item.itemId) };
}

beforeAll(async () => {
  publication = await publishPlantedVersions();
  server = await startFaultyServer({ '/sync/': publication.directory });
  serveManifest(publication.manifests.v1);
  engine = new Engine();
  await engine.init({ backend: 'js', syncUrl: `${server.origin}/sync/`, publicKey: publication.key.publicKeyBase64, syncIntervalMs: 0 }, (event) => events.push(event));
  for (const itemId of ['b1-i3', 'b1-i5', 'b1-i8']) await engine.track({ type: 'complete', itemId, time: now });
});
afterAll(async () => {
  await engine?.dispose();
  await server?.close();
  await publication?.cleanup();
});

describe('signed sync in the engine (Node)', () => {
  it('a first start without a stored model syncs the snapshot before it is ready', async () => {
    const status = await engine.status();
    expect(status.modelVersion).toBe(1);
    expect(status.lineageId).toBe(publication.v1.lineageId);
    expect(server.requests.filter((request) => request.path.includes('/blobs/')).map((request) => request.path)).toEqual([`/sync/${publication.v1.snapshot.path}`]);
    expect(status.sync).toMatchObject({ failures: 0, running: false });
    expect(status.sync?.lastSuccess).toBeDefined();
  });

  it('moves v1 → v2 through the delta (the cheaper path), then answers 304 to the same manifest', async () => {
    serveManifest(publication.manifests.v2);
    const before = server.requests.length;
    const result = await engine.sync();
    expect(result).toMatchObject({ result: 'updated', version: 2, path: 'delta', downloadedBytes: publication.v2.deltas[0].bytes, resumedBytes: 0, signatureCheck: 'webcrypto' });
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([manifestPath, `/sync/${publication.v2.deltas[0].path}`]);
    const status = await engine.status();
    expect(status.modelVersion).toBe(2);
    expect(status.historyLength).toBe(3);
    expect(events.some((event) => event.type === 'update' && event.status.modelVersion === 2)).toBe(true);
    const progress = events.filter((event): event is Extract<EngineEvent, { type: 'progress' }> => event.type === 'progress').map((event) => event.progress);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['checking', 'downloading', 'applying']));
    expect(progress.filter((p) => p.phase === 'downloading').pop()).toMatchObject({
      receivedBytes: publication.v2.deltas[0].bytes,
      totalBytes: publication.v2.deltas[0].bytes,
      path: 'delta',
      version: 2,
    });

    const again = await engine.sync();
    expect(again.result).toBe('not-modified');
    expect(server.requests[server.requests.length - 1]).toMatchObject({ path: manifestPath, status: 304, ifNoneMatch: expect.stringMatching(/^"/) });
  });

  it('refuses a replayed older manifest and keeps v2', async () => {
    serveManifest(publication.manifests.v1);
    expect(await codeOf(engine.sync())).toBe('sync-refused');
    expect(errorCodes().pop()).toBe('sync-refused');
    expect((await engine.status()).modelVersion).toBe(2);
    expect((await engine.recommend({ count: 3 })).length).toBe(3);
  });

  it('refuses forged, tampered and foreign-key manifests, and malformed ones, with typed errors', async () => {
    for (const [text, code] of [
      [publication.manifests.v2Tampered, 'signature-invalid'],
      [publication.manifests.v2OtherKey, 'signature-invalid'],
      [publication.manifests.v2ForgedKeyId, 'signature-invalid'],
      ['{"payload": 12}', 'sync-manifest-invalid'],
      ['<html>502 Bad Gateway</html>', 'sync-manifest-invalid'],
    ] as const) {
      serveManifest(text);
      expect(await codeOf(engine.sync())).toBe(code);
      expect(errorCodes().pop()).toBe(code);
    }
    expect(await engine.status()).toMatchObject({ modelVersion: 2, historyLength: 3 });
  });

  it("follows a rollback published as a new version (v3 holds v1's model) through a delta, and then refuses the withdrawn v2", async () => {
    const device = await freshDeviceOnV1();
    serveManifest(publication.manifests.v2);
    expect(await device.engine.sync()).toMatchObject({ result: 'updated', version: 2, path: 'delta' });
    serveManifest(publication.manifests.v3RollbackToV1);
    expect(await device.engine.sync()).toMatchObject({ result: 'updated', version: 3, path: 'delta' });
    // v3 ranks as v1 did: the moved rows are back where they were.
    expect((await device.engine.recommend({ count: 20 })).map((item) => item.itemId)).toEqual(device.v1Ranking);
    serveManifest(publication.manifests.v2);
    expect(await codeOf(device.engine.sync())).toBe('sync-refused');
    expect((await device.engine.status()).modelVersion).toBe(3);
    await device.engine.dispose();
  });

  it('never installs an expired manifest: a device on v1 keeps serving it, says since when it is stale, and the refreshed manifest installs', async () => {
    const device = await freshDeviceOnV1();
    const before = await device.engine.status();
    expect(before.sync).toMatchObject({ freshUntil: publication.v1.expires });
    expect(before.sync?.staleSince).toBeUndefined();
    serveManifest(publication.manifests.v2Expired);
    const failure = await device.engine.sync().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'sync-expired', details: { version: 2, expires: '2026-01-06T00:00:00.000Z' } });
    const stale = await device.engine.status();
    expect(stale).toMatchObject({ modelVersion: 1, historyLength: 3 });
    // The newest expiry it has seen is v1's, still in the future: the device knows it is behind, not frozen.
    expect(stale.sync?.staleSince).toBeUndefined();
    expect(stale.sync?.lastSuccess).toBe(before.sync?.lastSuccess);
    serveManifest(publication.manifests.v2);
    expect(await device.engine.sync()).toMatchObject({ result: 'updated', version: 2 });
    await device.engine.dispose();
  });

  it('a frozen endpoint (the same manifest, or a bare 304, forever) is reported stale once the manifest expires', async () => {
    const device = await freshDeviceOnV1();
    serveManifest(publication.manifests.v1);
    expect(await device.engine.sync()).toMatchObject({ result: 'not-modified' });
    // Only Date is faked: the network and timers run as usual, the device's clock is past v1's expiry.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.parse(publication.v1.expires!) + 1000);
      const codes: string[] = [];
      for (let attempt = 0; attempt < 2; attempt++) codes.push(await codeOf(device.engine.sync()));
      expect(codes).toEqual(['sync-expired', 'sync-expired']);
      const status = await device.engine.status();
      expect(status).toMatchObject({ modelVersion: 1, historyLength: 3, sync: { staleSince: publication.v1.expires, failures: 2 } });
      expect((await device.engine.recommend({ count: 3 })).length).toBe(3);
    } finally {
      vi.useRealTimers();
    }
    // A refreshed manifest (a new expiry, a new ETag) makes the device fresh again.
    serveManifest(publication.manifests.v2);
    expect(await device.engine.sync()).toMatchObject({ result: 'updated', version: 2 });
    expect((await device.engine.status()).sync?.staleSince).toBeUndefined();
    await device.engine.dispose();
  });

  it('mix-and-match: a manifest of another publish directory signed with the same key is refused; the pinned one still updates', async () => {
    const device = await freshDeviceOnV1();
    serveManifest(publication.manifests.v2OtherDirectory);
    const refused = await device.engine.sync().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'sync-refused', message: expect.stringContaining(`this device is bound to ${publication.v1.directoryId}`) });
    expect((await device.engine.status()).modelVersion).toBe(1);
    serveManifest(publication.manifests.v2);
    expect(await device.engine.sync()).toMatchObject({ result: 'updated', version: 2 });
    await device.engine.dispose();
  });

  it('a device configured with its directory (syncDirectoryId) refuses any other from its first sync', async () => {
    serveManifest(publication.manifests.v1);
    const configured = new Engine();
    const seen: EngineEvent[] = [];
    const options = { backend: 'js' as const, syncUrl: `${server.origin}/sync/`, publicKey: publication.key.publicKeyBase64, syncIntervalMs: 0 };
    await expect(configured.init({ ...options, syncDirectoryId: 'not-this-one' }, (event) => seen.push(event))).rejects.toMatchObject({ code: 'not-ready' });
    expect(seen.filter((event) => event.type === 'error').map((event) => (event as { code: string }).code)).toContain('sync-refused');
    await configured.dispose();
    const right = new Engine();
    expect(await right.init({ ...options, syncDirectoryId: publication.v1.directoryId }, () => undefined)).toMatchObject({ modelVersion: 1 });
    await right.dispose();
  });

  it('several trusted keys with a threshold of 2: a manifest signed by one is refused, one signed by both installs', async () => {
    const trust = { publicKeys: [publication.key.publicKeyBase64, publication.secondKey.publicKeyBase64], signatureThreshold: 2 };
    const options = { backend: 'js' as const, syncUrl: `${server.origin}/sync/`, syncIntervalMs: 0, ...trust };
    serveManifest(publication.manifests.v1);
    const seen: EngineEvent[] = [];
    const strict = new Engine();
    await expect(strict.init(options, (event) => seen.push(event))).rejects.toMatchObject({ code: 'not-ready' });
    expect(
      seen
        .filter((event) => event.type === 'error')
        .map((event) => (event as { message: string }).message)
        .join('\n'),
    ).toContain('signed by 1 trusted key(s), 2 are required');
    await strict.dispose();
    serveManifest(publication.manifests.v2TwoKeys);
    const device = new Engine();
    expect(await device.init(options, () => undefined)).toMatchObject({ modelVersion: 2 });
    await device.dispose();
  });

  it('falls back to the snapshot within the same attempt when the delta blob is corrupt', async () => {
    const device = await freshDeviceOnV1();
    serveManifest(publication.manifests.v2);
    server.fault(`/sync/${publication.v2.deltas[0].path}`, { kind: 'flip-byte', offset: 100 }, 1);
    const result = await device.engine.sync();
    expect(result).toMatchObject({ result: 'updated', version: 2, path: 'snapshot' });
    expect(result.deltaFallback).toMatch(/SHA-256/);
    await device.engine.dispose();
  });

  it('reports 404, 500, 503 + Retry-After and a reset connection, on the manifest or a blob, as network-failed', async () => {
    const device = await freshDeviceOnV1();
    const engine = device.engine;
    serveManifest(publication.manifests.v2);
    for (const fault of [
      { kind: 'status', status: 404 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503, retryAfter: '120' },
      { kind: 'reset', afterBytes: 0 },
    ] as const) {
      for (const path of [manifestPath, '/sync/blobs/']) {
        server.fault(path, fault, 1);
        const before = server.requests.length;
        const error = await engine.sync().catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: 'network-failed' });
        // The failing request was the one asked for: nothing after it.
        expect(server.requests[server.requests.length - 1].path.startsWith(path)).toBe(true);
        expect(server.requests.length - before).toBe(path === manifestPath ? 1 : 2);
        if (fault.kind === 'status' && fault.status === 503) expect(error).toMatchObject({ details: { status: 503, retryAfterMs: 120_000 } });
        expect((await engine.status()).modelVersion).toBe(1);
      }
    }
    expect(((await engine.sync()) as SyncResult).version).toBe(2);
    const status: RecommenderStatus = await engine.status();
    expect(status).toMatchObject({ modelVersion: 2, historyLength: 3 });
    expect(status.sync?.failures).toBe(0);
    await engine.dispose();
  });
});

describe('sync configuration mistakes fail loudly', () => {
  it('a missing or malformed public key fails start-up with invalid-argument', async () => {
    for (const publicKey of [undefined, 'not base64!', Buffer.alloc(31).toString('base64')]) {
      const other = new Engine();
      const code = await codeOf(other.init({ backend: 'js', syncUrl: `${server.origin}/sync/`, publicKey, syncIntervalMs: 0 }, () => undefined));
      expect(code).toBe('invalid-argument');
      await other.dispose();
    }
  });

  it('sync() without syncUrl is invalid-argument, and no request is made', async () => {
    const before = server.requests.length;
    const plain = new Engine();
    await expect(plain.init({ backend: 'js' }, () => undefined)).rejects.toMatchObject({ code: 'not-ready' });
    await expect(plain.sync()).rejects.toMatchObject({ code: 'invalid-argument' });
    await plain.dispose();
    expect(server.requests.length).toBe(before);
  });
});
