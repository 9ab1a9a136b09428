import type { AlsHyperparameters } from './AlsHyperparameters';

/** Which side a half-step solves. */
export type AlsSide = 'users' | 'items';

/** Row solver used by the half-steps. */
export type AlsSolver = 'cg' | 'cholesky';

/** Implementation of the hot loops: the WebAssembly SIMD kernel or plain TypeScript. */
export type AlsKernel = 'wasm' | 'js';

/**
 * What the WebAssembly kernel needs beyond the typed arrays: every array of the state (and
 * these) lives in `memory`, and a view's `byteOffset` is its address inside the kernel.
 */
export interface AlsWasmState {
  readonly module: WebAssembly.Module;
  /** Shared memory every thread instantiates `module` against. */
  readonly memory: WebAssembly.Memory;
  /** `dims` rounded up to a multiple of 16: the kernel's vector and Gramian stride. */
  readonly paddedDims: number;
  /** λ of each user row (see `rowRegularization`), precomputed because wasm has no `pow`. */
  readonly userRegularization: Float32Array;
  /** λ of each item row. */
  readonly itemRegularization: Float32Array;
  /** α₀ · Gramian as f32, `paddedDims × paddedDims`, zero-padded: what the CG solve reads. */
  readonly scaledGramian: Float32Array;
  /** One scratch area per thread slot (CG vectors, then the Gramian's widened rows). */
  readonly threadScratch: readonly Float64Array[];
}

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
  /**
   * One partial Gramian per block of {@link GRAMIAN_BLOCK_ROWS} rows: dims × dims, or
   * paddedDims × paddedDims with the wasm kernel (see {@link gramianBlockStride}).
   */
  readonly gramianBlocks: Float64Array;
  /** The summed Gramian of the side not being solved. */
  readonly gramian: Float64Array;
  readonly hyper: AlsHyperparameters;
  readonly solver: AlsSolver;
  readonly cgSteps: number;
  /**
   * Row ranges a half-step is cut into, per side: chunk c is rows `bounds[c]..bounds[c+1]`.
   * Threads take chunks as they go (see {@link AlsSharedState.chunkCursor}), so a thread slowed
   * down by other load on the machine simply takes fewer. {@link SOLVE_CHUNKS} of them whatever
   * the thread count, so the summed loss is bit-identical too.
   */
  readonly solveChunks: { readonly users: Int32Array; readonly items: Int32Array };
  /** Next chunk of the running half-step to hand out (one Int32, taken with `Atomics.add`). */
  readonly chunkCursor: Int32Array;
  /** Loss share of each chunk of the running half-step, summed in chunk order afterwards. */
  readonly chunkLosses: Float64Array;
  /** Present when the WebAssembly kernel runs the CG solves and the Gramian blocks. */
  readonly wasm?: AlsWasmState;
}

/** Chunks per half-step: enough for dynamic balancing over a few threads, few enough to be cheap. */
export const SOLVE_CHUNKS = 256;

/** Row stride of the partial Gramian blocks of `state` (their size is its square). */
export function gramianBlockStride(state: AlsSharedState): number {
  return state.wasm ? state.wasm.paddedDims : state.dims;
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
