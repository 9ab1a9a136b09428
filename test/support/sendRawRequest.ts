import { request } from 'node:http';

/** What {@link sendRawRequest} got back. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** Options of {@link sendRawRequest}. */
export interface RawRequestOptions {
  /** @defaultValue `'GET'` */
  method?: string;
  /** Sent exactly as given (a raw `Range`, say). */
  headers?: Record<string, string>;
}

/**
 * Sends one HTTP request to `origin` with `target` as the request target exactly as written:
 * no URL normalisation (so `..` or an encoded path reaches the server as a hostile client sends
 * it), no connection reuse, headers as given. Resolves with the status, headers and whole body.
 *
 * @example
 * ```ts
 * const answer = await sendRawRequest('http://127.0.0.1:8080', '/manifest.json', { headers: { Range: 'bytes=0-9007199254740992' } });
 * answer.status; // 206, never a crash
 * ```
 */
export function sendRawRequest(origin: string, target: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const call = request({ hostname, port, path: target, method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end();
  });
}
