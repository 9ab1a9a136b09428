import type { RowSolveHyperparameters } from '../als/AlsHyperparameters';
import { createRowScratch, type RowScratch } from '../als/RowSystem';
import { solveRowExact } from '../als/solveRowExact';
import type { QuantizedFactors } from '../quantize';
import type { UserHistory } from './ScoringModel';
import { OndeckError } from '../errors/OndeckError';

/**
 * Read access to item factors for fold-in: the Gramian of the whole table plus a way to fetch
 * single rows. Fold-in touches only the rows of the viewer's history, so the device never needs
 * a dequantised copy of the whole table.
 */
export interface FoldInFactors {
  readonly dims: number;
  readonly itemCount: number;
  /** Gramian (dims × dims, row-major) of the factors exactly as `copyRow` returns them. */
  readonly gramian: Float64Array;
  /** Writes row `item` as float32 into `out` at `offset`. */
  copyRow(item: number, out: Float32Array, offset: number): void;
}

/** {@link FoldInFactors} over an int8 table (rows dequantised on demand: byte × scale). */
export function quantizedFoldInFactors(factors: QuantizedFactors, gramian: Float64Array): FoldInFactors {
  const { dims, rows, values, scales } = factors;
  checkGramian(gramian, dims);
  return {
    dims,
    itemCount: rows,
    gramian,
    copyRow(item, out, offset) {
      const scale = scales[item];
      const base = item * dims;
      for (let d = 0; d < dims; d++) out[offset + d] = values[base + d] * scale;
    },
  };
}

/** {@link FoldInFactors} over a float32 table (the cloud-side "float" path). */
export function floatFoldInFactors(itemFactors: Float32Array, itemCount: number, dims: number, gramian: Float64Array): FoldInFactors {
  checkGramian(gramian, dims);
  return {
    dims,
    itemCount,
    gramian,
    copyRow(item, out, offset) {
      out.set(itemFactors.subarray(item * dims, (item + 1) * dims), offset);
    },
  };
}

/**
 * Reusable buffers for {@link foldInUser}; one per thread of work, sized for `maxHistory` items.
 */
export class FoldInWorkspace {
  readonly scratch: RowScratch;
  private rows: Float32Array;
  private localIndices: Int32Array;

  constructor(
    readonly dims: number,
    maxHistory = 256,
  ) {
    this.scratch = createRowScratch(dims);
    this.rows = new Float32Array(maxHistory * dims);
    this.localIndices = identityIndices(maxHistory);
  }

  /** Buffers for a history of `length` items (grown on demand). */
  buffers(length: number): { rows: Float32Array; localIndices: Int32Array } {
    if (this.localIndices.length < length) {
      this.rows = new Float32Array(length * 2 * this.dims);
      this.localIndices = identityIndices(length * 2);
    }
    return { rows: this.rows, localIndices: this.localIndices };
  }
}

/**
 * Solves a viewer's latent vector from their history against fixed item factors: exactly the
 * user half-step of training (same objective, same hyperparameters, Cholesky solve), so a
 * viewer folded in on the TV gets the vector training would have given them.
 *
 * Cost: O(h·dims² + dims³) for a history of h items (≈0.1–0.3 ms at dims 64).
 *
 * @param out receives the vector; a new Float32Array when omitted.
 * @example
 * ```ts
 * const factors = quantizedFoldInFactors(model.factors, model.gramian);
 * const userVector = foldInUser(factors, model.foldIn, { indices, weights });
 * ```
 */
export function foldInUser(
  factors: FoldInFactors,
  hyper: RowSolveHyperparameters,
  history: UserHistory,
  out: Float32Array = new Float32Array(factors.dims),
  workspace: FoldInWorkspace = new FoldInWorkspace(factors.dims, history.indices.length),
): Float32Array {
  const length = history.indices.length;
  if (history.weights.length !== length) {
    throw new OndeckError('invalid-argument', { name: 'history', reason: `${length} items but ${history.weights.length} weights` });
  }
  if (length === 0) {
    // No history: the solution of the system is the zero vector (every score 0).
    out.fill(0);
    return out;
  }
  const { rows, localIndices } = workspace.buffers(length);
  for (let i = 0; i < length; i++) {
    const item = history.indices[i];
    if (!(item >= 0 && item < factors.itemCount)) {
      throw new OndeckError('invalid-argument', { name: 'history', reason: `item index ${item} outside 0..${factors.itemCount - 1}` });
    }
    factors.copyRow(item, rows, i * factors.dims);
  }
  // The system's λ depends on the true catalog size, not on the gathered rows: pass itemCount.
  solveRowExact(localIndices, history.weights, 0, length, rows, factors.itemCount, factors.gramian, factors.dims, hyper, workspace.scratch, out, 0);
  return out;
}

/** [0, 1, …, length − 1]: the gathered history rows are addressed by position. */
function identityIndices(length: number): Int32Array {
  const indices = new Int32Array(length);
  for (let i = 0; i < length; i++) indices[i] = i;
  return indices;
}

function checkGramian(gramian: Float64Array, dims: number): void {
  if (gramian.length !== dims * dims) {
    throw new OndeckError('dimension-mismatch', { what: 'Gramian', expected: dims * dims, got: gramian.length });
  }
}
