/**
 * The few statistics every benchmark reports, in one place so that "median" and "p99" mean the
 * same thing in every table.
 */

/** The median; the mean of the two middle values for an even count. `NaN` for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Nearest-rank percentile: the smallest sample at or above `fraction` of them (0.99 of 500
 * samples is the 495th smallest). It is always a measured value, never an interpolation.
 * `NaN` for none.
 */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** `value` with `digits` decimals, as a number (for tables and JSON). */
export function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}
