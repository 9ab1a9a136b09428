import { errorName } from './describeError';

/**
 * True when `error` says the origin ran out of storage quota. Engines disagree on the shape:
 * the standard `QuotaExceededError` DOMException (legacy code 22), and old Firefox's
 * `NS_ERROR_DOM_QUOTA_REACHED` (code 1014). IndexedDB reports it either on the failing request or,
 * as Chromium does when the quota check happens at commit, as the aborted transaction's error.
 *
 * @example
 * ```ts
 * isQuotaExceededError(new DOMException('full', 'QuotaExceededError')); // true
 * isQuotaExceededError(new DOMException('gone', 'AbortError'));         // false
 * ```
 */
export function isQuotaExceededError(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return name !== undefined && (code === 22 || code === 1014);
}
