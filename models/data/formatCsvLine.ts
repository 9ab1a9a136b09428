import { OndeckError } from '../errors/OndeckError';

/**
 * Formats fields as one CSV line (no terminator) that {@link parseCsvLine} reads back to the same
 * fields: a field holding a comma, a quote or leading/trailing spaces is quoted, quotes doubled.
 *
 * @throws OndeckError `invalid-argument` for a field holding a line break: ondeck's readers are
 *   line-based and could not read it back.
 *
 * @example
 * ```ts
 * formatCsvLine(['1', 'American President, The (1995)', 'Comedy|Drama']);
 * // '1,"American President, The (1995)",Comedy|Drama'
 * ```
 */
export function formatCsvLine(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += ',';
    line += formatCsvField(fields[i]);
  }
  return line;
}

/** One field of {@link formatCsvLine}. */
export function formatCsvField(value: string): string {
  if (/[\r\n]/.test(value)) {
    throw new OndeckError('invalid-argument', { name: 'CSV field', value, reason: `a line break cannot be written into a line-based CSV field: ${JSON.stringify(value)}` });
  }
  if (value.includes(',') || value.includes('"') || value !== value.trim()) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}
