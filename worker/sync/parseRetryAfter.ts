/** Longest wait a server may impose through Retry-After; anything longer is treated as this. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Milliseconds to wait according to an HTTP `Retry-After` header (RFC 9110 §10.2.3): either
 * delay-seconds or an HTTP-date. `undefined` when the header is absent or unreadable; clamped to
 * 0..{@link MAX_RETRY_AFTER_MS} so a misconfigured CDN cannot silence devices for months.
 *
 * @example
 * ```ts
 * parseRetryAfter('120', Date.now());                          // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.now()); // ms until then, or 0
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  let milliseconds: number;
  if (/^\d+$/.test(text)) {
    milliseconds = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    milliseconds = date - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, milliseconds));
}
