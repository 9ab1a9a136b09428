import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import sirv from 'sirv';

/** Cache-Control of content-addressed blobs: they never change, so caches keep them a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Cache-Control of manifest.json and everything else: short, so a new version reaches devices
 * within a minute, and revalidated cheaply with the ETag (304).
 */
export const MANIFEST_CACHE_CONTROL = 'public, max-age=60';

const BLOB_PATH = /^\/(?:.*\/)?blobs\/[0-9a-f]{64}\.(?:snapshot|delta)$/;
/** A path with a segment starting with a dot (`.ondeck-publish.lock`, `.git/…`). */
const DOTFILE_PATH = /(?:^|\/)\./;
/** The one Range form served partially; anything else (suffix, multi-range) gets the whole file, as RFC 9110 allows. */
const SIMPLE_RANGE = /^bytes=(\d+)-(\d*)$/;

/**
 * The reference server of a publish directory, for development and tests: what a CDN or nginx
 * does in production (docs/deploy.md). Static files from `directory` through `sirv` (read per
 * request, so a publish is visible at once): weak ETags with `If-None-Match` → 304 (with the ETag), single byte
 * ranges → 206, precompressed `manifest.json.br` / `.gz` for clients that accept them, CORS for
 * any origin, a year of immutable caching for `blobs/` and a short max-age for the rest. Only GET,
 * HEAD and CORS preflights are answered; dotfiles (the publish lock) are never served.
 *
 * @example
 * ```ts
 * const server = createSyncServer('cdn');
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createSyncServer(directory: string): Server {
  const serveFiles = sirv(directory, { dev: true, etag: true, gzip: true, brotli: true, extensions: [], dotfiles: false });
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Expose-Headers', 'ETag, Content-Length, Content-Range, Content-Encoding');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': 'If-None-Match, Range',
        'Access-Control-Max-Age': '86400',
      });
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD, OPTIONS' });
      response.end();
      return;
    }
    const pathname = (request.url ?? '/').split('?')[0];
    // sirv honours `dotfiles: false` only when it caches the file list up front, not in dev mode
    // (read per request), so the publish lock would be served; checked here on the decoded path
    // sirv would open.
    if (DOTFILE_PATH.test(decodedPath(pathname))) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
      return;
    }
    if (BLOB_PATH.test(pathname)) {
      // Already gzip inside; served as opaque bytes so nothing decompresses them on the way and the
      // device can check the SHA-256 of exactly what the manifest lists.
      response.setHeader('Cache-Control', IMMUTABLE_CACHE_CONTROL);
      response.setHeader('Content-Type', 'application/octet-stream');
    } else {
      response.setHeader('Cache-Control', MANIFEST_CACHE_CONTROL);
      response.setHeader('Vary', 'Accept-Encoding');
    }
    const range = request.headers.range;
    if (range !== undefined) {
      const match = SIMPLE_RANGE.exec(range);
      // sirv reads an end of 0 as "to the end", so `bytes=0-0` is served whole too.
      const unsupported = !match || request.headers['if-range'] !== undefined || (match[2] !== '' && (Number(match[2]) < Number(match[1]) || Number(match[2]) === 0));
      if (unsupported) delete request.headers.range;
    }
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string') {
      // sirv answers 304 only when If-None-Match equals the file's ETag, and then sends no ETag;
      // RFC 9110 §15.4.5 wants it there, so caches in between keep a validator.
      const writeHead = response.writeHead.bind(response) as (status: number, ...rest: unknown[]) => ServerResponse;
      response.writeHead = ((status: number, ...rest: unknown[]) => {
        if (status === 304) response.setHeader('ETag', ifNoneMatch);
        return writeHead(status, ...rest);
      }) as ServerResponse['writeHead'];
    }
    serveFiles(request, response, () => {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
    });
  });
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
