import { OndeckError } from '../errors/OndeckError';
import { MAX_STORED_WARNINGS, type LoadReport, type LoadWarning } from './LoadReport';

/**
 * Collects what a loader does into a {@link LoadReport}: files read, lines read, lines skipped
 * with the reason, ratings under the threshold. In strict mode every problem throws instead of
 * being recorded, so one place decides "skip with a warning" versus "fail".
 *
 * `linesRead` counts data lines of every file read (headers and blank lines excluded), so for an
 * events file `linesRead = events kept + belowThreshold + skippedLines`.
 *
 * @example
 * ```ts
 * const report = new LoadReportBuilder('csv', options.strict ?? false);
 * report.addFile(file);
 * report.countLine();
 * report.skip(file, 7, 'rating "abc" is not a number'); // throws under strict
 * const finished = report.finish(builder.stats.duplicatesAggregated);
 * ```
 */
export class LoadReportBuilder {
  /** Data lines seen so far. */
  linesRead = 0;
  /** Lines skipped so far (malformed, bad weight, bad encoding …). */
  skippedLines = 0;
  /** Explicit ratings dropped for being under the positive threshold. */
  belowThreshold = 0;
  private readonly files: string[] = [];
  private readonly warnings: LoadWarning[] = [];

  /**
   * @param format the format name the finished report carries, e.g. `"movielens-csv"`.
   * @param strict throw on the first problem instead of recording it.
   */
  constructor(
    readonly format: string,
    readonly strict: boolean,
  ) {}

  /** Records that `file` is part of the input. */
  addFile(file: string): void {
    if (!this.files.includes(file)) this.files.push(file);
  }

  /** Counts one data line. */
  countLine(): void {
    this.linesRead++;
  }

  /** Counts one rating under the positive threshold (a rule, not an error: never throws). */
  dropBelowThreshold(): void {
    this.belowThreshold++;
  }

  /**
   * Skips a malformed line: records a warning and counts it, or under strict throws
   * `malformed-input` with `{ file, line, reason }`.
   */
  skip(file: string, line: number, reason: string): void {
    if (this.strict) throw new OndeckError('malformed-input', { file, line, reason });
    this.skippedLines++;
    this.record(file, line, reason);
  }

  /**
   * Skips a line that is not valid UTF-8: records and counts it, or under strict throws
   * `invalid-encoding` with `{ file, line }`.
   */
  skipInvalidEncoding(file: string, line: number): void {
    if (this.strict) throw new OndeckError('invalid-encoding', { file, line });
    this.skippedLines++;
    this.record(file, line, 'not valid UTF-8');
  }

  /**
   * Records a problem that does not cost the line (e.g. an unreadable optional field that is
   * dropped). Under strict it throws `malformed-input` like {@link skip}: strict means no silent
   * repairs.
   */
  warn(file: string, line: number, reason: string): void {
    if (this.strict) throw new OndeckError('malformed-input', { file, line, reason });
    this.record(file, line, reason);
  }

  /** The finished report. */
  finish(duplicatesAggregated: number): LoadReport {
    return {
      format: this.format,
      files: this.files.slice(),
      linesRead: this.linesRead,
      skippedLines: this.skippedLines,
      belowThreshold: this.belowThreshold,
      duplicatesAggregated,
      warnings: this.warnings.slice(),
    };
  }

  private record(file: string, line: number, reason: string): void {
    // Past the cap only the count grows: a 10M-line file full of errors must not hold 10M objects.
    if (this.warnings.length < MAX_STORED_WARNINGS) this.warnings.push({ file, line, reason });
  }
}
