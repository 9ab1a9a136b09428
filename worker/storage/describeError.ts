/**
 * The `name` of an error-like value (`QuotaExceededError`, `AbortError`, …), if it has one.
 * DOMExceptions from IndexedDB are not always `instanceof Error` across realms, so this only
 * looks at the shape.
 *
 * @example
 * ```ts
 * errorName(new DOMException('full', 'QuotaExceededError')); // 'QuotaExceededError'
 * ```
 */
export function errorName(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : undefined;
}

/**
 * One line describing an error-like value, `Name: message`, for error details and logs.
 *
 * @example
 * ```ts
 * describeError(new DOMException('disk full', 'QuotaExceededError')); // 'QuotaExceededError: disk full'
 * ```
 */
export function describeError(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const name = errorName(error);
    return `${name ? name + ': ' : ''}${String((error as { message: unknown }).message)}`;
  }
  return String(error);
}
