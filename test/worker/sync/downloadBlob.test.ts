import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import type { BlobReference } from '../../../models/sync/SyncManifest';
import { createIndexedDbDownloadCache } from '../../../worker/sync/createIndexedDbDownloadCache';
import { createMemoryDownloadCache } from '../../../worker/sync/createMemoryDownloadCache';
import type { DownloadCache } from '../../../worker/sync/DownloadCache';
import { downloadBlob } from '../../../worker/sync/downloadBlob';
import { startFaultyServer, type FaultyServer } from '../../browser/support/startFaultyServer';
import { freshIndexedDb, useFakeIndexedDbClasses } from '../../support/fakeIndexedDb';

useFakeIndexedDbClasses();

const BLOB_BYTES = 40_000;
const blob = Uint8Array.from({ length: BLOB_BYTES }, (_, i) => (i * 131 + (i >> 8)) % 256);
const sha256 = createHash('sha256').update(blob).digest('hex');
const reference: BlobReference = { path: `blobs/${sha256}.snapshot`, sha256, bytes: BLOB_BYTES, encoding: 'identity', decodedBytes: BLOB_BYTES };

let directory: string;
let server: FaultyServer;
let url: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ondeck-download-'));
  await mkdir(join(directory, 'blobs'));
  await writeFile(join(directory, reference.path), blob);
  server = await startFaultyServer({ '/sync/': directory });
  url = `${server.origin}/sync/${reference.path}`;
});
afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isOndeckError(error) ? error.code : String(error)),
  );
const requestsFor = (from: number) => server.requests.slice(from).filter((request) => request.path.includes('/blobs/'));

describe.each([
  ['memory', async () => createMemoryDownloadCache()],
  ['indexeddb', async () => createIndexedDbDownloadCache({ indexedDB: freshIndexedDb(), databaseName: 'downloads' })],
] as const)('downloadBlob with a %s download cache', (_name, makeCache) => {
  let cache: DownloadCache;
  beforeAll(async () => {
    cache = await makeCache();
  });
  afterAll(() => cache.close());

  it('downloads and verifies a blob in one request', async () => {
    const before = server.requests.length;
    const { bytes, resumedFrom } = await downloadBlob({ url, reference, cache, fetch });
    expect(Buffer.from(bytes).equals(Buffer.from(blob))).toBe(true);
    expect(resumedFrom).toBe(0);
    expect(requestsFor(before).map((r) => r.range ?? 'no range')).toEqual(['no range']);
    // The complete blob stays cached until the caller discards it after the apply.
    expect((await cache.readPrefix(sha256)).byteLength).toBe(BLOB_BYTES);
    const again = await downloadBlob({ url, reference, cache, fetch });
    expect(again.resumedFrom).toBe(BLOB_BYTES);
    expect(requestsFor(before)).toHaveLength(1);
    await cache.discardExcept([]);
    expect((await cache.readPrefix(sha256)).byteLength).toBe(0);
  });

  it('after a reset connection resumes with Range from the bytes it kept', async () => {
    server.fault('/sync/blobs/', { kind: 'reset', afterBytes: 15_000 }, 1);
    const before = server.requests.length;
    // persistBytes 4096: the pieces received before the reset are stored as they come.
    expect(await codeOf(downloadBlob({ url, reference, cache, fetch, persistBytes: 4096 }))).toBe('network-failed');
    const kept = (await cache.readPrefix(sha256)).byteLength;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(15_000);
    const { bytes, resumedFrom } = await downloadBlob({ url, reference, cache, fetch });
    expect(resumedFrom).toBe(kept);
    expect(Buffer.from(bytes).equals(Buffer.from(blob))).toBe(true);
    const attempts = requestsFor(before);
    expect(attempts.map((r) => [r.range ?? 'none', r.status])).toEqual([
      ['none', 200],
      [`bytes=${kept}-`, 206],
    ]);
    await cache.discardExcept([]);
  });

  it('after a truncated body, resumes; a server that ignores Range restarts from zero', async () => {
    server.fault('/sync/blobs/', { kind: 'truncate', bytes: 9_000 }, 1);
    expect(await codeOf(downloadBlob({ url, reference, cache, fetch, persistBytes: 1000 }))).toBe('network-failed');
    expect((await cache.readPrefix(sha256)).byteLength).toBeGreaterThan(0);
    server.fault('/sync/blobs/', { kind: 'ignore-range' }, 1);
    const before = server.requests.length;
    const { bytes } = await downloadBlob({ url, reference, cache, fetch });
    expect(Buffer.from(bytes).equals(Buffer.from(blob))).toBe(true);
    expect(requestsFor(before)[0].status).toBe(200);
    await cache.discardExcept([]);
  });

  it('refuses a flipped byte (model-corrupt) and forgets the bad bytes', async () => {
    server.fault('/sync/blobs/', { kind: 'flip-byte', offset: 12_345 }, 1);
    expect(await codeOf(downloadBlob({ url, reference, cache, fetch }))).toBe('model-corrupt');
    expect((await cache.readPrefix(sha256)).byteLength).toBe(0);
    expect((await downloadBlob({ url, reference, cache, fetch })).resumedFrom).toBe(0);
    await cache.discardExcept([]);
  });

  it('refuses a body longer than the manifest says, however it is announced', async () => {
    const shorter: BlobReference = { ...reference, bytes: BLOB_BYTES - 1 };
    expect(await codeOf(downloadBlob({ url, reference: shorter, cache, fetch }))).toBe('model-corrupt');
    // Without Content-Length (the announcement check cannot fire): the stream is cut at the limit.
    const noLength: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      return new Response(response.body, { status: response.status, headers: { 'Content-Type': 'application/octet-stream' } });
    };
    expect(await codeOf(downloadBlob({ url, reference: shorter, cache, fetch: noLength }))).toBe('model-corrupt');
  });

  it('reports 404 / 503 as network-failed with the status and Retry-After', async () => {
    server.fault('/sync/blobs/', { kind: 'status', status: 503, retryAfter: '7' }, 1);
    const error = await downloadBlob({ url, reference, cache, fetch }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'network-failed', details: { status: 503, retryAfterMs: 7000 } });
    server.fault('/sync/blobs/', { kind: 'status', status: 404 }, 1);
    expect(await downloadBlob({ url, reference, cache, fetch }).catch((caught: unknown) => caught)).toMatchObject({ code: 'network-failed', details: { status: 404 } });
  });
});
