// `ondeck serve` under hostile or unlucky requests, run from the built CLI (dist/cli.js) as a user
// runs it: raw HTTP through node:http so every header and path goes out exactly as written.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOndeckServe, type RunningOndeckServe } from '../../support/startOndeckServe';
import { sendRawRequest, type RawResponse } from '../../support/sendRawRequest';
import { runOndeckCli, type CliRun } from '../../support/runOndeckCli';

/** One raw exchange: `path` and `headers` go out as written (no URL normalisation). */
function http(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return sendRawRequest(base, `/${path}`, { headers, method });
}

/** Runs `ondeck …args` in the test's temp directory (see runOndeckCli). */
function ondeck(...args: string[]): Promise<CliRun> {
  return runOndeckCli(args, { cwd: workDir, timeoutMilliseconds: 10_000 });
}

/** A failure the way a user should see it: exit 1, one `ondeck: … [code]` line, no stack trace. */
function expectTypedFailure(result: CliRun, code: string): void {
  expect(result.code, result.stderr).toBe(1);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('ondeck:'));
  expect(errorLines, result.stderr).toHaveLength(1);
  expect(errorLines[0]).toMatch(new RegExp(`^ondeck: .+ \\[${code}\\]$`));
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

let workDir: string;
let cdn: string;
let server: RunningOndeckServe;
const manifestText = `${JSON.stringify({ payload: 'x'.repeat(900), signature: 's', keyId: 'k' })}\n`;
const manifestBytes = Buffer.byteLength(manifestText);

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-serve-cli-'));
  cdn = join(workDir, 'cdn');
  await mkdir(join(cdn, 'versions'), { recursive: true });
  await writeFile(join(cdn, 'manifest.json'), manifestText);
  await writeFile(join(workDir, 'secret.json'), '{"secret":"outside the served directory"}');
  // keygen and publish sharing a directory, as the probe found it.
  expect((await ondeck('keygen', '--out', 'cdn')).code).toBe(0);
  await writeFile(join(cdn, 'backup.PEM'), '-----BEGIN PRIVATE KEY-----\n');
  await writeFile(join(cdn, 'tls.key'), '-----BEGIN PRIVATE KEY-----\n');
  await writeFile(join(cdn, 'old-key.pem.gz'), gzipSync('-----BEGIN PRIVATE KEY-----\n'));
  await symlink(join(workDir, 'secret.json'), join(cdn, 'outside.json'));
  await symlink('..', join(cdn, 'versions', 'up'));
  await symlink('ondeck-signing-key.pem', join(cdn, 'key-alias.json'));
  await symlink('manifest.json', join(cdn, 'inside.json'));
  await writeFile(join(cdn, 'fails-to-read.json'), '{}');
  server = await startOndeckServe(cdn);
});

afterAll(async () => {
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ondeck serve: byte ranges (RFC 9110 §14)', () => {
  it('reads a last-pos past 2^53 as "to the end" instead of dying on it', async () => {
    const response = await http(server.url, 'manifest.json', { Range: 'bytes=0-9007199254740992' });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes 0-${manifestBytes - 1}/${manifestBytes}`);
    expect(response.body.toString('utf8')).toBe(manifestText);
    expect(server.running(), server.output()).toBe(true);
  });

  it('answers an unsatisfiable or invalid byte range with 416 and Content-Range: bytes */SIZE', async () => {
    for (const range of [`bytes=${manifestBytes}-`, 'bytes=99999999999999999999-', 'bytes=-0', 'bytes=50-10', 'bytes=abc']) {
      const response = await http(server.url, 'manifest.json', { Range: range });
      expect([range, response.status, response.headers['content-range']]).toEqual([range, 416, `bytes */${manifestBytes}`]);
    }
    expect((await http(server.url, 'manifest.json')).status).toBe(200);
    expect(server.running(), server.output()).toBe(true);
  });

  it('answers a suffix range and a one-byte range exactly', async () => {
    const tail = await http(server.url, 'manifest.json', { Range: 'bytes=-10' });
    expect([tail.status, tail.headers['content-range'], tail.body.toString('utf8')]).toEqual([
      206,
      `bytes ${manifestBytes - 10}-${manifestBytes - 1}/${manifestBytes}`,
      manifestText.slice(-10),
    ]);
    const first = await http(server.url, 'manifest.json', { Range: 'bytes=0-0' });
    expect([first.status, first.headers['content-range'], first.body.toString('utf8')]).toEqual([206, `bytes 0-0/${manifestBytes}`, '{']);
  });
});

describe('ondeck serve: what it refuses to serve', () => {
  it('never follows a symlink out of the served directory (404), but serves one that stays inside', async () => {
    expect((await http(server.url, 'outside.json')).status).toBe(404);
    expect((await http(server.url, 'versions/up/secret.json')).status).toBe(404);
    const inside = await http(server.url, 'inside.json');
    expect([inside.status, inside.body.toString('utf8')]).toEqual([200, manifestText]);
  });

  it('never serves a private key, whatever it is called or linked as (404); the public key is fine', async () => {
    for (const path of ['ondeck-signing-key.pem', 'backup.PEM', 'tls.key', 'key-alias.json', 'old-key.pem.gz']) {
      const response = await http(server.url, path, { 'Accept-Encoding': 'gzip, br' });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body.toString('utf8')).not.toContain('PRIVATE KEY');
    }
    expect((await http(server.url, 'ondeck-public-key.txt')).status).toBe(200);
  });

  it('answers 404, not 500, for a path no file system can hold', async () => {
    for (const path of ['manifest.json%00', `${'a'.repeat(5000)}.json`, '%E0%A4%A']) {
      expect([path.slice(0, 20), (await http(server.url, path)).status]).toEqual([path.slice(0, 20), 404]);
    }
  });
});

describe('ondeck serve: failures', () => {
  it('keeps serving after a request fails inside the server: 500 and one log line', async () => {
    const injected = pathToFileURL(join(import.meta.dirname, '../../support/failReadsOfMarkedFiles.mjs')).href;
    const faulty = await startOndeckServe(cdn, { nodeFlags: ['--import', injected] });
    try {
      const failed = await http(faulty.url, 'fails-to-read.json');
      expect(failed.status).toBe(500);
      expect(faulty.running(), faulty.output()).toBe(true);
      expect((await http(faulty.url, 'manifest.json')).status).toBe(200);
      const logged = faulty
        .output()
        .split('\n')
        .filter((line) => line.includes('fails-to-read'));
      expect(logged, faulty.output()).toHaveLength(1);
      expect(faulty.output()).not.toMatch(/^\s+at /m);
    } finally {
      await faulty.stop();
    }
  });

  it('refuses to start on a missing directory or a file', async () => {
    expectTypedFailure(await ondeck('serve', join(workDir, 'no-such-dir'), '--port', '0'), 'file-not-found');
    expectTypedFailure(await ondeck('serve', join(cdn, 'manifest.json'), '--port', '0'), 'invalid-argument');
  });

  it('names a port already in use in a typed error (exit 1)', async () => {
    const occupant: Server = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    const { port } = occupant.address() as { port: number };
    try {
      const result = await ondeck('serve', 'cdn', '--port', String(port));
      expectTypedFailure(result, 'invalid-argument');
      expect(result.stderr).toContain(`--port`);
      expect(result.stderr).toContain(`127.0.0.1:${port} is already in use`);
    } finally {
      await new Promise((resolve) => occupant.close(resolve));
    }
  });
});
