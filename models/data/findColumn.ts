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
  return name.trim().toLowerCase().replace(/[_\-\s]/g, '');
}
