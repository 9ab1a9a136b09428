import { OndeckError } from '../../errors/OndeckError';
import type { LoadOptions } from '../../data/Dataset';
import { findOnlyColumn } from '../../data/findColumn';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { LoadReportBuilder } from '../../data/LoadReportBuilder';
import { maturityAgeOf } from '../../data/maturity';
import { parseCsvLine } from '../../data/parseCsvLine';
import { readTextLines } from './readTextLines';
import { refuseDuplicateColumns } from '../../data/refuseDuplicateColumns';

/** Options of {@link loadItemsCsv}. */
export interface LoadItemsCsvOptions extends Pick<LoadOptions, 'strict'> {
  /**
   * Report that collects this file's warnings (the dataset loader passes its own so everything
   * lands in one report). A private one is used when absent.
   */
  readonly report?: LoadReportBuilder;
}

/** Genre value MovieLens uses for "none"; never kept as a genre. */
const NO_GENRES = '(no genres listed)';

/**
 * Reads a generic item catalog: a CSV with header
 * `id,title,genres,maturity_rating,year,available_from,available_until[,tags]` (any order, any
 * case; every column but `id` optional). `genres` and `tags` are `|`-separated; tags are
 * lower-cased and de-duplicated; `maturity_rating` also sets `maturityAge` (see
 * {@link maturityAgeOf}); dates must parse as ISO-8601.
 *
 * A line without an id, with the wrong number of fields or a repeated id is skipped with a
 * warning; an unreadable optional field (a year of `"abc"`, a bad date) is dropped with a warning
 * and the line kept. Under `strict` both throw `malformed-input`. Lines that are not valid UTF-8
 * are read as latin-1 (catalog exports from older tools often are).
 *
 * @returns metadata by id, in file order.
 * @throws OndeckError `file-not-found`; `malformed-input` when the header has no `id` column or
 *   names a column twice.
 *
 * @example
 * ```ts
 * const items = await loadItemsCsv('catalog/items.csv');
 * items.get('tt0111161')?.maturityAge; // e.g. 17 for "R"
 * ```
 */
export async function loadItemsCsv(file: string, options: LoadItemsCsvOptions = {}): Promise<Map<string, ItemMetadata>> {
  const report = options.report ?? new LoadReportBuilder('items-csv', options.strict ?? false);
  report.addFile(file);
  const items = new Map<string, ItemMetadata>();
  let columns: ItemColumns | undefined;
  let headerLength = 0;

  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = parseCsvLine(text);
      if (columns === undefined) {
        columns = itemColumnsOf(fields ?? [], file, lineNumber);
        headerLength = (fields ?? []).length;
        return;
      }
      report.countLine();
      if (fields === null) return report.skip(file, lineNumber, 'unbalanced quotes');
      if (fields.length !== headerLength) {
        return report.skip(file, lineNumber, `expected ${headerLength} fields, found ${fields.length}`);
      }
      const id = fields[columns.id].trim();
      if (id === '') return report.skip(file, lineNumber, 'empty item id');
      if (items.has(id)) return report.skip(file, lineNumber, `item id "${id}" repeated (first definition kept)`);
      items.set(
        id,
        parseItem(id, fields, columns, (reason) => report.warn(file, lineNumber, reason)),
      );
    },
    { encoding: 'utf-8-or-latin1' },
  );
  if (columns === undefined) throw new OndeckError('malformed-input', { file, line: 1, reason: 'no header line (expected at least an "id" column)' });
  return items;
}

/** Column index of each known field; -1 when absent. */
interface ItemColumns {
  readonly id: number;
  readonly title: number;
  readonly genres: number;
  readonly maturityRating: number;
  readonly year: number;
  readonly availableFrom: number;
  readonly availableUntil: number;
  readonly tags: number;
}

function itemColumnsOf(header: readonly string[], file: string, line: number): ItemColumns {
  refuseDuplicateColumns(header, file, line);
  const where = { file, line };
  const id = findOnlyColumn(header, ['id', 'item', 'itemid', 'movieid'], 'id', where);
  if (id === -1) throw new OndeckError('malformed-input', { file, line, reason: 'missing column "id"' });
  return {
    id,
    title: findOnlyColumn(header, ['title', 'name'], 'title', where),
    genres: findOnlyColumn(header, ['genres', 'genre'], 'genres', where),
    maturityRating: findOnlyColumn(header, ['maturityrating', 'maturity', 'contentrating', 'agerating'], 'maturity rating', where),
    year: findOnlyColumn(header, ['year'], 'year', where),
    availableFrom: findOnlyColumn(header, ['availablefrom'], 'available-from', where),
    availableUntil: findOnlyColumn(header, ['availableuntil'], 'available-until', where),
    tags: findOnlyColumn(header, ['tags'], 'tags', where),
  };
}

function parseItem(id: string, fields: readonly string[], columns: ItemColumns, warn: (reason: string) => void): ItemMetadata {
  const field = (index: number): string => (index === -1 ? '' : fields[index].trim());
  const title = columns.title === -1 || fields[columns.title] === '' ? id : fields[columns.title];
  const item: { -readonly [K in keyof ItemMetadata]: ItemMetadata[K] } = { id, title, genres: splitList(field(columns.genres)).filter((genre) => genre !== NO_GENRES) };
  const tags = [...new Set(splitList(field(columns.tags)).map((tag) => tag.toLowerCase()))];
  if (tags.length > 0) item.tags = tags;
  const maturityRating = field(columns.maturityRating);
  if (maturityRating !== '') {
    item.maturityRating = maturityRating;
    const age = maturityAgeOf(maturityRating);
    if (age !== undefined) item.maturityAge = age;
  }
  const yearText = field(columns.year);
  if (yearText !== '') {
    const year = Number(yearText);
    if (Number.isInteger(year)) item.year = year;
    else warn(`year "${yearText}" is not an integer (dropped)`);
  }
  const availableFrom = field(columns.availableFrom);
  if (availableFrom !== '') {
    if (isIsoDate(availableFrom)) item.availableFrom = availableFrom;
    else warn(`available_from "${availableFrom}" is not an ISO-8601 date (dropped)`);
  }
  const availableUntil = field(columns.availableUntil);
  if (availableUntil !== '') {
    if (isIsoDate(availableUntil)) item.availableUntil = availableUntil;
    else warn(`available_until "${availableUntil}" is not an ISO-8601 date (dropped)`);
  }
  return item;
}

function splitList(text: string): string[] {
  if (text === '') return [];
  return text
    .split('|')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text));
}
