import type { AlsSide } from './AlsSharedState';

/**
 * Runs the two kinds of work an ALS epoch is made of, in-process or on a pool of threads.
 * `trainAls` is written against this and does not care which.
 */
export interface AlsExecutor {
  /** Number of threads doing the work. */
  readonly threads: number;
  /** Computes the Gramian of `side`'s factors into the shared state's `gramian`. */
  gramian(side: AlsSide): Promise<void>;
  /** Solves every row of `side`; resolves to the summed loss share (CG solver). */
  solve(side: AlsSide): Promise<number>;
  /** Releases threads. */
  close(): Promise<void>;
}

/**
 * Splits rows `0..rows` into `parts` contiguous ranges of roughly equal work, where a row costs
 * its entry count plus a fixed overhead (the dims² Gramian product of each CG step).
 */
export function partitionRowsByWork(indptr: Int32Array, parts: number, rowOverhead: number): number[] {
  const rows = indptr.length - 1;
  const total = indptr[rows] + rows * rowOverhead;
  const bounds = [0];
  let row = 0;
  for (let part = 1; part < parts; part++) {
    const goal = (total * part) / parts;
    while (row < rows && indptr[row] + row * rowOverhead < goal) row++;
    bounds.push(row);
  }
  bounds.push(rows);
  return bounds;
}
