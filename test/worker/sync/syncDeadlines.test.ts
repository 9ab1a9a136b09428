import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../models/contract/EngineApi';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import type { BlobReference } from '../../../models/sync/SyncManifest';
import { Engine } from '../../../worker/Engine';
import { createMemoryDownloadCache } from '../../../worker/sync/createMemoryDownloadCache';
import { downloadBlob } from '../../../worker/sync/downloadBlob';
import { fetchManifest, MAX_MANIFEST_BYTES } from '../../../worker/sync/fetchManifest';
import { startFaultyServer, type FaultyServer } from '../../browser/support/startFaultyServer';
import { plantedModel } from '../../support/plantedModel';

// TUF's slow-retrieval and endless-data attacks against the device's sync: a manifest request that
// never answers, a manifest that never ends, a blob that trickles. Each must end the attempt with a
// typed error in bounded time and memory, and a first start must not hang on them.

const BLOB_BYTES = 20_000;
const blob = Uint8Array.from({ length: BLOB_BYTES }, (_, i) => (i * 17) % 251);
const sha256 = createHash('sha256').update(blob).digest('hex');
const reference: BlobReference = { path: `blobs/${sha256}.snapshot`, sha256, bytes: BLOB_BYTES, encoding: 'identity', decodedBytes: BLOB_BYTES };

let directory: string;
let server: FaultyServer;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ondeck-deadlines-'));
  await writeModelDirectory((await plantedModel()).model, join(directory, 'model'));
  server = await startFaultyServer({ '/model/': join(directory, 'model'), '/sync/': directory });
  server.serveInstead(`/sync/${reference.path}`, blob);
});
afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('sync deadlines and limits', () => {
  it('a manifest request that never answers fails with sync-timeout at the deadline', async () => {
    server.fault('/sync/manifest.json', { kind: 'hang' }, 1);
    const started = performance.now();
    await expect(fetchManifest(fetch, `${server.origin}/sync/manifest.json`, undefined, 400)).rejects.toMatchObject({
      code: 'sync-timeout',
      message: expect.stringContaining('no complete answer within 400 ms'),
    });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a manifest body that never ends, with no Content-Length, is refused after 1 MiB, not read to the end of memory', async () => {
    server.fault('/sync/manifest.json', { kind: 'endless' }, 1);
    await expect(fetchManifest(fetch, `${server.origin}/sync/manifest.json`, undefined, 30_000)).rejects.toMatchObject({ code: 'sync-refused' });
    const answered = server.requests.filter((request) => request.endlessBytes !== undefined).pop()!;
    // What the server managed to write before the client stopped reading: the limit plus what
    // the socket buffers held, not an unbounded stream.
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    expect(answered.endlessBytes!).toBeGreaterThan(MAX_MANIFEST_BYTES);
    expect(answered.endlessBytes!).toBeLessThan(MAX_MANIFEST_BYTES + 8 * 1024 * 1024);
  });

  it('a blob trickling below the minimum rate is cut off with sync-timeout, keeping what arrived for the next attempt', async () => {
    server.fault(`/sync/${reference.path}`, { kind: 'drip', bytesPerSecond: 200 }, 1);
    const cache = createMemoryDownloadCache();
    const started = performance.now();
    await expect(
      downloadBlob({ url: `${server.origin}/sync/${reference.path}`, reference, cache, fetch, minimumBytesPerSecond: 2000, rateWindowMs: 500, persistBytes: 1 }),
    ).rejects.toMatchObject({ code: 'sync-timeout', message: expect.stringContaining('below the minimum of 2000 bytes/s') });
    expect(performance.now() - started).toBeLessThan(3000);
    const kept = await cache.readPrefix(sha256);
    expect(kept.byteLength).toBeGreaterThan(0);
    expect(Array.from(kept)).toEqual(Array.from(blob.subarray(0, kept.byteLength)));
    // A fast enough link finishes, resuming from what was kept.
    const done = await downloadBlob({ url: `${server.origin}/sync/${reference.path}`, reference, cache, fetch, minimumBytesPerSecond: 2000, rateWindowMs: 500 });
    expect(done.resumedFrom).toBe(kept.byteLength);
  });

  it('a first start whose sync endpoint hangs falls back to modelUrl, and says why', async () => {
    server.fault('/sync/manifest.json', { kind: 'hang' }, 1);
    const events: EngineEvent[] = [];
    const engine = new Engine();
    try {
      const status = await engine.init(
        {
          backend: 'js',
          syncUrl: `${server.origin}/sync/`,
          publicKey: Buffer.alloc(32, 7).toString('base64'),
          syncIntervalMs: 0,
          syncLimits: { manifestTimeoutMs: 300 },
          modelUrl: `${server.origin}/model/`,
        },
        (event) => events.push(event),
      );
      expect(status.modelVersion).toBe(1);
      // Node has no IndexedDB: storage-unavailable is expected there, and beside the point here.
      const codes = events.filter((event) => event.type === 'error').map((event) => (event as { code: string }).code);
      expect(codes.filter((code) => code !== 'storage-unavailable')).toEqual(['sync-timeout']);
    } finally {
      await engine.dispose();
    }
  });

  it('refuses limits that are not positive numbers at start-up', async () => {
    for (const syncLimits of [{ manifestTimeoutMs: 0 }, { minimumBytesPerSecond: -1 }, { rateWindowMs: Number.NaN }]) {
      const engine = new Engine();
      await expect(
        engine.init({ backend: 'js', syncUrl: `${server.origin}/sync/`, publicKey: Buffer.alloc(32, 7).toString('base64'), syncIntervalMs: 0, syncLimits }, () => undefined),
      ).rejects.toMatchObject({ code: 'invalid-argument' });
      await engine.dispose();
    }
  });
});
