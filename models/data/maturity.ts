/**
 * Minimum viewer age a maturity label implies, for kids-profile filtering.
 *
 * Chosen mapping (documented because systems disagree; the US rules state no age for PG):
 * - MPAA film ratings: `G` 0, `PG` 8, `PG-13` 13, `R` 17, `NC-17` 18.
 * - US TV Parental Guidelines: `TV-Y` 0, `TV-Y7` (and `TV-Y7-FV`) 7, `TV-G` 0, `TV-PG` 8,
 *   `TV-14` 14, `TV-MA` 17.
 * - Plain ages, with an optional `+` and an optional board prefix: `"12"`, `"16+"`, `"FSK 16"`,
 *   `"PEGI 18"`, `"USK 12"`, UK `"12A"` → 12. `U` / `All` / `All ages` → 0.
 * - Anything else (`"NR"`, `"Unrated"`, unknown boards) → `undefined`: the caller decides how
 *   to treat an unrated title (a kids profile should hide it).
 *
 * Matching ignores case, surrounding spaces and `_`/space versus `-` (`"tv_ma"`, `"TV MA"`).
 *
 * @example
 * ```ts
 * maturityAgeOf('PG-13');  // 13
 * maturityAgeOf('TV-Y7');  // 7
 * maturityAgeOf('FSK 16'); // 16
 * maturityAgeOf('NR');     // undefined
 * ```
 */
export function maturityAgeOf(label: string): number | undefined {
  const normalised = label
    .trim()
    .toUpperCase()
    .replace(/[_\s]+/g, '-');
  if (normalised === '') return undefined;
  const named = NAMED_RATINGS.get(normalised);
  if (named !== undefined) return named;
  // An age, optionally after a board name ("FSK-16" once normalised) and before "+" or UK's "A".
  const match = /^(?:[A-Z]{1,6}-?)?(\d{1,2})(?:\+|A)?$/.exec(normalised);
  if (match) {
    const age = Number(match[1]);
    return age <= 21 ? age : undefined;
  }
  return undefined;
}

const NAMED_RATINGS: ReadonlyMap<string, number> = new Map([
  ['G', 0],
  ['PG', 8],
  ['PG-13', 13],
  ['R', 17],
  ['NC-17', 18],
  ['TV-Y', 0],
  ['TV-Y7', 7],
  ['TV-Y7-FV', 7],
  ['TV-G', 0],
  ['TV-PG', 8],
  ['TV-14', 14],
  ['TV-MA', 17],
  ['U', 0],
  ['ALL', 0],
  ['ALL-AGES', 0],
]);
