import { createServer, request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from '../../../scripts/browser/listenOnLoopback';

/** One request exactly as the page's side sent it: what a network observer would see. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target: path and query, as sent (not decoded). */
  readonly url: string;
  /** Every header line as sent, in order, names as the engine spelled them (duplicates kept). */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** The whole request body (empty for GET/HEAD). */
  readonly body: Uint8Array;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

/** Options of {@link startRecordingProxy}. */
export interface RecordingProxyOptions {
  /** Origin of the server that answers, e.g. a `startFaultyServer` origin (`http://127.0.0.1:PORT`). */
  readonly target: string;
  /**
   * Headers added to (or replacing) every response, e.g. `Service-Worker-Allowed` or a
   * `Content-Security-Policy-Report-Only` that the server behind does not send itself.
   * @defaultValue `{}`
   */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

/** A running {@link startRecordingProxy}. */
export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`, no trailing slash: the origin pages must be loaded from. */
  readonly origin: string;
  /** Every request received so far, in arrival order, whatever its method or path. */
  readonly requests: readonly RecordedRequest[];
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/**
 * A reverse proxy on 127.0.0.1 that records every request (method, target, every header line
 * and the body) before passing it on to `target`, and streams the answer back unchanged (plus
 * `responseHeaders`). Put it in front of any test server to see all that a page, its workers
 * and its service worker send to their origin: the static servers only log paths, and a
 * privacy check needs the headers and bodies too. Bodies are buffered before forwarding (test
 * traffic is small), so a recorded request is always complete.
 *
 * @example
 * ```ts
 * const files = await startFaultyServer({ '/pages/': pagesDir, '/dist/': distDir });
 * const proxy = await startRecordingProxy({ target: files.origin, responseHeaders: { 'Service-Worker-Allowed': '/' } });
 * await runPageScenario(session, `${proxy.origin}/pages/privacy.html`, { op: 'start' });
 * expect(proxy.requests.every((request) => request.method === 'GET')).toBe(true);
 * ```
 */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const responseHeaders = options.responseHeaders ?? {};
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  // No keep-alive towards the target: every forwarded request stands alone, so close() leaves
  // nothing behind in either server.
  const agent = new Agent({ keepAlive: false });

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('error', () => outgoing.destroy());
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: incoming.method ?? '', url: incoming.url ?? '', headers: headerPairs(incoming), body: new Uint8Array(body), at: Date.now() });
      const forwarded = httpRequest({ agent, host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        const headers = { ...answer.headers };
        for (const [name, value] of Object.entries(responseHeaders)) headers[name.toLowerCase()] = value;
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(outgoing);
        // A target that breaks off mid-body must break the page's response off too.
        answer.on('aborted', () => outgoing.destroy());
        answer.on('error', () => outgoing.destroy());
      });
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
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
    close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      return new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

/** `rawHeaders` ([name, value, name, value…]) as pairs. */
function headerPairs(incoming: IncomingMessage): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) pairs.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
  return pairs;
}
