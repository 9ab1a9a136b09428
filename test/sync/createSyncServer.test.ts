// Edge cases of the reference server that the shared contract (syncServers.test.ts) leaves out.
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncServer } from '../../models/sync/node/createSyncServer';

let workDir: string;
let server: Server;
let base: string;
const blobPath = `blobs/${'ab'.repeat(32)}.delta`;
const blob = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

function call(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // The path goes out as written (no URL normalisation), so `../` reaches the server.
    const { hostname, port } = new URL(base);
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
  it('serves ranges it cannot answer exactly as the whole file, never as wrong bytes', async () => {
    for (const range of ['bytes=-100', 'bytes=0-0', 'bytes=0-9,20-29', 'bytes=50-10', 'items=0-5']) {
      const response = await call(blobPath, 'GET', { Range: range });
      expect([range, response.status]).toEqual([range, 200]);
      expect(response.body.equals(blob)).toBe(true);
    }
    const partial = await call(blobPath, 'GET', { Range: 'bytes=0-9' });
    expect(partial.status).toBe(206);
    expect(partial.body.equals(blob.subarray(0, 10))).toBe(true);
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
