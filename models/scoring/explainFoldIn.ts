import type { RowSolveHyperparameters } from '../als/AlsHyperparameters';
import { choleskySolve } from '../linalg/cholesky';
import type { FoldInFactors, FoldInWorkspace } from './foldIn';
import type { UserHistory } from './ScoringModel';

/**
 * For each item of `items`, the position in `history` of the title that contributed most to its
 * score. The folded-in vector is x = A⁻¹ Σ_h c_h y_h, so an item's score y_iᵀx splits exactly
 * into per-title parts c_h · (A⁻¹ y_i)ᵀ y_h: one triangular solve per explained item, reusing the
 * Cholesky factor the fold-in left in `workspace`.
 *
 * Must be called right after {@link foldInUser} with the same workspace, factors and history.
 *
 * @returns positions into `history.indices` (−1 when the history is empty).
 * @example
 * ```ts
 * foldInUser(factors, hyper, history, vector, workspace);
 * const because = explainFoldIn(factors, hyper, history, recommended, workspace);
 * ```
 */
export function explainFoldIn(factors: FoldInFactors, hyper: RowSolveHyperparameters, history: UserHistory, items: ArrayLike<number>, workspace: FoldInWorkspace): Int32Array {
  const dims = factors.dims;
  const length = history.indices.length;
  const result = new Int32Array(items.length).fill(-1);
  if (length === 0) return result;
  const { rows } = workspace.buffers(length);
  const factor = workspace.scratch.matrix;
  const solved = new Float64Array(dims);
  const itemRow = new Float32Array(dims);
  for (let k = 0; k < items.length; k++) {
    factors.copyRow(items[k], itemRow, 0);
    for (let d = 0; d < dims; d++) solved[d] = itemRow[d];
    choleskySolve(factor, dims, solved);
    let best = -Infinity;
    for (let h = 0; h < length; h++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += solved[d] * rows[h * dims + d];
      const contribution = (1 + hyper.alpha * history.weights[h]) * dot;
      if (contribution > best) {
        best = contribution;
        result[k] = h;
      }
    }
  }
  return result;
}
