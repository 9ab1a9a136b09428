import { describe, expect, it } from 'vitest';
import { isQuotaExceededError } from '../../../worker/storage/isQuotaExceededError';

describe('isQuotaExceededError', () => {
  it('recognises the standard, legacy-code and old-Firefox shapes', () => {
    expect(isQuotaExceededError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaExceededError({ name: 'NS_ERROR_DOM_QUOTA_REACHED', message: 'full' })).toBe(true);
    expect(isQuotaExceededError({ name: 'Error', code: 22, message: 'full' })).toBe(true);
  });

  it('rejects other errors and non-errors', () => {
    expect(isQuotaExceededError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isQuotaExceededError(new DOMException('gone', 'UnknownError'))).toBe(false);
    expect(isQuotaExceededError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaExceededError(undefined)).toBe(false);
    expect(isQuotaExceededError(22)).toBe(false);
  });
});
