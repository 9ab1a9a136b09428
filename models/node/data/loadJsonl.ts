import type { Dataset, LoadOptions } from '../../data/Dataset';
import { assembleDataset } from '../../data/assembleDataset';
import { InteractionBuilder } from '../../data/InteractionBuilder';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { loadItemsCsv } from './loadItemsCsv';
import { LoadReportBuilder } from '../../data/LoadReportBuilder';
import { readTextLines } from './readTextLines';
import { resolveMinRating } from '../../data/resolveMinRating';
import { parseTimestamp } from '../../data/parseTimestamp';
import { TIME_COLUMN_ALIASES } from '../../data/timeColumnAliases';

/** Options of {@link loadJsonl}. */
export interface JsonlOptions extends LoadOptions {
  /** An `items.csv` catalog (see `loadItemsCsv`) whose items become columns even without events. */
  readonly itemsFile?: string;
}

/**
 * Reads interactions from JSON Lines (`.jsonl` / `.ndjson`): one object per line,
 * `{"user": "...", "item": "...", "weight"?: n, "rating"?: n, "timestamp"?: n | string}`
 * (`user_id`/`userId`, `item_id`/`itemId` and `time`/`ts` are accepted too).
 *
 * - Ids may be strings or numbers and are always kept as strings: `"007"` stays `"007"`. A
 *   numeric id beyond 2^53 has already lost digits in JSON parsing, so it is rejected with a
 *   warning asking for a string.
 * - `rating` (number or numeric string) present → thresholded at `minRating` like MovieLens;
 *   otherwise `weight` (default 1) must be a number > 0.
 * - A time (epoch seconds, or an ISO 8601 date string: see `parseTimestamp`) that cannot be
 *   read skips the line with a warning. The matrix carries `times` only when every kept line had
 *   one; when only some did, the times are dropped with a warning (fatal under `strict`).
 * - Blank lines are ignored; a line that is not a JSON object is skipped with a warning naming
 *   file and line, or throws `malformed-input` under `strict`.
 *
 * @throws OndeckError `file-not-found`, `malformed-input` (strict), `empty-data`.
 *
 * @example
 * ```ts
 * // events.jsonl: {"user": "u1", "item": 42, "weight": 3}
 * const { interactions } = await loadJsonl('events.jsonl');
 * interactions.itemIds; // ['42']
 * ```
 */
export async function loadJsonl(file: string, options: JsonlOptions = {}): Promise<Dataset> {
  const minRating = resolveMinRating(options);
  const report = new LoadReportBuilder('jsonl', options.strict ?? false);
  const items: Map<string, ItemMetadata> = options.itemsFile ? await loadItemsCsv(options.itemsFile, { report }) : new Map();
  const builder = new InteractionBuilder(items.keys());
  report.addFile(file);
  // The first kept line with a time and the first without: both set means a partly timed file.
  let firstTimedLine: number | undefined;
  let firstUntimedLine: number | undefined;
  const add = (user: string, item: string, weight: number, time: number | undefined, lineNumber: number): void => {
    if (time === undefined) firstUntimedLine ??= lineNumber;
    else firstTimedLine ??= lineNumber;
    builder.add(user, item, weight, time);
  };

  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      report.countLine();
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        return report.skip(file, lineNumber, `not valid JSON (${(error as Error).message})`);
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        return report.skip(file, lineNumber, 'not a JSON object');
      }
      const fields = record as Record<string, unknown>;
      const user = idOf(fields.user ?? fields.user_id ?? fields.userId);
      if (typeof user !== 'string') return report.skip(file, lineNumber, `user: ${user.problem}`);
      const item = idOf(fields.item ?? fields.item_id ?? fields.itemId);
      if (typeof item !== 'string') return report.skip(file, lineNumber, `item: ${item.problem}`);
      const timeField = TIME_COLUMN_ALIASES.map((name) => fields[name]).find((value) => value !== undefined && value !== null);
      const time = timeField === undefined ? undefined : parseTimestamp(timeField);
      if (timeField !== undefined && time === undefined) {
        return report.skip(file, lineNumber, `time ${JSON.stringify(timeField)} is not a number of epoch seconds or an ISO 8601 date`);
      }
      if (fields.rating !== undefined && fields.rating !== null) {
        const rating = numberOf(fields.rating);
        if (rating === undefined) return report.skip(file, lineNumber, `rating ${JSON.stringify(fields.rating)} is not a number`);
        if (rating >= minRating) add(user, item, 1, time, lineNumber);
        else report.dropBelowThreshold();
        return;
      }
      let weight = 1;
      if (fields.weight !== undefined && fields.weight !== null) {
        const parsed = numberOf(fields.weight);
        if (parsed === undefined || parsed <= 0) return report.skip(file, lineNumber, `weight ${JSON.stringify(fields.weight)} is not a number > 0`);
        weight = parsed;
      }
      add(user, item, weight, time, lineNumber);
    },
    { strict: options.strict, onInvalidLine: (line) => report.skipInvalidEncoding(file, line) },
  );
  if (firstTimedLine !== undefined && firstUntimedLine !== undefined) {
    // Said once, at the later of the two lines: the temporal evaluation would refuse this data
    // set as untimed, and without this warning nothing would say why.
    report.warn(
      file,
      Math.max(firstTimedLine, firstUntimedLine),
      `some lines have a time and others do not (first with: line ${firstTimedLine}, first without: line ${firstUntimedLine}); the times are not used`,
    );
  }
  return assembleDataset({ builder, items, report, path: file });
}

/** The id as a string, or why it cannot be one. */
function idOf(value: unknown): string | { problem: string } {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? { problem: 'empty id' } : trimmed;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: `${value} is not a usable id` };
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return { problem: `numeric id ${value} is beyond 2^53 and lost digits in JSON; write it as a string` };
    }
    return String(value);
  }
  return { problem: value === undefined ? 'missing' : `${JSON.stringify(value)} is not a string or number` };
}

/** A JSON number or numeric string as a finite number. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}
