import type { HistoryEntry } from '../../models/contract/types';
import { isTrackEventType } from '../trackEventTypes';

/** What {@link validateStoredHistory} kept and what it skipped. */
export interface ValidatedHistory {
  /** The valid records, in stored order, holding only the fields of a {@link HistoryEntry}. */
  readonly entries: HistoryEntry[];
  /** Records that are not a valid history entry, left out. */
  readonly invalid: number;
  /** Why the first invalid record was left out (for the error a caller reports). */
  readonly firstProblem?: string;
}

/**
 * Sorts history records read back from storage into valid entries and invalid ones. A stored
 * record is only as good as the disk, the browser's IndexedDB and every ondeck version that wrote
 * it: one with a `time` of NaN, a `progress` of "half" or null fields would poison every fold-in
 * of its profile (each `recommend` or `rows` failing, on every start), so such records are
 * skipped and counted instead, and the rest of the history keeps working.
 *
 * @example
 * ```ts
 * const { entries, invalid } = validateStoredHistory(await storage.loadHistory(profileId));
 * if (invalid > 0) console.warn(`${invalid} history records skipped`);
 * ```
 */
export function validateStoredHistory(records: readonly unknown[]): ValidatedHistory {
  const entries: HistoryEntry[] = [];
  let invalid = 0;
  let firstProblem: string | undefined;
  for (const record of records) {
    const problem = historyRecordProblem(record);
    if (problem === undefined) {
      entries.push(toEntry(record as HistoryEntry));
      continue;
    }
    invalid++;
    firstProblem ??= problem;
  }
  return firstProblem === undefined ? { entries, invalid } : { entries, invalid, firstProblem };
}

/**
 * Why `record` is not a valid history entry, or undefined when it is one: a non-empty `itemId`,
 * a known `type`, a finite `time` and, if present, a `progress` in 0..1. These are the fields
 * the fold-in reads; `track()` never stores anything else.
 *
 * @example
 * ```ts
 * historyRecordProblem({ itemId: 'a', type: 'play', time: Number.NaN }); // 'time is NaN, not a finite number'
 * ```
 */
export function historyRecordProblem(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object') return `the record is ${describe(record)}, not an object`;
  const { itemId, type, time, progress } = record as Record<string, unknown>;
  if (typeof itemId !== 'string' || itemId === '') return `itemId is ${describe(itemId)}, not a non-empty string`;
  if (!isTrackEventType(type)) return `type is ${describe(type)}, not an event type`;
  if (typeof time !== 'number' || !Number.isFinite(time)) return `time is ${describe(time)}, not a finite number`;
  if (progress !== undefined && !(typeof progress === 'number' && progress >= 0 && progress <= 1)) return `progress is ${describe(progress)}, not a number in 0..1`;
  return undefined;
}

/** A fresh entry with only the known fields (a stored record may carry others, e.g. its profile id). */
function toEntry(record: HistoryEntry): HistoryEntry {
  return { itemId: record.itemId, type: record.type, time: record.time, ...(record.progress !== undefined ? { progress: record.progress } : {}) };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    // No primitive form ({ toString: 1 }, a null-prototype object): found by fuzzing (issue 12).
    return Object.prototype.toString.call(value);
  }
}
