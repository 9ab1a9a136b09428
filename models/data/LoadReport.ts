/** One problem found while reading input, with where it was found. */
export interface LoadWarning {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly reason: string;
}

/**
 * What a loader did: how much it read, kept and skipped, and why. Warnings are capped (the
 * first {@link MAX_STORED_WARNINGS}); `skippedLines` counts them all.
 */
export interface LoadReport {
  /** Format the loader recognised, e.g. `"movielens-csv"`. */
  readonly format: string;
  readonly files: readonly string[];
  readonly linesRead: number;
  /** Lines that could not be parsed (malformed, NaN or negative weight, bad encoding …). */
  readonly skippedLines: number;
  /** Explicit ratings under the positive threshold, dropped by rule, not by error. */
  readonly belowThreshold: number;
  /** Events on a (user, item) pair already seen, summed into it. */
  readonly duplicatesAggregated: number;
  readonly warnings: readonly LoadWarning[];
}

/** Warnings kept verbatim in a report; the rest are only counted. */
export const MAX_STORED_WARNINGS = 50;
