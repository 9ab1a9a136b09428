import { OndeckError } from '../errors/OndeckError';
import { checkQuantizedFactors } from './checkQuantizedFactors';
import { checkScoringQuery } from './checkScoringQuery';
import { notLoadedError } from './notLoadedError';
import { HelperSplit, type HelperSplitOptions } from './parallel/HelperSplit';
import type { BackendModel, ScoringBackend, TopKResult } from './ScoringBackend';
import { compileInt8Kernel } from './wasm/compileInt8Kernel';
import { Int8Kernel } from './wasm/Int8Kernel';
import type { Int8KernelFlavour } from './wasm/Int8KernelFlavour';

/** Options of {@link createWasmInt8Backend}: the build, and the helper split's (as the `js` backend's). */
export interface WasmInt8BackendOptions extends HelperSplitOptions {
  /** The kernel's build: `'simd'` where the engine has WebAssembly SIMD, `'mvp'` elsewhere. */
  readonly flavour: Int8KernelFlavour;
  /** The kernel's bytes instead of the built ones (tests pass corrupt ones). @defaultValue the build of `flavour` */
  readonly binary?: Uint8Array;
}

/**
 * A scoring backend on the WebAssembly int8 kernel: {@link ScoringBackend}'s methods, its build,
 * and top-K over a row range.
 */
export interface WasmInt8Backend extends ScoringBackend {
  readonly name: 'wasm-int8';
  readonly flavour: Int8KernelFlavour;
  /**
   * {@link ScoringBackend.topK} over rows `[start, end)` only, synchronously, indices the table's:
   * the range the engine's own thread screens when helpers take the rest (merge the parts with
   * `mergePartResults` at start 0). Arguments as in `topK`, unchecked.
   */
  topKOfRows(userVector: Float32Array, count: number, exclude: Int32Array | undefined, start: number, end: number): TopKResult;
}

/**
 * The `wasm-int8` backend: the `js` backend's exact screened top-K (same indices, same order,
 * bit-identical float32 scores, ties included) in WebAssembly, in an MVP build for engines
 * without SIMD (Chromium 57–90, WPE WebKit), where onnxruntime-web cannot run, and a 128-bit
 * SIMD build. It keeps one copy of the int8 table, in the kernel's memory (about 32 bytes per row
 * beside it; no float32 copy), and allocates nothing proportional to the catalog per query. See
 * `Int8Kernel` for the screening and its bound.
 *
 * With `threads` > 1 it splits the rows over helper workers exactly as the `js` backend does
 * ({@link HelperSplit}): each helper instantiates the same build over a copy of its range (read
 * from the kernel's memory, so the backend keeps no reference to the caller's table), and the
 * per-range results are merged exactly. A helper that cannot compile the build is given up and
 * its range screened here.
 *
 * Resolves once the build compiles and instantiates in this engine; rejects otherwise, so the
 * caller can fall back to the `js` backend with the reason.
 *
 * @throws OndeckError `backend-unavailable` (backend `wasm-int8`) when the engine has no
 *   WebAssembly, no SIMD for the `'simd'` build, a CSP that forbids compiling, or the bytes are bad.
 * @example
 * ```ts
 * const backend = await createWasmInt8Backend({ flavour: engineHasSimd ? 'simd' : 'mvp' }).catch(() => createJsInt8Backend());
 * await backend.load({ factors });
 * const { indices } = await backend.topK(userVector, 20, alreadyWatched);
 * ```
 */
export async function createWasmInt8Backend(options: WasmInt8BackendOptions): Promise<WasmInt8Backend> {
  const module = await compileInt8Kernel(options.flavour, options.binary);
  // Instantiating over a one-row table proves the module links and runs here, before the caller
  // commits to it.
  Int8Kernel.create(module, options.flavour, { rows: 1, dims: 1, values: new Int8Array(1), scales: new Float32Array(1) });
  return new WasmInt8ScoringBackend(module, options.flavour, options);
}

class WasmInt8ScoringBackend implements WasmInt8Backend {
  readonly name = 'wasm-int8' as const;
  private kernel: Int8Kernel | undefined;
  private disposed = false;
  /** Whether the current table's split is planned (by {@link prepare} or the first query). */
  private planned = false;
  private readonly split: HelperSplit;

  constructor(
    private readonly module: WebAssembly.Module,
    readonly flavour: Int8KernelFlavour,
    options: HelperSplitOptions,
  ) {
    this.split = new HelperSplit(options, flavour);
  }

  /** Threads a query runs on now: every range's thread once all helpers hold the current table, else 1. */
  get threads(): number {
    return this.split.threads;
  }

  async load(model: BackendModel): Promise<void> {
    checkQuantizedFactors(model.factors, this.name);
    // Built before the old one is dropped: a table that does not fit leaves the old one in service.
    this.kernel = Int8Kernel.create(this.module, this.flavour, model.factors);
    this.split.reset();
    this.planned = false;
    this.disposed = false;
  }

  /** Starts the helpers and sends them their ranges, in the task after a model switch (see `HelperSplit.plan`). */
  prepare(): void {
    const kernel = this.kernel;
    if (!kernel || this.planned) return;
    this.planned = true;
    this.split.plan(kernel.rows, ({ start, end }) => kernel.rowsOf(start, end));
  }

  async topK(userVector: Float32Array, count: number, exclude?: Int32Array): Promise<TopKResult> {
    const kernel = this.requireKernel();
    checkScoringQuery(userVector, count, exclude, kernel);
    this.prepare();
    return this.split.topK((vector, wanted, excluded, rowEnd) => kernel.topK(vector, wanted, excluded, 0, rowEnd), userVector, count, exclude);
  }

  topKOfRows(userVector: Float32Array, count: number, exclude: Int32Array | undefined, start: number, end: number): TopKResult {
    return this.requireKernel().topK(userVector, count, exclude, start, end);
  }

  async scoreAll(userVector: Float32Array, out: Float32Array): Promise<void> {
    const kernel = this.requireKernel();
    checkScoringQuery(userVector, 0, undefined, kernel);
    if (out.length !== kernel.rows) throw new OndeckError('dimension-mismatch', { what: 'scoreAll output', expected: kernel.rows, got: out.length });
    kernel.scoreAll(userVector, out);
  }

  async dispose(): Promise<void> {
    // Dropping the instance releases its memory, the table with it.
    this.kernel = undefined;
    this.disposed = true;
    this.split.dispose();
  }

  private requireKernel(): Int8Kernel {
    if (!this.kernel) throw notLoadedError(this.name, this.disposed);
    return this.kernel;
  }
}
