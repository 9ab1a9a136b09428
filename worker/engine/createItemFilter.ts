import type { CatalogColumns } from '../../models/artifact/CatalogColumns';
import type { RecommendFilter } from '../../models/contract/types';

/** True when item `index` may be shown. */
export type ItemPredicate = (index: number) => boolean;

/**
 * The predicate {@link createItemFilter} returns when nothing is filtered (no maturity limit, no
 * genres, no availability dates in the catalog): callers can compare against it to skip the
 * filtering, e.g. fetch exactly `count` results instead of a margin for rejected ones.
 */
export const allowEveryItem: ItemPredicate = () => true;

/**
 * Compiles a {@link RecommendFilter} (plus a profile's maturity limit) into a predicate over
 * catalog rows. Genre names are resolved to indices once, dates parsed once per call, so the
 * predicate itself is a few array reads.
 *
 * - maturity: titles whose minimum age exceeds the limit are out; with a limit set, titles of
 *   unknown age are out too (a kids profile must not see unrated content).
 * - genres: at least one of `genres`, none of `excludeGenres`.
 * - availability: `availableFrom ≤ availableAt ≤ availableUntil` when those are set.
 *
 * @example
 * ```ts
 * const allowed = createItemFilter(catalog, { genres: ['Comedy'] }, profile.maturityLimit, Date.now());
 * ```
 */
export function createItemFilter(catalog: CatalogColumns, filter: RecommendFilter = {}, profileMaturityLimit?: number, now = Date.now()): ItemPredicate {
  const limits = [filter.maxMaturityAge, profileMaturityLimit].filter((value): value is number => typeof value === 'number');
  const maturityLimit = limits.length > 0 ? Math.min(...limits) : undefined;
  let genreIndex: Map<string, number> | undefined;
  const toIndices = (names?: readonly string[]): Set<number> | undefined => {
    if (!names || names.length === 0) return undefined;
    genreIndex ??= new Map(catalog.genreNames.map((name, index) => [name.toLowerCase(), index]));
    return new Set(names.map((name) => genreIndex!.get(name.toLowerCase()) ?? -1));
  };
  const include = toIndices(filter.genres);
  const exclude = toIndices(filter.excludeGenres);
  const at = filter.availableAt ?? now;
  const fromTimes = parseDates(catalog.availableFrom);
  const untilTimes = parseDates(catalog.availableUntil);
  if (maturityLimit === undefined && !include && !exclude && !fromTimes && !untilTimes) return allowEveryItem;

  return (index) => {
    if (maturityLimit !== undefined) {
      const age = catalog.maturityAges[index];
      if (age === null || age === undefined || age > maturityLimit) return false;
    }
    if (include || exclude) {
      const genres = catalog.genres[index];
      if (include && !genres.some((g) => include.has(g))) return false;
      if (exclude && genres.some((g) => exclude.has(g))) return false;
    }
    if (fromTimes && fromTimes[index] > at) return false;
    if (untilTimes && untilTimes[index] < at) return false;
    return true;
  };
}

/**
 * ms timestamps of a date column, or undefined when no row has a date. A missing or unparsable
 * date is NaN, which compares false both ways, so a missing bound never excludes a title.
 */
const parsedColumns = new WeakMap<readonly (string | null)[], Float64Array | undefined>();
function parseDates(column: readonly (string | null)[]): Float64Array | undefined {
  if (parsedColumns.has(column)) return parsedColumns.get(column);
  let any = false;
  const times = new Float64Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const text = column[i];
    times[i] = text ? Date.parse(text) : Number.NaN;
    if (!Number.isNaN(times[i])) any = true;
  }
  const result = any ? times : undefined;
  parsedColumns.set(column, result);
  return result;
}
