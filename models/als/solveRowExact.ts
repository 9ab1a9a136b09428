import { choleskyFactor, choleskySolve } from '../linalg/cholesky';
import { rowRegularization, type RowSolveHyperparameters } from './AlsHyperparameters';
import type { RowScratch } from './RowSystem';
import { OndeckError } from '../errors/OndeckError';

/**
 * Solves one row's ALS normal equations exactly (Cholesky):
 *
 *   (α₀ G + Σ_i (c_i − α₀) y_i y_iᵀ + λ_row I) x = Σ_i c_i y_i,   c_i = 1 + alpha·w_i
 *
 * over the entries `indices[start..end)` / `weights[start..end)`. This is the fold-in the device
 * runs for a viewer and the `cholesky` training solver; one implementation for both.
 *
 * @param out receives x (`dims` values) at `outOffset`.
 * @example
 * ```ts
 * solveRowExact(history.indices, history.weights, 0, history.indices.length,
 *   itemFactors, itemCount, gramian, dims, hyper, createRowScratch(dims), userVector, 0);
 * ```
 */
export function solveRowExact(
  indices: Int32Array,
  weights: Float32Array,
  start: number,
  end: number,
  otherFactors: Float32Array,
  otherCount: number,
  otherGramian: Float64Array,
  dims: number,
  hyper: RowSolveHyperparameters,
  scratch: RowScratch,
  out: Float32Array,
  outOffset: number,
): void {
  const { matrix, vector } = scratch;
  const alpha0 = hyper.unobservedWeight;
  const lambda = rowRegularization(hyper, end - start, otherCount);
  for (let i = 0; i < dims * dims; i++) matrix[i] = alpha0 * otherGramian[i];
  for (let d = 0; d < dims; d++) {
    matrix[d * dims + d] += lambda;
    vector[d] = 0;
  }
  for (let e = start; e < end; e++) {
    const base = indices[e] * dims;
    const confidence = 1 + hyper.alpha * weights[e];
    const extra = confidence - alpha0;
    for (let i = 0; i < dims; i++) {
      const yi = otherFactors[base + i];
      vector[i] += confidence * yi;
      const scaled = extra * yi;
      const row = i * dims;
      // Lower triangle only: the Cholesky factorisation reads no other half.
      for (let j = 0; j <= i; j++) matrix[row + j] += scaled * otherFactors[base + j];
    }
  }
  if (!choleskyFactor(matrix, dims)) {
    // Only reachable with a non-positive λ and a rank-deficient history.
    throw new OndeckError('training-failed', { reason: 'row system is not positive definite; increase regularization' });
  }
  choleskySolve(matrix, dims, vector);
  for (let d = 0; d < dims; d++) out[outOffset + d] = vector[d];
}
