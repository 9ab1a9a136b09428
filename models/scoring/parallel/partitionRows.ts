/** Rows `[start, end)` of the item table. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Splits `rows` into `parts` contiguous ranges of nearly equal size, each but the last a
 * multiple of 4 rows long (the screening kernel's block), none empty unless `rows < parts`
 * leaves nothing for it (then fewer ranges come back).
 *
 * @example
 * ```ts
 * partitionRows(10, 2); // [{ start: 0, end: 4 }, { start: 4, end: 10 }]
 * ```
 */
export function partitionRows(rows: number, parts: number): RowRange[] {
  const ranges: RowRange[] = [];
  let start = 0;
  for (let part = 0; part < parts && start < rows; part++) {
    const left = parts - part;
    const end = left === 1 ? rows : Math.min(rows, start + Math.max(4, Math.round((rows - start) / left / 4) * 4));
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

/**
 * The ascending exclusion list `exclude` cut along `ranges`, each piece made local to its range
 * (`index − start`).
 *
 * @example
 * ```ts
 * splitExclusions(Int32Array.of(1, 5, 9), [{ start: 0, end: 4 }, { start: 4, end: 10 }]); // [[1], [1, 5]]
 * ```
 */
export function splitExclusions(exclude: Int32Array | undefined, ranges: readonly RowRange[]): Int32Array[] {
  const pieces: Int32Array[] = [];
  let at = 0;
  for (const { start, end } of ranges) {
    const first = at;
    while (exclude && at < exclude.length && exclude[at] < end) at++;
    const piece = new Int32Array(at - first);
    for (let i = first; i < at; i++) piece[i - first] = exclude![i] - start;
    pieces.push(piece);
  }
  return pieces;
}
