import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { listenOnLoopback } from './listenOnLoopback';

/** Content types by file extension; anything else is served as opaque bytes. */
const contentTypes: Readonly<Record<string, string>> = Object.freeze({
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
});

/** Options of {@link startStaticServer}. */
export interface StaticServerOptions {
  /**
   * URL prefix → directory. Prefixes start and end with `/` (`'/dist/'`); the longest matching
   * prefix wins, and the rest of the URL path is resolved inside its directory.
   */
  mounts: Readonly<Record<string, string>>;
  /**
   * Headers added to every response, e.g. {@link crossOriginIsolationHeaders}.
   * @defaultValue `{}`
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * URL path → source put in front of that file's body, e.g. the floor shim before
   * `/dist/ondeck-worker.js` and before the page's first script, so they run in a simulated
   * older engine (`buildFloorShim.ts`).
   * @defaultValue `{}`
   */
  prependToScripts?: Readonly<Record<string, string>>;
}

/** A running {@link startStaticServer}. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string;
  /** Every request path received so far (with query), in arrival order, offline ones included. */
  readonly requestedPaths: readonly string[];
  /**
   * While `true`, every connection is destroyed as soon as it opens (and open keep-alive
   * connections are destroyed at once), so a page's `fetch` rejects as on a box without network.
   */
  setOffline(offline: boolean): void;
  /** Answers every path starting with `prefix` with `status` (and no body); `null` clears it. */
  failPath(prefix: string, status: number | null): void;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/**
 * Headers that make pages `crossOriginIsolated` where the engine supports it (needed for
 * `SharedArrayBuffer` and threaded wasm in Chromium).
 *
 * @example
 * ```ts
 * const server = await startStaticServer({ mounts: { '/pages/': pagesDir }, headers: crossOriginIsolationHeaders });
 * ```
 */
export const crossOriginIsolationHeaders: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/**
 * Starts a static file server for browser tests on 127.0.0.1 (never another interface) on an
 * ephemeral port. Every response carries `Cache-Control: no-store` so a reload or a second
 * engine never sees a stale file, and tests can make paths fail or the whole server go
 * offline at run time.
 *
 * @example
 * ```ts
 * const server = await startStaticServer({ mounts: { '/pages/': 'test/browser/pages', '/dist/': 'dist/browser' } });
 * await page.goto(`${server.origin}/pages/capabilities.html`);
 * server.setOffline(true); // the page's next fetch rejects
 * await server.close();
 * ```
 */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const mounts = Object.entries(options.mounts)
    .map(([prefix, directory]) => {
      if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
        throw new Error(`startStaticServer: mount prefix ${JSON.stringify(prefix)} must start and end with "/"`);
      }
      return { prefix, root: resolve(directory) };
    })
    // Longest prefix first, so '/dist/browser/' can be mounted apart from '/dist/'.
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const extraHeaders = { ...(options.headers ?? {}) };
  const prependToScripts = options.prependToScripts ?? {};
  const failures = new Map<string, number>();
  const sockets = new Set<Socket>();
  const requestedPaths: string[] = [];
  let offline = false;

  const server = createServer((request, response) => {
    requestedPaths.push(request.url ?? '');
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, String(error));
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (offline) {
      // Destroying without a response makes the browser see a network error (not an HTTP
      // status), which is what "offline" means to fetch().
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function send(response: ServerResponse, status: number, body: string): void {
    response.writeHead(status, { ...extraHeaders, 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(body);
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (offline) {
      // A request already in flight on a kept-alive socket when we went offline.
      response.destroy();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed');
    const rawPath = (request.url ?? '/').split('?')[0]!.split('#')[0]!;
    for (const [prefix, status] of failures) {
      if (rawPath.startsWith(prefix)) return send(response, status, `failing ${prefix} on purpose`);
    }
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(rawPath);
    } catch {
      return send(response, 400, 'bad path encoding');
    }
    if (urlPath.includes('\0')) return send(response, 400, 'bad path');
    const mount = mounts.find((candidate) => urlPath.startsWith(candidate.prefix));
    if (!mount) return send(response, 404, 'not found');
    const filePath = resolve(mount.root, '.' + sep + urlPath.slice(mount.prefix.length));
    // Browsers normalise '..' away, but a raw client (or an encoded %2e%2e) must not escape.
    if (filePath !== mount.root && !filePath.startsWith(mount.root + sep)) return send(response, 403, 'forbidden');
    const info = await stat(filePath).catch(() => undefined);
    if (!info || !info.isFile()) return send(response, 404, 'not found');
    const prefix = prependToScripts[urlPath];
    const body = prefix === undefined ? undefined : Buffer.concat([Buffer.from(prefix + '\n', 'utf8'), await readFile(filePath)]);
    response.writeHead(200, {
      ...extraHeaders,
      'Cache-Control': 'no-store',
      'Content-Type': contentTypes[extname(filePath).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(body ? body.length : info.size),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    if (body) {
      response.end(body);
      return;
    }
    createReadStream(filePath)
      .on('error', () => response.destroy())
      .pipe(response);
  }

  const origin = await listenOnLoopback(server);

  return {
    origin,
    requestedPaths,
    setOffline(value: boolean): void {
      offline = value;
      if (value) for (const socket of sockets) socket.destroy();
    },
    failPath(prefix: string, status: number | null): void {
      if (status === null) failures.delete(prefix);
      else failures.set(prefix, status);
    },
    close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
