/**
 * Reads a numeric field strictly: `undefined` for an empty or blank field and for anything
 * `Number()` does not turn into a finite number. (`Number('')` is `0`, which would silently
 * turn a missing rating into a zero.)
 *
 * @example
 * ```ts
 * parseNumberField('4.5'); // 4.5
 * parseNumberField('');    // undefined
 * parseNumberField('NaN'); // undefined
 * ```
 */
export function parseNumberField(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}
