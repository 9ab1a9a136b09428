import { realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OndeckError } from '../../errors/OndeckError';
import { acceptsContentCoding } from './acceptsContentCoding';
import { byteRange, type ByteRangeAnswer } from './byteRange';
import { openPublishedFile, type PublishedFile } from './openPublishedFile';

/** Cache-Control of content-addressed blobs: they never change, so caches keep them a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Cache-Control of manifest.json and everything else: short, so a new version reaches devices
 * within a minute, and revalidated cheaply with the ETag (304).
 */
export const MANIFEST_CACHE_CONTROL = 'public, max-age=60';

const BLOB_PATH = /^\/(?:.*\/)?blobs\/[0-9a-f]{64}\.(?:snapshot|delta)$/;

/** Content types of what a publish directory holds, by extension; anything else is opaque bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = { '.json': 'application/json', '.txt': 'text/plain; charset=utf-8' };

/** Options of {@link createSyncServer}. */
export interface SyncServerOptions {
  /**
   * Told of a request that failed inside the server (a read error, a bug), after which the request
   * got a 500, or was cut off if its body had started; the server goes on serving the others.
   * Default: one line on stderr, no stack trace.
   */
  readonly onRequestError?: (error: unknown, request: IncomingMessage) => void;
}

/**
 * The reference server of a publish directory, for development and tests: what a CDN or nginx
 * does in production (docs/deploy.md). Files are opened per request, so a publish is visible at
 * once. Weak ETags with `If-None-Match` → 304 (with the ETag), one byte range → 206 and an
 * unsatisfiable one → 416 (RFC 9110 §14), precompressed `manifest.json.br` / `.gz` for clients
 * that accept them, CORS for any origin, a year of immutable caching for `blobs/` and a short
 * max-age for the rest. Only GET, HEAD and CORS preflights are answered.
 *
 * Never served (404): anything whose real path is outside `directory` (symlinks are resolved),
 * dotfiles (the publish lock), temporary files of a publish in progress, and private key files
 * (`ondeck-signing-key.pem`, any `*.pem` or `*.key`). A request that fails inside the server gets
 * a 500 and is reported to `options.onRequestError`; it never stops the server.
 *
 * @throws OndeckError `file-not-found` when `directory` does not exist, `invalid-argument` when it
 *   is not a directory.
 * @example
 * ```ts
 * const server = createSyncServer('cdn');
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createSyncServer(directory: string, options: SyncServerOptions = {}): Server {
  const rootRealPath = servedDirectoryRealPath(directory);
  const onRequestError = options.onRequestError ?? logRequestError;
  return createServer((request, response) => {
    answer(rootRealPath, request, response).catch((error: unknown) => {
      onRequestError(error, request);
      if (response.headersSent) {
        // Part of the body is out: cutting the connection is the only way to say it is incomplete.
        response.destroy();
        return;
      }
      // Headers set for the file (Content-Encoding, ETag …) do not describe this answer; CORS does.
      for (const name of response.getHeaderNames()) if (!name.startsWith('access-control-')) response.removeHeader(name);
      // A failure is not content: no cache may keep it.
      response.setHeader('Cache-Control', 'no-store');
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('internal server error\n');
    });
  });
}

/** The real path of the served directory: symlinks resolved once, so containment can be checked. */
function servedDirectoryRealPath(directory: string): string {
  let realPath: string;
  try {
    realPath = realpathSync(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new OndeckError('file-not-found', { path: directory });
    throw error;
  }
  if (!statSync(realPath).isDirectory()) {
    throw new OndeckError('invalid-argument', { name: 'directory', reason: `${directory} is a file; serve the publish directory that holds manifest.json` });
  }
  return realPath;
}

async function answer(rootRealPath: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
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
  const isBlob = BLOB_PATH.test(pathname);
  // Blobs are gzip inside and the device checks the SHA-256 of exactly the stored bytes: never a
  // precompressed twin, never a Content-Encoding.
  const codings = isBlob ? [] : (['br', 'gzip'] as const).filter((coding) => acceptsContentCoding(request.headers['accept-encoding'], coding));
  const file = await openPublishedFile(rootRealPath, pathname, codings);
  if (!file) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('not found\n');
    return;
  }
  let handedToStream = false;
  try {
    const { size } = file.stats;
    const etag = `W/"${size}-${file.stats.mtime.getTime()}"`;
    response.setHeader('Cache-Control', isBlob ? IMMUTABLE_CACHE_CONTROL : MANIFEST_CACHE_CONTROL);
    response.setHeader('ETag', etag);
    if (!isBlob) response.setHeader('Vary', 'Accept-Encoding');
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && matchesAnyEntityTag(ifNoneMatch, etag)) {
      // RFC 9110 §15.4.5: a 304 carries the ETag, Cache-Control and Vary a 200 would have.
      response.writeHead(304);
      response.end();
      return;
    }
    response.setHeader('Content-Type', isBlob ? 'application/octet-stream' : (CONTENT_TYPES[extname(pathname)] ?? 'application/octet-stream'));
    if (file.contentEncoding) response.setHeader('Content-Encoding', file.contentEncoding);
    response.setHeader('Last-Modified', file.stats.mtime.toUTCString());
    response.setHeader('Accept-Ranges', 'bytes');
    const range = rangeToAnswer(request, size);
    if (range.kind === 'unsatisfiable') {
      // RFC 9110 §15.5.17: the 416 names the current length so the client can ask again.
      response.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      response.end();
      return;
    }
    if (range.kind === 'partial') {
      response.writeHead(206, { 'Content-Range': `bytes ${range.start}-${range.end}/${size}`, 'Content-Length': range.end - range.start + 1 });
    } else {
      response.writeHead(200, { 'Content-Length': size });
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    handedToStream = true;
    await sendBytes(file, range, response);
  } finally {
    if (!handedToStream) await file.handle.close();
  }
}

/**
 * The Range to honour: only on GET (RFC 9110 §14.2: Range is defined for GET only) and only
 * without If-Range, whose validator must match strongly (§13.1.5) and so never matches these
 * weak ETags: the whole representation is the answer then.
 */
function rangeToAnswer(request: IncomingMessage, size: number): ByteRangeAnswer {
  if (request.method !== 'GET' || request.headers['if-range'] !== undefined) return { kind: 'whole' };
  return byteRange(request.headers.range, size);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): opaque tags equal, W/ ignored; `*` matches. */
function matchesAnyEntityTag(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** Streams the answered bytes; the stream closes the file handle when it ends or fails. */
async function sendBytes(file: PublishedFile, range: ByteRangeAnswer, response: ServerResponse): Promise<void> {
  const stream = file.handle.createReadStream(range.kind === 'partial' ? { start: range.start, end: range.end } : {});
  try {
    await pipeline(stream, response);
  } catch (error) {
    // The client went away mid-download (a TV switched off): nothing failed on this side.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}

/** One line per failed request on stderr, no stack trace: the server keeps serving the others. */
function logRequestError(error: unknown, request: IncomingMessage): void {
  const reason = error instanceof Error ? error.message : String(error);
  // The URL is the client's: control characters are not written to the log as they are.
  const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  process.stderr.write(`ondeck serve: ${oneLine(`${request.method} ${request.url} failed: ${reason}`)}\n`);
}
