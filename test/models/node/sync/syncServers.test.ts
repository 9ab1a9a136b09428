// The same HTTP contract checked against the reference server (`ondeck serve`, run from the built
// CLI as a user runs it) and against Debian's nginx with the config the repository ships.
import { createHash } from 'node:crypto';
import { mkdtemp, symlink, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelDirectory } from '../../../../models/node/artifact/modelDirectory';
import { generateSigningKeyPair, verifySignedManifest } from '../../../../models/node/sync/manifestSigning';
import { publishModel } from '../../../../models/node/sync/publishModel';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion } from '../../../../models/node/sync/syntheticModelVersions';
import { PUBLICATION_LOCK_FILE } from '../../../../models/node/sync/withPublicationLock';
import type { SyncManifest } from '../../../../models/sync/SyncManifest';
import { startNginx, type RunningNginx } from '../../../support/startNginx';
import { startOndeckServe } from '../../../support/startOndeckServe';
import { sendRawRequest, type RawResponse } from '../../../support/sendRawRequest';

const keys = generateSigningKeyPair();

/** A GET (or `options.method`) of a full URL, sent as written. */
function http(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { origin, pathname, search } = new URL(url);
  return sendRawRequest(origin, pathname + search, options);
}

let workDir: string;
let cdn: string;
let manifest: SyncManifest;
let manifestText: string;

interface ServerUnderTest {
  url: string;
  stop(): Promise<void>;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-servers-'));
  cdn = join(workDir, 'cdn');
  const first = syntheticModelVersion({ items: 400, dims: 8, seed: 11 });
  for (const [index, version] of [first, nextSyntheticVersion(first)].entries()) {
    const directory = join(workDir, `model-${index}`);
    await writeModelDirectory(packageSyntheticVersion(version, 4), directory);
    await publishModel({ modelDirectory: directory, outDirectory: cdn, privateKeyPem: keys.privateKeyPem });
  }
  manifestText = await readFile(join(cdn, 'manifest.json'), 'utf8');
  manifest = verifySignedManifest(manifestText, keys.publicKeyBase64);
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const servers: Array<[string, { brotli: boolean; start: () => Promise<ServerUnderTest> }]> = [
  ['ondeck serve', { brotli: true, start: () => startOndeckServe(cdn) }],
  ['nginx (docs/deploy/nginx-ondeck-sync.conf)', { brotli: false, start: async (): Promise<RunningNginx> => startNginx(cdn, await mkdtemp(join(workDir, 'nginx-'))) }],
];

describe.each(servers)('%s', (_name, { brotli, start }) => {
  let server: ServerUnderTest;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves the signed manifest with a short max-age, an ETag and CORS, and answers If-None-Match with 304', async () => {
    const response = await http(`${server.url}manifest.json`);
    expect(response.status).toBe(200);
    expect(response.body.toString('utf8')).toBe(manifestText);
    expect(verifySignedManifest(response.body.toString('utf8'), keys.publicKeyBase64)).toEqual(manifest);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const etag = response.headers.etag as string;
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    const revalidated = await http(`${server.url}manifest.json`, { headers: { 'If-None-Match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body).toHaveLength(0);
    // RFC 9110 §15.4.5: a 304 carries the ETag the 200 would have, so caches keep validating.
    expect(revalidated.headers.etag).toBe(etag);
    expect(revalidated.headers['cache-control']).toBe('public, max-age=60');
    expect(revalidated.headers['access-control-allow-origin']).toBe('*');
    const stale = await http(`${server.url}manifest.json`, { headers: { 'If-None-Match': '"not-the-etag"' } });
    expect(stale.status).toBe(200);
  });

  it('compresses the manifest for clients that accept it', async () => {
    const gzip = await http(`${server.url}manifest.json`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gzip.status).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/Accept-Encoding/i);
    expect(gunzipSync(gzip.body).toString('utf8')).toBe(manifestText);
    if (brotli) {
      const br = await http(`${server.url}manifest.json`, { headers: { 'Accept-Encoding': 'gzip, br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).toString('utf8')).toBe(manifestText);
    }
  });

  it('serves blobs as immutable opaque bytes whose SHA-256 is the one the manifest signs', async () => {
    for (const blob of [manifest.snapshot, ...manifest.deltas]) {
      const response = await http(`${server.url}${blob.path}`, { headers: { 'Accept-Encoding': 'gzip, br' } });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.headers['content-type']).toBe('application/octet-stream');
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.body).toHaveLength(blob.bytes);
      expect(createHash('sha256').update(response.body).digest('hex')).toBe(blob.sha256);
      const revalidated = await http(`${server.url}${blob.path}`, { headers: { 'If-None-Match': response.headers.etag as string } });
      expect(revalidated.status).toBe(304);
    }
  });

  it('answers a byte range with 206 and exactly those bytes', async () => {
    const blob = manifest.snapshot;
    const whole = await readFile(join(cdn, blob.path));
    const response = await http(`${server.url}${blob.path}`, { headers: { Range: 'bytes=100-1099' } });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes 100-1099/${blob.bytes}`);
    expect(response.body.equals(whole.subarray(100, 1100))).toBe(true);
    const rest = await http(`${server.url}${blob.path}`, { headers: { Range: `bytes=${blob.bytes - 10}-` } });
    expect(rest.status).toBe(206);
    expect(rest.body.equals(whole.subarray(blob.bytes - 10))).toBe(true);
  });

  it('answers CORS preflights, and 404 for what is not there', async () => {
    const preflight = await http(`${server.url}manifest.json`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://tv.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toMatch(/GET/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/If-None-Match/i);
    expect((await http(`${server.url}blobs/${'0'.repeat(64)}.delta`)).status).toBe(404);
    expect((await http(`${server.url}nothing-here.json`)).status).toBe(404);
  });

  it('never serves a private key or what a symlink points to outside the directory', async () => {
    const secretDirectory = await mkdtemp(join(workDir, 'secret-'));
    await writeFile(join(secretDirectory, 'elsewhere.txt'), 'not published');
    await writeFile(join(cdn, 'copied-by-hand.pem'), '-----BEGIN PRIVATE KEY-----');
    await symlink(join(secretDirectory, 'elsewhere.txt'), join(cdn, 'linked.json'));
    try {
      for (const path of ['copied-by-hand.pem', 'linked.json']) {
        const response = await http(`${server.url}${path}`);
        expect(response.status, path).toBe(404);
        expect(response.body.toString('utf8')).not.toMatch(/PRIVATE KEY|not published/);
      }
    } finally {
      await rm(join(cdn, 'copied-by-hand.pem'), { force: true });
      await rm(join(cdn, 'linked.json'), { force: true });
    }
  });

  it('never serves the lock file of a publish in progress', async () => {
    const lockPath = join(cdn, PUBLICATION_LOCK_FILE);
    await writeFile(lockPath, JSON.stringify({ pid: 4242, hostname: 'publisher', operation: 'publish', startedAt: new Date().toISOString() }));
    try {
      const response = await http(`${server.url}${PUBLICATION_LOCK_FILE}`);
      expect(response.status).toBe(404);
      expect(response.body.toString('utf8')).not.toContain('publisher');
    } finally {
      await rm(lockPath, { force: true });
    }
  });
});
