import { OndeckError } from '../errors/OndeckError';
import { normaliseColumnName } from './findColumn';

/**
 * Throws when a CSV header names a column twice (compared the way {@link findColumn} compares,
 * so `user,User_ID,userid` repeats `userid`). Without this, `findColumn` silently picks the first
 * of the two and the other column's data is ignored: with `user,user,item,item` nobody can tell
 * which pair was meant. Empty names (trailing commas of spreadsheet exports) are not columns and
 * may repeat.
 *
 * @throws OndeckError `malformed-input` with `{ file, line, column }` naming the repeated column.
 * @example
 * ```ts
 * refuseDuplicateColumns(['user', 'item', 'User'], 'events.csv', 1); // throws: "user" twice
 * ```
 */
export function refuseDuplicateColumns(header: readonly string[], file: string, line: number): void {
  const seen = new Map<string, string>();
  for (const name of header) {
    const normalised = normaliseColumnName(name);
    if (normalised === '') continue;
    const first = seen.get(normalised);
    if (first !== undefined) {
      const both = first.trim() === name.trim() ? `"${name.trim()}"` : `"${first.trim()}" and "${name.trim()}"`;
      throw new OndeckError('malformed-input', { file, line, column: name.trim(), reason: `the header names column ${both} twice (header: ${header.join(',')})` });
    }
    seen.set(normalised, name);
  }
}
