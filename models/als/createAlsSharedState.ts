import type { InteractionMatrix } from '../data/InteractionMatrix';
import { rowRegularization, type AlsHyperparameters } from './AlsHyperparameters';
import { partitionRowsByWork } from './AlsExecutor';
import { allocate, GRAMIAN_BLOCK_ROWS, SOLVE_CHUNKS, type AlsSharedState, type AlsSolver } from './AlsSharedState';
import { wasmScratchDoubles } from './AlsWasmKernel';
import { MAX_WASM_PAGES, WasmArena } from './WasmArena';

/** What {@link createAlsSharedState} needs besides the data. */
export interface AlsStateOptions {
  readonly hyper: AlsHyperparameters;
  readonly solver: AlsSolver;
  readonly cgSteps: number;
  /** Threads that will share the state (one scratch slot each). */
  readonly threads: number;
  /** The compiled wasm kernel, or undefined for the TypeScript kernel. */
  readonly wasmModule?: WebAssembly.Module;
}

/**
 * Lays out everything training reads and writes: for the wasm kernel, inside one shared
 * `WebAssembly.Memory` (so each thread's kernel instance addresses the same tables); otherwise
 * as typed arrays, on SharedArrayBuffers when more than one thread will use them. Factor tables
 * start zeroed; the caller initialises the item side.
 *
 * @param transposed `transposeMatrix(matrix)`, the item-major view.
 * @example
 * ```ts
 * const state = createAlsSharedState(matrix, transposeMatrix(matrix), { hyper, solver: 'cg', cgSteps: 3, threads: 2, wasmModule });
 * ```
 */
export function createAlsSharedState(matrix: InteractionMatrix, transposed: InteractionMatrix, options: AlsStateOptions): AlsSharedState {
  const dims = options.hyper.factors;
  const userCount = matrix.indptr.length - 1;
  const itemCount = matrix.itemIds.length;
  const blocks = Math.ceil(Math.max(userCount, itemCount) / GRAMIAN_BLOCK_ROWS);
  const shared = options.threads > 1;
  // A row costs its entries plus the dims² Gramian products of its CG steps, in entry units.
  const rowOverhead = Math.max(1, dims >> 2);
  const common = {
    dims,
    userCount,
    itemCount,
    hyper: options.hyper,
    solver: options.solver,
    cgSteps: options.cgSteps,
    solveChunks: {
      users: Int32Array.from(partitionRowsByWork(matrix.indptr, SOLVE_CHUNKS, rowOverhead)),
      items: Int32Array.from(partitionRowsByWork(transposed.indptr, SOLVE_CHUNKS, rowOverhead)),
    },
    chunkCursor: allocate(Int32Array, 1, shared),
    chunkLosses: allocate(Float64Array, SOLVE_CHUNKS, shared),
  };
  if (options.wasmModule) return createWasmState(matrix, transposed, options, options.wasmModule, common, blocks);

  const copy = <T extends Int32Array | Float32Array>(source: T, Kind: { new (b: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number }): T => {
    const target = allocate(Kind as never, source.length, shared) as T;
    target.set(source as never);
    return target;
  };
  return {
    ...common,
    userIndptr: copy(matrix.indptr, Int32Array),
    userIndices: copy(matrix.indices, Int32Array),
    userWeights: copy(matrix.weights, Float32Array),
    itemIndptr: copy(transposed.indptr, Int32Array),
    itemIndices: copy(transposed.indices, Int32Array),
    itemWeights: copy(transposed.weights, Float32Array),
    userFactors: allocate(Float32Array, userCount * dims, shared),
    itemFactors: allocate(Float32Array, itemCount * dims, shared),
    gramianBlocks: allocate(Float64Array, blocks * dims * dims, shared),
    gramian: allocate(Float64Array, dims * dims, shared),
  };
}

/** Pages of wasm memory the state of this problem needs (callers check {@link MAX_WASM_PAGES}). */
export function wasmStatePages(userCount: number, itemCount: number, entries: number, dims: number, threads: number): number {
  const paddedDims = padDims(dims);
  const blocks = Math.ceil(Math.max(userCount, itemCount) / GRAMIAN_BLOCK_ROWS);
  const f32 = (length: number): number => WasmArena.bytesFor(Float32Array, length);
  const f64 = (length: number): number => WasmArena.bytesFor(Float64Array, length);
  const i32 = (length: number): number => WasmArena.bytesFor(Int32Array, length);
  const bytes =
    i32(userCount + 1) +
    i32(itemCount + 1) +
    2 * i32(entries) +
    2 * f32(entries) +
    // Factor tables carry a padded row of slack: the kernel reads whole 16-float chunks.
    f32(userCount * dims + paddedDims) +
    f32(itemCount * dims + paddedDims) +
    f64(blocks * paddedDims * paddedDims) +
    f64(dims * dims) +
    f32(userCount) +
    f32(itemCount) +
    f32(paddedDims * paddedDims) +
    threads * f64(wasmScratchDoubles(paddedDims));
  return WasmArena.pagesFor(bytes);
}

/** Whether the wasm state of this problem fits one 32-bit memory. */
export function fitsWasmMemory(userCount: number, itemCount: number, entries: number, dims: number, threads: number): boolean {
  return wasmStatePages(userCount, itemCount, entries, dims, threads) <= MAX_WASM_PAGES;
}

function padDims(dims: number): number {
  return Math.ceil(dims / 16) * 16;
}

function createWasmState(
  matrix: InteractionMatrix,
  transposed: InteractionMatrix,
  options: AlsStateOptions,
  module: WebAssembly.Module,
  common: Pick<AlsSharedState, 'dims' | 'userCount' | 'itemCount' | 'hyper' | 'solver' | 'cgSteps' | 'solveChunks' | 'chunkCursor' | 'chunkLosses'>,
  blocks: number,
): AlsSharedState {
  const { dims, userCount, itemCount } = common;
  const entries = matrix.indices.length;
  const paddedDims = padDims(dims);
  const slots = Math.max(1, options.threads);
  const pages = wasmStatePages(userCount, itemCount, entries, dims, slots);
  const arena = new WasmArena(pages * 65536);
  const place = <T extends Int32Array | Float32Array>(source: T, Kind: { new (b: ArrayBufferLike, o: number, l: number): T; readonly BYTES_PER_ELEMENT: number }): T => {
    const target = arena.allocate(Kind, source.length);
    target.set(source as never);
    return target;
  };
  const regularization = (indptr: Int32Array, otherCount: number): Float32Array => {
    const rows = indptr.length - 1;
    const out = arena.allocate(Float32Array, rows);
    for (let row = 0; row < rows; row++) out[row] = rowRegularization(options.hyper, indptr[row + 1] - indptr[row], otherCount);
    return out;
  };
  const userIndptr = place(matrix.indptr, Int32Array);
  const itemIndptr = place(transposed.indptr, Int32Array);
  const state: AlsSharedState = {
    ...common,
    userIndptr,
    userIndices: place(matrix.indices, Int32Array),
    userWeights: place(matrix.weights, Float32Array),
    itemIndptr,
    itemIndices: place(transposed.indices, Int32Array),
    itemWeights: place(transposed.weights, Float32Array),
    // Views of exactly rows × dims; the slack row after each stays allocated but out of view.
    userFactors: arena.allocate(Float32Array, userCount * dims + paddedDims).subarray(0, userCount * dims),
    itemFactors: arena.allocate(Float32Array, itemCount * dims + paddedDims).subarray(0, itemCount * dims),
    gramianBlocks: arena.allocate(Float64Array, blocks * paddedDims * paddedDims),
    gramian: arena.allocate(Float64Array, dims * dims),
    wasm: {
      module,
      memory: arena.memory,
      paddedDims,
      userRegularization: regularization(userIndptr, itemCount),
      itemRegularization: regularization(itemIndptr, userCount),
      scaledGramian: arena.allocate(Float32Array, paddedDims * paddedDims),
      threadScratch: Array.from({ length: slots }, () => arena.allocate(Float64Array, wasmScratchDoubles(paddedDims))),
    },
  };
  return state;
}
