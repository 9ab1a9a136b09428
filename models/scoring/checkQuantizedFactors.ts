import { OndeckError } from '../errors/OndeckError';
import type { QuantizedFactors } from '../quantize';
import type { BackendName } from './ScoringBackend';

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
