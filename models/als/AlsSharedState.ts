import type { AlsHyperparameters } from './AlsHyperparameters';

/** Which side a half-step solves. */
export type AlsSide = 'users' | 'items';

/** Row solver used by the half-steps. */
export type AlsSolver = 'cg' | 'cholesky';

/**
 * Everything a training thread reads or writes, as typed arrays that may sit on
 * SharedArrayBuffers so worker threads update the factor tables in place without copies.
 */
export interface AlsSharedState {
  readonly dims: number;
  readonly userCount: number;
  readonly itemCount: number;
  readonly userIndptr: Int32Array;
  readonly userIndices: Int32Array;
  readonly userWeights: Float32Array;
  readonly itemIndptr: Int32Array;
  readonly itemIndices: Int32Array;
  readonly itemWeights: Float32Array;
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  /** One dims×dims partial Gramian per block of {@link GRAMIAN_BLOCK_ROWS} rows. */
  readonly gramianBlocks: Float64Array;
  /** The summed Gramian of the side not being solved. */
  readonly gramian: Float64Array;
  readonly hyper: AlsHyperparameters;
  readonly solver: AlsSolver;
  readonly cgSteps: number;
}

/**
 * Rows per partial-Gramian block. Fixed, so the Gramian (and so training) is bit-identical
 * whatever the number of threads.
 */
export const GRAMIAN_BLOCK_ROWS = 4096;

/** Allocates a typed array on shared memory when `shared`, plain memory otherwise. */
export function allocate<T extends Float32Array | Float64Array | Int32Array>(
  Kind: { new (buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number },
  length: number,
  shared: boolean,
): T {
  const bytes = length * Kind.BYTES_PER_ELEMENT;
  return new Kind(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}
