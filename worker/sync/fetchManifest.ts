import { OndeckError } from '../../models/errors/OndeckError';
import { httpFailure, transportFailure } from './httpFailure';
import { readBodyAtMost } from '../model/readBodyAtMost';

/** A manifest never needs more than this; a longer body is refused, and read no further. */
export const MAX_MANIFEST_BYTES = 1 << 20;

/** What one conditional GET of `manifest.json` gave. */
export type ManifestResponse = { readonly kind: 'not-modified' } | { readonly kind: 'fetched'; readonly bytes: Uint8Array; readonly etag?: string };

/**
 * GETs the sync manifest, conditionally: with the ETag of the last manifest the device fully
 * processed, the CDN answers `304 Not Modified` and nothing is downloaded or verified. The request
 * bypasses the HTTP cache (`no-store`) so a `304` reaches the engine as itself instead of being
 * turned into a cached copy, and so a stale cached manifest can never hide a new version.
 *
 * The whole exchange, headers and body, must finish within `timeoutMs` (a server that never
 * answers must not hold the attempt, or a first start, forever), and the body is read as a stream
 * and cut off at {@link MAX_MANIFEST_BYTES} whether or not it declared a length (chunked "endless
 * data" is refused after 1 MiB, not after it fills the memory).
 *
 * @throws OndeckError `network-failed` (with `status` and `retryAfterMs` when the server said so),
 *   `sync-timeout` past the deadline, `sync-refused` when the body is larger than {@link MAX_MANIFEST_BYTES}.
 * @example
 * ```ts
 * const answer = await fetchManifest(fetch, 'https://cdn.example.com/tv/manifest.json', storedEtag, 30_000);
 * if (answer.kind === 'not-modified') return;
 * ```
 */
export async function fetchManifest(fetchImpl: typeof fetch, url: string, etag: string | undefined, timeoutMs: number): Promise<ManifestResponse> {
  // Chromium 56–65 has no AbortController: there the deadline still ends the wait, and cancelling
  // the body (once there is one) ends the transfer.
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let response: Response | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort();
      void response?.body?.cancel().catch(() => undefined);
      reject(new OndeckError('sync-timeout', { url, reason: `no complete answer within ${timeoutMs} ms` }));
    }, timeoutMs);
  });
  // A rejection of the losing side must not surface as unhandled.
  deadline.catch(() => undefined);
  try {
    return await Promise.race([exchange(), deadline]);
  } catch (error) {
    // A refused or broken answer ends the request too, not only the read: WebKit's network
    // process went on downloading an endless body (97 MB in a test) after its reader was cancelled.
    controller?.abort();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  async function exchange(): Promise<ManifestResponse> {
    try {
      response = await fetchImpl(url, {
        cache: 'no-store',
        credentials: 'omit',
        headers: etag ? { 'If-None-Match': etag } : {},
        ...(controller ? { signal: controller.signal } : {}),
      });
    } catch (error) {
      throw transportFailure(url, error);
    }
    if (response.status === 304) return { kind: 'not-modified' };
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw httpFailure(url, response);
    }
    const declared = Number(response.headers.get('content-length'));
    if (response.headers.get('content-length') !== null && Number.isFinite(declared) && declared > MAX_MANIFEST_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(`announces ${declared} bytes`);
    }
    const bytes = await readAtMost(response, url);
    const newEtag = response.headers.get('etag');
    return { kind: 'fetched', bytes, ...(newEtag ? { etag: newEtag } : {}) };
  }
}

/** The body, refused as soon as it passes {@link MAX_MANIFEST_BYTES}; a broken body is a transport failure. */
async function readAtMost(response: Response, url: string): Promise<Uint8Array> {
  try {
    return await readBodyAtMost(response, MAX_MANIFEST_BYTES, (what) => tooLarge(`has ${what}`));
  } catch (error) {
    throw error instanceof OndeckError ? error : transportFailure(url, error);
  }
}

function tooLarge(what: string): OndeckError {
  return new OndeckError('sync-refused', { reason: `the manifest ${what}; at most ${MAX_MANIFEST_BYTES} bytes are read` });
}
