import { OndeckError } from '../../errors/OndeckError';
import type { Dataset, LoadOptions } from '../../data/Dataset';
import { assembleDataset } from '../../data/assembleDataset';
import { findOnlyColumn } from '../../data/findColumn';
import { InteractionBuilder } from '../../data/InteractionBuilder';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { loadItemsCsv } from './loadItemsCsv';
import { LoadReportBuilder } from '../../data/LoadReportBuilder';
import { parseCsvLine } from '../../data/parseCsvLine';
import { parseNumberField } from '../../data/parseNumberField';
import { parseTimestamp } from '../../data/parseTimestamp';
import { TIME_COLUMN_ALIASES } from '../../data/timeColumnAliases';
import { readTextLines } from './readTextLines';
import { refuseDuplicateColumns } from '../../data/refuseDuplicateColumns';
import { resolveMinRating } from '../../data/resolveMinRating';

/** Options of {@link loadGenericCsv}. */
export interface GenericCsvOptions extends LoadOptions {
  /** An `items.csv` catalog (see `loadItemsCsv`) whose items become columns even without events. */
  readonly itemsFile?: string;
}

/** Header names accepted for each column (compared ignoring case, `_` and `-`). */
const USER_ALIASES = ['user', 'userid'];
const ITEM_ALIASES = ['item', 'itemid'];

/**
 * Reads interactions from a CSV whose header names its columns: `user` and `item` (also
 * `user_id`/`userId`, `item_id`/`itemId`, any case) required; `rating`, `weight` and a time
 * (`timestamp`, `time` or `ts`) optional. A tab-separated file (header holding tabs and no commas)
 * is read the same way.
 *
 * - With a `rating` column, a rating ≥ `minRating` is a positive of weight 1 and a lower one is
 *   dropped (counted in `belowThreshold`); `weight` is then ignored.
 * - Otherwise the weight is the `weight` column (an empty cell means 1) or 1 per line; a weight
 *   that is not a number > 0 skips the line with a warning.
 * - Ids are kept as strings exactly as written (`"007"` stays `"007"`), minus surrounding spaces.
 * - Repeated (user, item) pairs are summed.
 * - With a time column, each line's time (epoch seconds, or an ISO 8601 date: see
 *   `parseTimestamp`) must be readable, else the line is skipped with a warning; the matrix then
 *   carries `times`, the latest time of each (user, item) entry.
 *
 * @throws OndeckError `file-not-found`; `malformed-input` naming the file and the missing
 *   column when `user` or `item` is absent or the header names a column twice (or, under
 *   `strict`, on the first bad line);
 *   `empty-data` when no event is usable.
 *
 * @example
 * ```ts
 * // events.csv:  user_id,item_id,weight
 * //              alice,tt0111161,3
 * const { interactions, report } = await loadGenericCsv('events.csv', { itemsFile: 'items.csv' });
 * ```
 */
export async function loadGenericCsv(file: string, options: GenericCsvOptions = {}): Promise<Dataset> {
  const minRating = resolveMinRating(options);
  const report = new LoadReportBuilder('csv', options.strict ?? false);
  const items: Map<string, ItemMetadata> = options.itemsFile ? await loadItemsCsv(options.itemsFile, { report }) : new Map();
  const builder = new InteractionBuilder(items.keys());
  report.addFile(file);

  let columns: EventColumns | undefined;
  let separator = ',';
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      if (columns === undefined) {
        separator = text.includes(',') || !text.includes('\t') ? ',' : '\t';
        columns = eventColumnsOf(parseCsvLine(text, separator) ?? [], file, lineNumber);
        return;
      }
      report.countLine();
      const fields = parseCsvLine(text, separator);
      if (fields === null) return report.skip(file, lineNumber, 'unbalanced quotes');
      if (fields.length !== columns.count) {
        return report.skip(file, lineNumber, `expected ${columns.count} fields, found ${fields.length}`);
      }
      const user = fields[columns.user].trim();
      const item = fields[columns.item].trim();
      if (user === '' || item === '') return report.skip(file, lineNumber, user === '' ? 'empty user id' : 'empty item id');
      let time: number | undefined;
      if (columns.time !== -1) {
        time = parseTimestamp(fields[columns.time]);
        if (time === undefined) return report.skip(file, lineNumber, `time "${fields[columns.time]}" is not a number of epoch seconds or an ISO 8601 date`);
      }
      if (columns.rating !== -1) {
        const rating = parseNumberField(fields[columns.rating]);
        if (rating === undefined) return report.skip(file, lineNumber, `rating "${fields[columns.rating]}" is not a number`);
        if (rating >= minRating) builder.add(user, item, 1, time);
        else report.dropBelowThreshold();
        return;
      }
      let weight = 1;
      if (columns.weight !== -1 && fields[columns.weight].trim() !== '') {
        const parsed = parseNumberField(fields[columns.weight]);
        if (parsed === undefined || parsed <= 0) {
          return report.skip(file, lineNumber, `weight "${fields[columns.weight]}" is not a number > 0`);
        }
        weight = parsed;
      }
      builder.add(user, item, weight, time);
    },
    { strict: options.strict, onInvalidLine: (line) => report.skipInvalidEncoding(file, line) },
  );
  if (columns === undefined) throw new OndeckError('empty-data', { path: file, reason: 'the file has no header line' });
  return assembleDataset({ builder, items, report, path: file });
}

/** Column index of each field; -1 when absent. */
interface EventColumns {
  readonly count: number;
  readonly user: number;
  readonly item: number;
  readonly rating: number;
  readonly weight: number;
  readonly time: number;
}

function eventColumnsOf(header: readonly string[], file: string, line: number): EventColumns {
  refuseDuplicateColumns(header, file, line);
  const where = { file, line };
  const user = findOnlyColumn(header, USER_ALIASES, 'user', where);
  const item = findOnlyColumn(header, ITEM_ALIASES, 'item', where);
  for (const [column, index] of [
    ['user', user],
    ['item', item],
  ] as const) {
    if (index === -1) {
      throw new OndeckError('malformed-input', {
        file,
        line,
        column,
        reason: `missing column "${column}" (header: ${header.join(',')}; expected user,item[,weight|rating][,timestamp])`,
      });
    }
  }
  return {
    count: header.length,
    user,
    item,
    rating: findOnlyColumn(header, ['rating'], 'rating', where),
    weight: findOnlyColumn(header, ['weight'], 'weight', where),
    time: findOnlyColumn(header, TIME_COLUMN_ALIASES, 'time', where),
  };
}
