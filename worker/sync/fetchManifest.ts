import { OndeckError } from '../../models/errors/OndeckError';
import { httpFailure, transportFailure } from './httpFailure';

/** A manifest never needs more than this; a longer body is refused unread. */
export const MAX_MANIFEST_BYTES = 1 << 20;

/** What one conditional GET of `manifest.json` gave. */
export type ManifestResponse = { readonly kind: 'not-modified' } | { readonly kind: 'fetched'; readonly bytes: Uint8Array; readonly etag?: string };

/**
 * GETs the sync manifest, conditionally: with the ETag of the last manifest the device fully
 * processed, the CDN answers `304 Not Modified` and nothing is downloaded or verified. The request
 * bypasses the HTTP cache (`no-store`) so a `304` reaches the engine as itself instead of being
 * turned into a cached copy, and so a stale cached manifest can never hide a new version.
 *
 * @throws OndeckError `network-failed` (with `status` and `retryAfterMs` when the server said so),
 *   `sync-refused` when the body is larger than {@link MAX_MANIFEST_BYTES}.
 * @example
 * ```ts
 * const answer = await fetchManifest(fetch, 'https://cdn.example.com/tv/manifest.json', storedEtag);
 * if (answer.kind === 'not-modified') return;
 * ```
 */
export async function fetchManifest(fetchImpl: typeof fetch, url: string, etag?: string): Promise<ManifestResponse> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store', credentials: 'omit', headers: etag ? { 'If-None-Match': etag } : {} });
  } catch (error) {
    throw transportFailure(url, error);
  }
  if (response.status === 304) return { kind: 'not-modified' };
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw httpFailure(url, response);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_MANIFEST_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw new OndeckError('sync-refused', { reason: `the manifest announces ${declared} bytes, at most ${MAX_MANIFEST_BYTES} are read` });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw transportFailure(url, error);
  }
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw new OndeckError('sync-refused', { reason: `the manifest is ${bytes.byteLength} bytes, at most ${MAX_MANIFEST_BYTES} are read` });
  const newEtag = response.headers.get('etag');
  return { kind: 'fetched', bytes, ...(newEtag ? { etag: newEtag } : {}) };
}
