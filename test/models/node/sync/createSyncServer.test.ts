// Edge cases of the reference server that the shared contract (syncServers.test.ts) leaves out.
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncServer } from '../../../../models/node/sync/createSyncServer';

let workDir: string;
let server: Server;
let base: string;
const blobPath = `blobs/${'ab'.repeat(32)}.delta`;
const blob = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

function call(path: string, method = 'GET', headers: Record<string, string> = {}, origin = base): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // The path goes out as written (no URL normalisation), so `../` reaches the server.
    const { hostname, port } = new URL(origin);
    const req = request({ hostname, port, path: `/${path}`, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-serve-'));
  await mkdir(join(workDir, 'cdn', 'blobs'), { recursive: true });
  await writeFile(join(workDir, 'cdn', blobPath), blob);
  await writeFile(join(workDir, 'secret.pem'), 'do not serve');
  server = createSyncServer(join(workDir, 'cdn'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('createSyncServer', () => {
  it('answers one byte range exactly (RFC 9110 §14.1.2), and serves several ranges or another unit as the whole file', async () => {
    for (const [range, start, end] of [
      ['bytes=0-9', 0, 9],
      ['bytes=0-0', 0, 0],
      ['bytes=-100', 900, 999],
      ['bytes=990-5000', 990, 999],
      ['BYTES = 5-6', 5, 6],
    ] as const) {
      const response = await call(blobPath, 'GET', { Range: range });
      expect([range, response.status, response.headers['content-range']]).toEqual([range, 206, `bytes ${start}-${end}/1000`]);
      expect(response.body.equals(blob.subarray(start, end + 1))).toBe(true);
    }
    for (const range of ['bytes=0-9,20-29', 'items=0-5']) {
      const response = await call(blobPath, 'GET', { Range: range });
      expect([range, response.status]).toEqual([range, 200]);
      expect(response.body.equals(blob)).toBe(true);
    }
    // Range is defined for GET only (§14.2), and If-Range never matches a weak ETag (§13.1.5).
    const head = await call(blobPath, 'HEAD', { Range: 'bytes=0-9' });
    expect([head.status, head.headers['content-length']]).toEqual([200, '1000']);
    const ifRange = await call(blobPath, 'GET', { Range: 'bytes=0-9', 'If-Range': 'W/"x"' });
    expect([ifRange.status, ifRange.body.byteLength]).toEqual([200, 1000]);
  });

  it('answers 416 with the size for a range it cannot satisfy or parse (RFC 9110 §14.2, §15.5.17)', async () => {
    for (const range of ['bytes=1000-', 'bytes=50-10', 'bytes=-0', 'bytes=x-y', `bytes=${'9'.repeat(400)}-`]) {
      const response = await call(blobPath, 'GET', { Range: range });
      expect([range.slice(0, 20), response.status, response.headers['content-range'], response.body.byteLength]).toEqual([range.slice(0, 20), 416, 'bytes */1000', 0]);
    }
  });

  it('reports a failure inside the server and goes on serving', async () => {
    const failures: string[] = [];
    const failing = createSyncServer(join(workDir, 'cdn'), { onRequestError: (error, request) => failures.push(`${request.url}: ${(error as Error).message}`) });
    // A response whose headers cannot be written stands for any bug on the way.
    failing.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => unknown;
      response.writeHead = ((...args: unknown[]) => {
        if (args[0] === 200 && request.url === `/${blobPath}`) throw new Error('injected');
        return writeHead(...args);
      }) as typeof response.writeHead;
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const failingBase = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/`;
    try {
      const failed = await call(blobPath, 'GET', {}, failingBase);
      expect([failed.status, failed.headers['cache-control'], failed.headers['content-encoding'], failed.headers['access-control-allow-origin']]).toEqual([
        500,
        'no-store',
        undefined,
        '*',
      ]);
      expect(failures).toEqual([`/${blobPath}: injected`]);
      expect((await call(blobPath, 'GET', { Range: 'bytes=0-9' }, failingBase)).status).toBe(206);
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  it('refuses a directory that is missing or a file', () => {
    expect(() => createSyncServer(join(workDir, 'missing'))).toThrow(expect.objectContaining({ code: 'file-not-found' }));
    expect(() => createSyncServer(join(workDir, 'secret.pem'))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('publishes a new file at once, answers HEAD, and refuses writes and paths outside the directory', async () => {
    expect((await call('manifest.json')).status).toBe(404);
    await writeFile(join(workDir, 'cdn', 'manifest.json'), '{"payload":"x"}');
    expect((await call('manifest.json')).status).toBe(200);
    const head = await call(blobPath, 'HEAD');
    expect([head.status, head.headers['content-length'], head.body.byteLength]).toEqual([200, '1000', 0]);
    const post = await call('manifest.json', 'POST');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD, OPTIONS']);
    expect((await call('../secret.pem')).status).toBe(404);
    expect((await call('%2e%2e/secret.pem')).status).toBe(404);
    expect((await call('..%2fsecret.pem')).status).toBe(404);
  });
});
