import { OndeckError } from '../../models/errors/OndeckError';
import { parseRetryAfter } from './parseRetryAfter';

/**
 * The `network-failed` error for a response that is not the expected success, carrying the HTTP
 * `status` and, when the server sent one, `retryAfterMs` (which the sync scheduler honours).
 *
 * @example
 * ```ts
 * if (!response.ok) throw httpFailure(url, response);
 * ```
 */
export function httpFailure(url: string, response: Response): OndeckError {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  return new OndeckError('network-failed', { url, reason: `HTTP ${response.status}`, status: response.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

/**
 * The `network-failed` error for a request that never produced a response (offline, DNS,
 * connection reset) or whose body broke off.
 *
 * @example
 * ```ts
 * const response = await fetch(url).catch((error) => { throw transportFailure(url, error); });
 * ```
 */
export function transportFailure(url: string, cause: unknown): OndeckError {
  return new OndeckError('network-failed', { url, reason: cause instanceof Error ? cause.message || cause.name : String(cause) });
}
