import type { Dataset, LoadOptions } from '../../data/Dataset';
import { assembleDataset } from '../../data/assembleDataset';
import { InteractionBuilder } from '../../data/InteractionBuilder';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { loadItemsCsv } from './loadItemsCsv';
import { LoadReportBuilder } from '../../data/LoadReportBuilder';
import { readTextLines } from './readTextLines';
import { resolveMinRating } from '../../data/resolveMinRating';

/** Options of {@link loadJsonl}. */
export interface JsonlOptions extends LoadOptions {
  /** An `items.csv` catalog (see `loadItemsCsv`) whose items become columns even without events. */
  readonly itemsFile?: string;
}

/**
 * Reads interactions from JSON Lines (`.jsonl` / `.ndjson`): one object per line,
 * `{"user": "...", "item": "...", "weight"?: n, "rating"?: n, "timestamp"?: n | string}`
 * (`user_id`/`userId` and `item_id`/`itemId` are accepted too).
 *
 * - Ids may be strings or numbers and are always kept as strings: `"007"` stays `"007"`. A
 *   numeric id beyond 2^53 has already lost digits in JSON parsing, so it is rejected with a
 *   warning asking for a string.
 * - `rating` (number or numeric string) present → thresholded at `minRating` like MovieLens;
 *   otherwise `weight` (default 1) must be a number > 0.
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
      if (fields.rating !== undefined && fields.rating !== null) {
        const rating = numberOf(fields.rating);
        if (rating === undefined) return report.skip(file, lineNumber, `rating ${JSON.stringify(fields.rating)} is not a number`);
        if (rating >= minRating) builder.add(user, item, 1);
        else report.dropBelowThreshold();
        return;
      }
      let weight = 1;
      if (fields.weight !== undefined && fields.weight !== null) {
        const parsed = numberOf(fields.weight);
        if (parsed === undefined || parsed <= 0) return report.skip(file, lineNumber, `weight ${JSON.stringify(fields.weight)} is not a number > 0`);
        weight = parsed;
      }
      builder.add(user, item, weight);
    },
    { strict: options.strict, onInvalidLine: (line) => report.skipInvalidEncoding(file, line) },
  );
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
