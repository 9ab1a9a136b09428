import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';

/** A raw GET that sends `path` exactly as written (fetch would normalise `..` away). */
function rawGet(origin: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolveGet, rejectGet) => {
    const outgoing = request({ hostname, port, path, method: 'GET', agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolveGet({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', rejectGet);
    outgoing.end();
  });
}

describe('startStaticServer', () => {
  let root: string;
  let server: StaticServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ondeck-static-'));
    await mkdir(join(root, 'pages'));
    await mkdir(join(root, 'model'));
    await mkdir(join(root, 'model', 'nested'));
    await writeFile(join(root, 'secret.txt'), 'outside every mount');
    await writeFile(join(root, 'pages', 'index.html'), '<!doctype html><p>hello</p>');
    await writeFile(join(root, 'pages', 'app.js'), 'window.x = 1;');
    await writeFile(join(root, 'pages', 'app.mjs'), 'export const x = 1;');
    await writeFile(join(root, 'pages', 'kernel.wasm'), Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    await writeFile(join(root, 'pages', 'chart.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(root, 'model', 'manifest.json'), '{"version":3}');
    await writeFile(join(root, 'model', 'scorer.onnx'), Buffer.from([1, 2, 3]));
    await writeFile(join(root, 'model', 'factors.bin'), Buffer.from([4, 5, 6, 7]));
    await writeFile(join(root, 'model', 'nested', 'manifest.json'), '{"version":"nested mount"}');
    server = await startStaticServer({
      mounts: { '/pages/': join(root, 'pages'), '/model/': join(root, 'model'), '/model/latest/': join(root, 'model', 'nested') },
      headers: crossOriginIsolationHeaders,
    });
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, on an ephemeral port', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(server.origin).port)).toBeGreaterThan(0);
  });

  it('serves files with their MIME type, no-store and the extra headers', async () => {
    const expectations: Array<[string, string, string | number]> = [
      ['/pages/index.html', 'text/html; charset=utf-8', '<!doctype html><p>hello</p>'],
      ['/pages/app.js', 'application/javascript; charset=utf-8', 'window.x = 1;'],
      ['/pages/app.mjs', 'application/javascript; charset=utf-8', 'export const x = 1;'],
      ['/pages/kernel.wasm', 'application/wasm', 8],
      ['/pages/chart.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
      ['/model/manifest.json', 'application/json; charset=utf-8', '{"version":3}'],
      ['/model/scorer.onnx', 'application/octet-stream', 3],
      ['/model/factors.bin', 'application/octet-stream', 4],
    ];
    for (const [path, contentType, content] of expectations) {
      const response = await fetch(server.origin + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(contentType);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
      if (typeof content === 'number') expect((await response.arrayBuffer()).byteLength, path).toBe(content);
      else expect(await response.text(), path).toBe(content);
    }
  });

  it('routes to the longest matching mount and decodes the path', async () => {
    expect(await (await fetch(`${server.origin}/model/latest/manifest.json`)).text()).toBe('{"version":"nested mount"}');
    expect(await (await fetch(`${server.origin}/model/nested/manifest.json`)).text()).toBe('{"version":"nested mount"}');
    expect((await fetch(`${server.origin}/pages/app%2Ejs`)).status).toBe(200);
  });

  it('answers 404 for unknown files, directories and unmounted paths, 405 for writes', async () => {
    expect((await fetch(`${server.origin}/pages/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.origin}/pages/`)).status).toBe(404);
    expect((await fetch(`${server.origin}/secret.txt`)).status).toBe(404);
    expect((await fetch(`${server.origin}/pages/app.js`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('refuses path traversal out of a mount, plain or percent-encoded', async () => {
    for (const path of ['/pages/../secret.txt', '/pages/%2e%2e/secret.txt', '/pages/..%2Fsecret.txt', '/pages/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const response = await rawGet(server.origin, path);
      expect(response.status, path).toBe(403);
      expect(response.body, path).not.toContain('outside every mount');
    }
    expect((await rawGet(server.origin, '/pages/%E0%A4%A')).status).toBe(400);
  });

  it('fails a path prefix on demand with the given status, until cleared', async () => {
    server.failPath('/model/', 500);
    expect((await fetch(`${server.origin}/model/manifest.json`)).status).toBe(500);
    expect((await fetch(`${server.origin}/pages/app.js`)).status).toBe(200);
    server.failPath('/model/manifest', 404);
    server.failPath('/model/', null);
    expect((await fetch(`${server.origin}/model/manifest.json`)).status).toBe(404);
    expect((await fetch(`${server.origin}/model/factors.bin`)).status).toBe(200);
    server.failPath('/model/manifest', null);
    expect((await fetch(`${server.origin}/model/manifest.json`)).status).toBe(200);
  });

  it('drops every connection while offline (a network error, not a status) and recovers', async () => {
    // A kept-alive connection from before going offline must not keep working either.
    await fetch(`${server.origin}/pages/app.js`).then((response) => response.text());
    server.setOffline(true);
    await expect(fetch(`${server.origin}/pages/app.js`)).rejects.toThrow(TypeError);
    await expect(rawGet(server.origin, '/pages/app.js')).rejects.toThrow();
    server.setOffline(false);
    expect(await (await fetch(`${server.origin}/pages/app.js`)).text()).toBe('window.x = 1;');
  });

  it('records the paths requested, so tests can prove what an engine never downloaded', async () => {
    await fetch(`${server.origin}/model/scorer.onnx?v=2`);
    expect(server.requestedPaths).toContain('/model/scorer.onnx?v=2');
  });

  it('puts a prefix in front of the scripts it is given, with the right length, and only those', async () => {
    const prefixed = await startStaticServer({ mounts: { '/pages/': join(root, 'pages') }, prependToScripts: { '/pages/app.js': 'window.floor = 56;' } });
    try {
      const response = await fetch(`${prefixed.origin}/pages/app.js`);
      const body = await response.text();
      expect(body).toBe('window.floor = 56;\nwindow.x = 1;');
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(await (await fetch(`${prefixed.origin}/pages/app.mjs`)).text()).toBe('export const x = 1;');
    } finally {
      await prefixed.close();
    }
  });

  it('rejects a mount prefix without slashes', async () => {
    await expect(startStaticServer({ mounts: { pages: root } })).rejects.toThrow('must start and end with "/"');
  });
});
