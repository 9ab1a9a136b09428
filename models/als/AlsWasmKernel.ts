import type { AlsSharedState, AlsSide, AlsWasmState } from './AlsSharedState';
import { GRAMIAN_BLOCK_ROWS } from './AlsSharedState';

type SolveRowsExport = (
  indptr: number,
  indices: number,
  weights: number,
  regularization: number,
  target: number,
  other: number,
  scaledGramian: number,
  scratch: number,
  dims: number,
  paddedDims: number,
  alpha: number,
  unobservedWeight: number,
  steps: number,
  first: number,
  last: number,
) => number;
type GramianBlockExport = (factors: number, first: number, last: number, dims: number, paddedDims: number, out: number, scratch: number) => void;

/**
 * One thread's instance of the WebAssembly ALS kernel over the shared training memory. Its
 * results do not depend on which thread slot runs a row, so training stays bit-identical
 * whatever the thread count.
 *
 * @example
 * ```ts
 * const kernel = new AlsWasmKernel(state.wasm, 0);
 * const loss = kernel.solveRows(state, 'users', 0, state.userCount);
 * ```
 */
export class AlsWasmKernel {
  private readonly solveRowsExport: SolveRowsExport;
  private readonly gramianBlockExport: GramianBlockExport;
  private readonly scratch: Float64Array;

  /** @param slot which of `wasm.threadScratch` this thread owns. */
  constructor(
    private readonly wasm: AlsWasmState,
    slot: number,
  ) {
    const instance = new WebAssembly.Instance(wasm.module, { env: { memory: wasm.memory } });
    this.solveRowsExport = instance.exports.solveRows as SolveRowsExport;
    this.gramianBlockExport = instance.exports.gramianBlock as GramianBlockExport;
    this.scratch = wasm.threadScratch[slot];
  }

  /** Runs the CG solve of rows `start..end` of `side`; returns their summed loss share. */
  solveRows(state: AlsSharedState, side: AlsSide, start: number, end: number): number {
    const users = side === 'users';
    return this.solveRowsExport(
      (users ? state.userIndptr : state.itemIndptr).byteOffset,
      (users ? state.userIndices : state.itemIndices).byteOffset,
      (users ? state.userWeights : state.itemWeights).byteOffset,
      (users ? this.wasm.userRegularization : this.wasm.itemRegularization).byteOffset,
      (users ? state.userFactors : state.itemFactors).byteOffset,
      (users ? state.itemFactors : state.userFactors).byteOffset,
      this.wasm.scaledGramian.byteOffset,
      this.scratch.byteOffset,
      state.dims,
      this.wasm.paddedDims,
      state.hyper.alpha,
      state.hyper.unobservedWeight,
      state.cgSteps,
      start,
      end,
    );
  }

  /** Computes partial Gramian blocks `firstBlock..lastBlock` of `side`'s factors. */
  gramianBlocks(state: AlsSharedState, side: AlsSide, firstBlock: number, lastBlock: number): void {
    const factors = side === 'users' ? state.userFactors : state.itemFactors;
    const rows = side === 'users' ? state.userCount : state.itemCount;
    const blockBytes = this.wasm.paddedDims * this.wasm.paddedDims * Float64Array.BYTES_PER_ELEMENT;
    // The CG vectors sit at the start of the scratch area; the widened rows go after them.
    const widened = this.scratch.byteOffset + 4 * this.wasm.paddedDims * Float32Array.BYTES_PER_ELEMENT;
    for (let block = firstBlock; block < lastBlock; block++) {
      this.gramianBlockExport(
        factors.byteOffset,
        block * GRAMIAN_BLOCK_ROWS,
        Math.min(rows, (block + 1) * GRAMIAN_BLOCK_ROWS),
        state.dims,
        this.wasm.paddedDims,
        state.gramianBlocks.byteOffset + block * blockBytes,
        widened,
      );
    }
  }
}

/** Floats of scratch one thread slot needs: 4 CG vectors plus 32 rows widened to f64. */
export function wasmScratchDoubles(paddedDims: number): number {
  return 2 * paddedDims + 32 * paddedDims;
}
