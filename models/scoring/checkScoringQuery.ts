import { OndeckError } from '../errors/OndeckError';

/**
 * Validates one query against the resident table the same way in every backend, so that all of
 * them fail alike, and returns how many distinct items `exclude` removes.
 *
 * @throws OndeckError `dimension-mismatch` (vector length), `invalid-argument` (non-finite vector
 *   value, bad `count`, unsorted or out-of-range `exclude`).
 * @example
 * ```ts
 * const excludedCount = checkScoringQuery(userVector, 20, exclude, { rows: 1000, dims: 64 });
 * ```
 */
export function checkScoringQuery(userVector: Float32Array, count: number, exclude: Int32Array | undefined, table: { readonly rows: number; readonly dims: number }): number {
  checkUserVector(userVector, table.dims);
  if (!Number.isInteger(count) || count < 0) {
    throw new OndeckError('invalid-argument', { name: 'count', reason: `must be a non-negative integer, got ${count}` });
  }
  if (!exclude || exclude.length === 0) return 0;
  let distinct = 0;
  let previous = -1;
  for (let i = 0; i < exclude.length; i++) {
    const index = exclude[i];
    if (index < previous || index >= table.rows || index < 0) {
      throw new OndeckError('invalid-argument', {
        name: 'exclude',
        reason: `must be ascending item indices in [0, ${table.rows}), got ${index} at position ${i}`,
      });
    }
    if (index !== previous) distinct++;
    previous = index;
  }
  return distinct;
}

/**
 * Checks that a viewer's vector fits a table of `dims` dimensions and holds only finite values
 * (a NaN would make every score NaN and the ranking meaningless, differently per backend).
 *
 * @example
 * ```ts
 * checkUserVector(userVector, factors.dims);
 * ```
 */
function checkUserVector(userVector: Float32Array, dims: number): void {
  if (userVector.length !== dims) {
    throw new OndeckError('dimension-mismatch', { what: 'user vector', expected: dims, got: userVector.length });
  }
  for (let d = 0; d < dims; d++) {
    if (!Number.isFinite(userVector[d])) {
      throw new OndeckError('invalid-argument', { name: 'userVector', reason: `value ${userVector[d]} at ${d} is not finite` });
    }
  }
}
