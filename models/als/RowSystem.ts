import type { AlsHyperparameters } from './AlsHyperparameters';

/**
 * One side of the factorisation as a row solver sees it: the sparse rows of the side being
 * solved, and the fixed factors (plus their Gramian) of the other side. The training half-steps
 * and the device fold-in all describe their work with this shape.
 */
export interface RowSystem {
  /** CSR row pointers of the side being solved. */
  readonly indptr: Int32Array;
  /** Column indices (rows of `otherFactors`) of each entry. */
  readonly indices: Int32Array;
  /** Interaction weight w of each entry; confidence is 1 + alpha·w. */
  readonly weights: Float32Array;
  /** Fixed factors of the other side, row-major, `otherCount × dims`. */
  readonly otherFactors: Float32Array;
  /** Number of rows in `otherFactors` (|I| when solving users). */
  readonly otherCount: number;
  /** Gramian of `otherFactors` (dims × dims), not yet scaled by α₀. */
  readonly otherGramian: Float64Array;
  readonly dims: number;
  readonly hyper: AlsHyperparameters;
}

/** Reusable buffers for row solves, so the hot loop allocates nothing. */
export interface RowScratch {
  readonly matrix: Float64Array;
  readonly vector: Float64Array;
  readonly residual: Float64Array;
  readonly direction: Float64Array;
  readonly product: Float64Array;
}

/** Scratch buffers for `dims` latent dimensions. */
export function createRowScratch(dims: number): RowScratch {
  return {
    matrix: new Float64Array(dims * dims),
    vector: new Float64Array(dims),
    residual: new Float64Array(dims),
    direction: new Float64Array(dims),
    product: new Float64Array(dims),
  };
}
