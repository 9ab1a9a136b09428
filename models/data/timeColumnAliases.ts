/**
 * Names an event-time column (CSV header) or field (JSON Lines) may have, compared as
 * `findColumn` compares headers; the first one present is used.
 *
 * @example
 * ```ts
 * findOnlyColumn(header, TIME_COLUMN_ALIASES, 'time', { file, line: 1 }); // -1 when the data has no times
 * ```
 */
export const TIME_COLUMN_ALIASES: readonly string[] = ['timestamp', 'time', 'ts'];
