import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

/** A loopback CDN over one publish directory, from {@link startPinnedCdn}. */
export interface PinnedCdn {
  /** `http://127.0.0.1:PORT/`: the `syncUrl` a device is given. */
  readonly url: string;
  /**
   * Which signed manifest `/manifest.json` answers with: `versions/<version>.json` of the publish
   * directory (every version publish signed), or `'latest'` for the directory's own manifest.json.
   */
  pin(version: number | 'latest'): void;
  close(): Promise<void>;
}

/**
 * Serves a publish directory (`ondeck publish --out`) to devices on 127.0.0.1, with
 * `/manifest.json` pinned to an older signed manifest until the benchmark releases the next one.
 * A publish directory built version after version then replays its history: the device starts on
 * v1 and reaches each later version through the deltas publish kept. Every response is
 * `no-store`, so each sync reads the manifest again; CORS is open because the pages are served
 * from another port.
 *
 * @example
 * ```ts
 * const cdn = await startPinnedCdn(publishDirectory, 1);
 * // … the device starts on v1 …
 * cdn.pin(2); // the next sync() finds v2
 * ```
 */
export async function startPinnedCdn(directory: string, firstVersion: number | 'latest'): Promise<PinnedCdn> {
  const root = resolve(directory);
  let pinned = firstVersion;
  const server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Expose-Headers', 'ETag, Content-Length, Content-Range');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'If-None-Match, Range' });
      response.end();
      return;
    }
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]);
    const file = path === '/manifest.json' && pinned !== 'latest' ? `/versions/${pinned}.json` : path;
    const absolute = resolve(root, `.${file}`);
    if (!absolute.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(absolute).then(
      (body) => response.writeHead(200, { 'Content-Length': body.byteLength, 'Cache-Control': 'no-store' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    pin(version) {
      pinned = version;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
