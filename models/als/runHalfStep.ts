import { addGramian } from '../linalg/gramian';
import type { AlsSharedState, AlsSide } from './AlsSharedState';
import { GRAMIAN_BLOCK_ROWS, gramianBlockStride } from './AlsSharedState';
import type { AlsWasmKernel } from './AlsWasmKernel';
import { createRowScratch, type RowScratch } from './RowSystem';
import { solveRowConjugateGradient } from './solveRowConjugateGradient';
import { solveRowExact } from './solveRowExact';

/**
 * Solves rows `start..end` of one side against the other side's factors and `state.gramian`.
 * Runs unchanged in the main thread or in a training thread. CG solves go to `kernel` when the
 * state was built for the wasm kernel; Cholesky solves always run the shared TypeScript solver.
 *
 * @returns the summed loss share of the solved rows (CG solver), 0 for the exact solver.
 */
export function runHalfStep(state: AlsSharedState, side: AlsSide, start: number, end: number, scratch: RowScratch = createRowScratch(state.dims), kernel?: AlsWasmKernel): number {
  if (kernel && state.solver === 'cg') return kernel.solveRows(state, side, start, end);
  const solvingUsers = side === 'users';
  const indptr = solvingUsers ? state.userIndptr : state.itemIndptr;
  const indices = solvingUsers ? state.userIndices : state.itemIndices;
  const weights = solvingUsers ? state.userWeights : state.itemWeights;
  const target = solvingUsers ? state.userFactors : state.itemFactors;
  const other = solvingUsers ? state.itemFactors : state.userFactors;
  const otherCount = solvingUsers ? state.itemCount : state.userCount;
  const dims = state.dims;
  let loss = 0;
  for (let row = start; row < end; row++) {
    if (state.solver === 'cholesky') {
      solveRowExact(indices, weights, indptr[row], indptr[row + 1], other, otherCount, state.gramian, dims, state.hyper, scratch, target, row * dims);
    } else {
      loss += solveRowConjugateGradient(
        indices,
        weights,
        indptr[row],
        indptr[row + 1],
        other,
        otherCount,
        state.gramian,
        dims,
        state.hyper,
        state.cgSteps,
        scratch,
        target,
        row * dims,
      );
    }
  }
  return loss;
}

/**
 * Solves chunks of the running half-step of `side` until none is left, taking each with
 * `Atomics.add` on `state.chunkCursor` (reset by {@link startSolveChunks}) and recording its loss
 * in `state.chunkLosses`. Every thread of the pool runs this at once on the same state.
 */
export function runSolveChunks(state: AlsSharedState, side: AlsSide, scratch: RowScratch, kernel?: AlsWasmKernel): void {
  const bounds = state.solveChunks[side];
  const chunks = bounds.length - 1;
  for (;;) {
    const chunk = Atomics.add(state.chunkCursor, 0, 1);
    if (chunk >= chunks) return;
    state.chunkLosses[chunk] = runHalfStep(state, side, bounds[chunk], bounds[chunk + 1], scratch, kernel);
  }
}

/** Rewinds the chunk cursor before a half-step. */
export function startSolveChunks(state: AlsSharedState): void {
  Atomics.store(state.chunkCursor, 0, 0);
}

/** The half-step's loss: chunk losses summed in chunk order (the same for any thread count). */
export function sumChunkLosses(state: AlsSharedState, side: AlsSide): number {
  const chunks = state.solveChunks[side].length - 1;
  let loss = 0;
  for (let chunk = 0; chunk < chunks; chunk++) loss += state.chunkLosses[chunk];
  return loss;
}

/** Computes the partial Gramians of blocks `firstBlock..lastBlock` of one side's factors. */
export function runGramianBlocks(state: AlsSharedState, side: AlsSide, firstBlock: number, lastBlock: number, kernel?: AlsWasmKernel): void {
  if (kernel) {
    kernel.gramianBlocks(state, side, firstBlock, lastBlock);
    return;
  }
  const factors = side === 'users' ? state.userFactors : state.itemFactors;
  const rows = side === 'users' ? state.userCount : state.itemCount;
  const size = state.dims * state.dims;
  for (let block = firstBlock; block < lastBlock; block++) {
    const out = state.gramianBlocks.subarray(block * size, (block + 1) * size);
    out.fill(0);
    addGramian(factors, state.dims, block * GRAMIAN_BLOCK_ROWS, Math.min(rows, (block + 1) * GRAMIAN_BLOCK_ROWS), out);
  }
}

/** Number of Gramian blocks for `rows` rows. */
export function gramianBlockCount(rows: number): number {
  return Math.ceil(rows / GRAMIAN_BLOCK_ROWS);
}

/**
 * Sums partial Gramians in block order into `state.gramian` and, for the wasm kernel, into its
 * α₀-scaled, padded f32 copy.
 */
export function sumGramianBlocks(state: AlsSharedState, blocks: number): void {
  const dims = state.dims;
  const stride = gramianBlockStride(state);
  const size = stride * stride;
  state.gramian.fill(0);
  for (let block = 0; block < blocks; block++) {
    const offset = block * size;
    for (let i = 0; i < dims; i++) {
      const from = offset + i * stride;
      const to = i * dims;
      for (let j = 0; j < dims; j++) state.gramian[to + j] += state.gramianBlocks[from + j];
    }
  }
  if (!state.wasm) return;
  const scaled = state.wasm.scaledGramian;
  const alpha0 = state.hyper.unobservedWeight;
  scaled.fill(0);
  for (let i = 0; i < dims; i++) for (let j = 0; j < dims; j++) scaled[i * stride + j] = alpha0 * state.gramian[i * dims + j];
}
