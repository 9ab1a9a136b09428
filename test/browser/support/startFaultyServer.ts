import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { listenOnLoopback } from '../../../scripts/browser/listenOnLoopback';

/**
 * One way to misbehave on a path, as a CDN or a box's network can:
 * - `status`: answer `status` (404, 500, 503 …) with no body, optionally with `Retry-After`.
 * - `truncate`: announce the full Content-Length, send the first `bytes`, then close the socket.
 * - `flip-byte`: serve the file with the byte at `offset` inverted (same length, same headers).
 * - `drip`: send the body at `bytesPerSecond` in small pieces (a slow link).
 * - `reset`: destroy the connection after `afterBytes` of the body (0: before any response).
 * - `ignore-range`: answer a Range request with the whole file and `200`.
 */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'truncate'; readonly bytes: number }
  | { readonly kind: 'flip-byte'; readonly offset: number }
  | { readonly kind: 'drip'; readonly bytesPerSecond: number }
  | { readonly kind: 'reset'; readonly afterBytes: number }
  | { readonly kind: 'ignore-range' }
  /** Accepts the request and never answers (slow retrieval at its worst). */
  | { readonly kind: 'hang' }
  /** `200` with a chunked body of spaces that never ends and declares no length (endless data). */
  | { readonly kind: 'endless' };

/** One request as the server saw it. */
export interface LoggedRequest {
  readonly path: string;
  /** The `Range` header, if any. */
  readonly range?: string;
  readonly ifNoneMatch?: string;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** The status sent (0 when the connection was destroyed before a response). */
  status: number;
  /** Body bytes written, for an `endless` answer (how much the client read before it stopped). */
  endlessBytes?: number;
}

/** A running {@link startFaultyServer}. */
export interface FaultyServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly LoggedRequest[];
  /**
   * Applies `fault` to requests whose path starts with `prefix`, for the next `times` of them
   * (default: until {@link clearFaults}). A later fault on the same prefix replaces the earlier one.
   */
  fault(prefix: string, fault: Fault, times?: number): void;
  clearFaults(): void;
  /**
   * Serves `body` at exactly `path` instead of the file (an old, forged or broken manifest), with
   * its own ETag; faults still apply on top. `null` serves the file again.
   */
  serveInstead(path: string, body: Uint8Array | string | null): void;
  /** Resolves once a request whose path starts with `prefix` has received at least `bytes` body bytes. */
  waitForBodyBytes(prefix: string, bytes: number): Promise<void>;
  close(): Promise<void>;
}

const contentTypes: Readonly<Record<string, string>> = Object.freeze({
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.wasm': 'application/wasm',
  '.mjs': 'application/javascript; charset=utf-8',
});

/**
 * A static server on 127.0.0.1 for sync fault-injection tests. It behaves like a CDN in front of a
 * publish directory (strong ETags from the content's SHA-256 and `304` for a matching
 * `If-None-Match`, single byte ranges with `206`) and can be told, per path prefix, to misbehave in
 * the ways {@link Fault} lists. `Cache-Control: no-store` everywhere, so engines never answer from
 * their own cache. Separate from `startStaticServer` (which other suites use unchanged) because
 * its faults need the file bytes in hand, not a stream.
 *
 * @example
 * ```ts
 * const server = await startFaultyServer({ '/pages/': pagesDir, '/dist/': distDir, '/sync/': publishDir });
 * server.serveInstead('/sync/manifest.json', oldManifestText);
 * server.fault('/sync/manifest.json', { kind: 'status', status: 503, retryAfter: '1' }, 1);
 * server.fault('/sync/blobs/', { kind: 'drip', bytesPerSecond: 1024 });
 * await server.close();
 * ```
 */
export async function startFaultyServer(mountsByPrefix: Readonly<Record<string, string>>): Promise<FaultyServer> {
  const mounts = Object.entries(mountsByPrefix)
    .map(([prefix, directory]) => ({ prefix, root: resolve(directory) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const faults = new Map<string, { fault: Fault; remaining: number }>();
  const replacements = new Map<string, Uint8Array>();
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const progress: Array<{ prefix: string; bytes: number; resolve: () => void }> = [];
  const timers = new Set<NodeJS.Timeout>();

  const reportBytes = (path: string, sent: number): void => {
    for (let i = progress.length - 1; i >= 0; i--) {
      if (path.startsWith(progress[i].prefix) && sent >= progress[i].bytes) {
        progress[i].resolve();
        progress.splice(i, 1);
      }
    }
  };

  const takeFault = (path: string): Fault | undefined => {
    let best: string | undefined;
    for (const prefix of faults.keys()) if (path.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
    if (!best) return undefined;
    const entry = faults.get(best)!;
    if (--entry.remaining <= 0) faults.delete(best);
    return entry.fault;
  };

  async function serve(request: IncomingMessage, response: ServerResponse, logged: LoggedRequest): Promise<void> {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!);
    const fault = takeFault(path);
    const send = (status: number, headers: Record<string, string>, body?: Uint8Array): void => {
      logged.status = status;
      response.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      response.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    };
    if (fault?.kind === 'reset' && fault.afterBytes === 0) {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') return send(fault.status, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    // The socket is tracked: close() destroys it with the rest.
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'endless') return endless(response, logged);
    const mount = mounts.find((candidate) => path.startsWith(candidate.prefix));
    if (!mount) return send(404, {});
    const filePath = resolve(mount.root, '.' + sep + path.slice(mount.prefix.length));
    if (!filePath.startsWith(mount.root + sep)) return send(403, {});
    let body: Uint8Array;
    const replacement = replacements.get(path);
    if (replacement) {
      body = replacement;
    } else {
      const info = await stat(filePath).catch(() => undefined);
      if (!info?.isFile()) return send(404, {});
      body = new Uint8Array(await readFile(filePath));
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    const headers: Record<string, string> = { ETag: etag, 'Content-Type': contentTypes[extname(filePath)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes' };
    if (request.headers['if-none-match'] === etag) return send(304, { ETag: etag });
    if (fault?.kind === 'flip-byte') {
      body = body.slice();
      body[fault.offset % body.length] ^= 0xff;
    }
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(String(request.headers.range ?? ''));
    if (range && fault?.kind !== 'ignore-range') {
      const start = Number(range[1]);
      if (start >= body.length) return send(416, { 'Content-Range': `bytes */${body.length}` });
      headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
      body = body.subarray(start);
      status = 206;
    }
    headers['Content-Length'] = String(body.length);
    logged.status = status;
    response.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
    if (request.method === 'HEAD') return void response.end();
    const limit = fault?.kind === 'truncate' ? Math.min(fault.bytes, body.length) : fault?.kind === 'reset' ? Math.min(fault.afterBytes, body.length) : body.length;
    if (fault?.kind === 'drip') return drip(response, body, fault.bytesPerSecond, path);
    if (limit < body.length) {
      // Let the bytes leave, then cut the connection: the client sees a body that broke off,
      // after a clean close (FIN) for `truncate`, a TCP reset (RST) for `reset`.
      response.write(Buffer.from(body.buffer, body.byteOffset, limit), () => {
        reportBytes(path, limit);
        if (fault?.kind === 'reset') response.socket?.resetAndDestroy();
        else response.socket?.end();
      });
      return;
    }
    response.write(Buffer.from(body.buffer, body.byteOffset, limit));
    reportBytes(path, limit);
    response.end();
  }

  function endless(response: ServerResponse, logged: LoggedRequest): void {
    logged.status = 200;
    logged.endlessBytes = 0;
    response.writeHead(200, { 'Cache-Control': 'no-store', 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      // Written as fast as the client reads (the write callback is backpressure), until it stops.
      if (response.destroyed || response.writableEnded) return;
      response.write(chunk, (error) => {
        if (error) return;
        logged.endlessBytes! += chunk.length;
        pump();
      });
    };
    pump();
  }

  function drip(response: ServerResponse, body: Uint8Array, bytesPerSecond: number, path: string): void {
    const piece = Math.max(1, Math.round(bytesPerSecond / 10));
    let sent = 0;
    const tick = (): void => {
      if (response.destroyed) return;
      const end = Math.min(body.length, sent + piece);
      response.write(Buffer.from(body.buffer, body.byteOffset + sent, end - sent));
      sent = end;
      reportBytes(path, sent);
      if (sent >= body.length) return void response.end();
      const timer = setTimeout(() => {
        timers.delete(timer);
        tick();
      }, 100);
      timers.add(timer);
    };
    tick();
  }

  const server = createServer((request, response) => {
    const logged: LoggedRequest = {
      path: request.url ?? '',
      at: Date.now(),
      status: 0,
      ...(request.headers.range ? { range: String(request.headers.range) } : {}),
      ...(request.headers['if-none-match'] ? { ifNoneMatch: String(request.headers['if-none-match']) } : {}),
    };
    requests.push(logged);
    serve(request, response, logged).catch((error: unknown) => {
      if (!response.headersSent) {
        logged.status = 500;
        response.writeHead(500).end(String(error));
      } else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const origin = await listenOnLoopback(server);
  return {
    origin,
    requests,
    fault(prefix, fault, times = Infinity) {
      faults.set(prefix, { fault, remaining: times });
    },
    clearFaults() {
      faults.clear();
    },
    serveInstead(path, body) {
      if (body === null) replacements.delete(path);
      else replacements.set(path, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    },
    waitForBodyBytes(prefix, bytes) {
      return new Promise((resolveWait) => progress.push({ prefix, bytes, resolve: resolveWait }));
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
