import { OndeckError } from '../errors/OndeckError';

/**
 * Index of the first header column whose name matches one of `aliases`, ignoring case,
 * surrounding spaces, `_` and `-` (so `user`, `User_ID`, `userId` and `user-id` match the aliases
 * `['user', 'userid']`), or -1.
 *
 * @example
 * ```ts
 * findColumn(['userId', 'movieId', 'rating'], ['item', 'itemid', 'movieid']); // 1
 * ```
 */
export function findColumn(header: readonly string[], aliases: readonly string[]): number {
  const normalisedAliases = aliases.map(normaliseColumnName);
  for (let i = 0; i < header.length; i++) {
    if (normalisedAliases.includes(normaliseColumnName(header[i]))) return i;
  }
  return -1;
}

/** `" User_ID "` → `"userid"`: the form {@link findColumn} compares. */
export function normaliseColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[_\-\s]/g, '');
}

/** Where a header was read, for {@link findOnlyColumn}'s error. */
export interface HeaderLocation {
  readonly file: string;
  readonly line: number;
}

/**
 * {@link findColumn}, refusing a header in which two columns match the aliases: with
 * `user,userid,item` nobody can tell which of the two user columns was meant, and picking the
 * first would silently ignore the other one's data.
 *
 * @param role What the column holds, for the message (e.g. `user`).
 * @throws OndeckError `malformed-input` with `{ file, line, column }` naming both columns.
 * @example
 * ```ts
 * findOnlyColumn(['userId', 'movieId', 'rating'], ['user', 'userid'], 'user', { file: 'ratings.csv', line: 1 }); // 0
 * findOnlyColumn(['user', 'userid', 'item'], ['user', 'userid'], 'user', { file: 'events.csv', line: 1 }); // throws
 * ```
 */
export function findOnlyColumn(header: readonly string[], aliases: readonly string[], role: string, where: HeaderLocation): number {
  const first = findColumn(header, aliases);
  if (first === -1) return -1;
  const second = findColumn(header.slice(first + 1), aliases);
  if (second !== -1) {
    const other = header[first + 1 + second].trim();
    throw new OndeckError('malformed-input', {
      file: where.file,
      line: where.line,
      column: other,
      reason: `columns "${header[first].trim()}" and "${other}" both name the ${role} column (header: ${header.join(',')}); keep one`,
    });
  }
  return first;
}
