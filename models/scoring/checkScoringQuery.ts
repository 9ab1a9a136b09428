import { OndeckError } from '../errors/OndeckError';
import type { QuantizedFactors } from '../quantize';
import type { BackendName } from './ScoringBackend';

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
export function checkUserVector(userVector: Float32Array, dims: number): void {
  if (userVector.length !== dims) {
    throw new OndeckError('dimension-mismatch', { what: 'user vector', expected: dims, got: userVector.length });
  }
  for (let d = 0; d < dims; d++) {
    if (!Number.isFinite(userVector[d])) {
      throw new OndeckError('invalid-argument', { name: 'userVector', reason: `value ${userVector[d]} at ${d} is not finite` });
    }
  }
}

/**
 * Checks a quantised table before a backend or the ONNX graph builder takes it, so a bad table
 * is refused up front (and a backend's previous one stays in service). Every consumer of a table
 * checks it here, so they all refuse the same tables with the same codes.
 *
 * @param backend The backend about to take the table, named in the message; omitted by code that
 *   is not a backend (`buildScoringGraph`).
 * @throws OndeckError `invalid-argument` (no item or no dimension), `dimension-mismatch` (values
 *   or scales not sized rows × dims and rows).
 * @example
 * ```ts
 * checkQuantizedFactors(model.factors, 'js');
 * ```
 */
export function checkQuantizedFactors(factors: QuantizedFactors, backend?: BackendName): void {
  const { rows, dims, values, scales } = factors;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(dims) || dims < 1) {
    const who = backend === undefined ? 'need' : `${backend} backend needs`;
    throw new OndeckError('invalid-argument', { name: 'factors', reason: `${who} at least one item and one dimension, got ${rows}×${dims}` });
  }
  if (values.length !== rows * dims || scales.length !== rows) {
    throw new OndeckError('dimension-mismatch', {
      what: 'quantised factors',
      expected: `${rows * dims} values and ${rows} scales`,
      got: `${values.length} values and ${scales.length} scales`,
    });
  }
}

/**
 * The error every backend raises when queried with no table in service.
 *
 * @example
 * ```ts
 * if (!this.table) throw notLoadedError('js', this.disposed);
 * ```
 */
export function notLoadedError(backend: BackendName, disposed: boolean): OndeckError {
  return new OndeckError('backend-unavailable', {
    backend,
    reason: disposed ? 'the backend was disposed; call load() again' : 'no model loaded; call load() first',
  });
}
