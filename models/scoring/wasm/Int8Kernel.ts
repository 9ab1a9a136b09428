import { OndeckError } from '../../errors/OndeckError';
import type { QuantizedFactors } from '../../quantize';
import type { TopKResult } from '../ScoringBackend';
import { topKOfCandidates } from '../topKIndices';
import { SCREENING_LEVELS, type Int8KernelFlavour } from './Int8KernelFlavour';

/** Bytes one WebAssembly page holds. */
const PAGE_BYTES = 65536;
/**
 * Largest memory the kernel takes: it compares addresses and row indices as signed i32 in places,
 * and 2 GiB is also more than a TV gives one worker.
 */
const MAX_MEMORY_BYTES = 2 ** 31;
/** Beyond this many dims a row's screening sum could leave int32 (see `int8KernelWat`). */
const MAX_SCREENED_DIMS = 65536;

interface KernelExports {
  configure(...addresses: number[]): void;
  prepareRows(bias: number): void;
  scoreAll(): void;
  screen(start: number, end: number, limit: number, excludeCount: number, step: number, slack: number, offset: number, screenAll: number): number;
}

/** Byte address of every array in the kernel's memory. */
interface Layout {
  readonly values: number;
  readonly scales: number;
  readonly l1: number;
  readonly rowTerms: number;
  readonly scores: number;
  readonly candidates: number;
  readonly exclude: number;
  readonly heap: number;
  readonly user: number;
  readonly levels: number;
  readonly bytes: number;
}

/**
 * One int8 table resident in one instance of the WebAssembly int8 kernel (one build, see
 * {@link Int8KernelFlavour}): the table's only copy in the kernel's memory (int8 values and f32
 * scales, no float32 copy), 32 bytes per row of bookkeeping beside it, all allocated here, none
 * per query. Top-K is exact like the `js` backend's: the same indices in the same order and
 * bit-identical float32 scores as `scoreInt8Rows` + `selectTopK`, ties included.
 *
 * Per query, like `createScreenedTopK`, but in WebAssembly and with a bound of its own:
 * 1. The viewer's vector is rounded to integer levels, `u_d = step × level_d + e_d` with
 *    `|level_d| ≤ SCREENING_LEVELS[flavour]`, and every row's `S = Σ_d values[row, d] × level_d`
 *    is computed exactly in integer arithmetic.
 * 2. Bound: `Σ_d b_d u_d ≤ step × S + E × L1` with `E = max_d |e_d|` (measured, not assumed) and
 *    `L1 = Σ_d |b_d|` (precomputed). The kernel compares `scale × (step × S + slack × L1)` with
 *    `slack = E + maxAbs × (dims + 64) × 2⁻⁴⁸`, which also covers every float rounding: the
 *    exact kernel's f64 sum (below `(dims + 1) × 2⁻⁵³ × L1 × maxAbs`), the measurement of E and
 *    the bound's own four operations (below `2⁻⁴⁹ × L1 × maxAbs` together). So the f64 score the
 *    exact kernel computes is at most the bound, and so is its float32 rounding, which is monotone
 *    and exact on the threshold (itself a float32).
 * 3. Rows are visited in index order; one whose bound beats the count-th best exact score so far
 *    (and is not excluded) is rescored exactly, in the `js` kernel's summation order. A row left
 *    out scores at most that threshold and comes after every row already kept: it cannot be in the
 *    top-K, ties included. The final order among the rescored rows is `topKOfCandidates`, the
 *    `js` backend's own selection.
 *
 * A table that cannot be screened (a negative or non-finite scale, more than 65536 dims) is
 * rescored whole, still in WebAssembly, with the same result as the exact path.
 *
 * @example
 * ```ts
 * const kernel = Int8Kernel.create(await compileInt8Kernel('simd'), 'simd', factors);
 * const { indices, scores } = kernel.topK(userVector, 20, watched);
 * const secondHalf = kernel.topK(userVector, 20, watched, 50_000, 100_000);
 * ```
 */
export class Int8Kernel {
  readonly rows: number;
  readonly dims: number;
  private readonly words: number;
  private readonly screenable: boolean;
  private readonly values: Int8Array;
  private readonly scales: Float32Array;
  private readonly scores: Float32Array;
  private readonly candidates: Int32Array;
  private readonly exclude: Int32Array;
  private readonly user: Float64Array;
  private readonly levels: Int32Array;

  private constructor(
    private readonly exports: KernelExports,
    readonly flavour: Int8KernelFlavour,
    factors: QuantizedFactors,
    memory: WebAssembly.Memory,
    layout: Layout,
  ) {
    const { rows, dims } = factors;
    this.rows = rows;
    this.dims = dims;
    this.words = Math.ceil(dims / 8);
    const buffer = memory.buffer;
    this.values = new Int8Array(buffer, layout.values, rows * dims);
    this.values.set(factors.values);
    this.scales = new Float32Array(buffer, layout.scales, rows);
    this.scales.set(factors.scales);
    this.scores = new Float32Array(buffer, layout.scores, rows);
    this.candidates = new Int32Array(buffer, layout.candidates, rows);
    this.exclude = new Int32Array(buffer, layout.exclude, rows);
    this.user = new Float64Array(buffer, layout.user, dims);
    this.levels = new Int32Array(buffer, layout.levels, this.words * 4);
    exports.configure(
      rows,
      dims,
      this.words,
      layout.values,
      layout.scales,
      layout.l1,
      layout.rowTerms,
      layout.scores,
      layout.candidates,
      layout.exclude,
      layout.heap,
      layout.user,
      layout.levels,
    );
    let screenable = dims <= MAX_SCREENED_DIMS;
    // A negative scale would flip the bound, a non-finite one make it meaningless.
    for (let row = 0; row < rows && screenable; row++) screenable = factors.scales[row] >= 0 && factors.scales[row] < Infinity;
    this.screenable = screenable;
    if (screenable) exports.prepareRows(flavour === 'mvp' ? SCREENING_LEVELS.mvp : 0);
  }

  /**
   * Instantiates `module` (a build of the kernel, from `compileInt8Kernel`) over a memory of its
   * own sized for `factors`, and copies the table in. The caller keeps `factors` or lets it go:
   * the kernel reads only its copy.
   *
   * @throws OndeckError `backend-unavailable` when the memory cannot be had or the module does not
   *   instantiate (the caller keeps its previous table, or the `js` backend).
   */
  static create(module: WebAssembly.Module, flavour: Int8KernelFlavour, factors: QuantizedFactors): Int8Kernel {
    // Wasm memory is little-endian; typed-array views are the platform's order.
    if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw unavailable(flavour, 'the platform is big-endian');
    const layout = layoutFor(factors.rows, factors.dims);
    if (layout.bytes > MAX_MEMORY_BYTES)
      throw unavailable(flavour, `a ${factors.rows} × ${factors.dims} table needs ${layout.bytes} bytes of memory, more than ${MAX_MEMORY_BYTES}`);
    let exports: KernelExports;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.ceil(layout.bytes / PAGE_BYTES) });
      exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
      if (typeof exports.screen !== 'function' || typeof exports.configure !== 'function') throw new Error('the module lacks the kernel’s exports');
    } catch (error) {
      throw unavailable(flavour, `the kernel does not instantiate: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    return new Int8Kernel(exports, flavour, factors, memory, layout);
  }

  /**
   * Top `count` rows of `[start, end)` for `userVector`, best first (ties: lower row first),
   * skipping `exclude`. Indices are the table's (not the range's), so per-range results merge with
   * `mergePartResults` at start 0. Arguments are checked by the caller (`checkScoringQuery`):
   * `exclude` ascending within `[0, rows)`, duplicates allowed.
   */
  topK(userVector: Float32Array, count: number, exclude?: Int32Array, start = 0, end = this.rows): TopKResult {
    start = Math.max(0, Math.min(this.rows, Math.floor(start)));
    end = Math.max(start, Math.min(this.rows, Math.floor(end)));
    const limit = Math.min(count, end - start);
    if (limit <= 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    this.user.set(userVector);
    const { step, slack, offset } = this.screenable ? this.setLevels(userVector) : { step: 0, slack: 0, offset: 0 };
    const excludeCount = this.copyExclusions(exclude, start, end);
    const found = this.exports.screen(start, end, limit, excludeCount, step, slack, offset, this.screenable ? 0 : 1);
    const chosen = new Int32Array(Math.min(count, found));
    const filled = topKOfCandidates(this.scores, this.candidates, found, chosen);
    const indices = filled === chosen.length ? chosen : chosen.slice(0, filled);
    return { indices, scores: Float32Array.from(indices, (index) => this.scores[index]) };
  }

  /**
   * Rows `[start, end)` of the resident table, as views of the kernel's memory (copy them to keep
   * them): what a helper worker is sent, read from the kernel's copy, so that the backend needs
   * no reference to the caller's table.
   */
  rowsOf(start: number, end: number): QuantizedFactors {
    const { dims } = this;
    return { rows: end - start, dims, values: this.values.subarray(start * dims, end * dims), scales: this.scales.subarray(start, end) };
  }

  /** Every row's exact score into `out` (length `rows`), bit for bit what `scoreInt8Rows` writes. */
  scoreAll(userVector: Float32Array, out: Float32Array): void {
    this.user.set(userVector);
    this.exports.scoreAll();
    out.set(this.scores);
  }

  /**
   * Rounds the viewer's vector to this build's integer levels, packs them for the kernel (see
   * `int8KernelWat`), and returns the bound's terms: the step, the slack per unit of L1 and, for
   * the MVP build, the query's share of the biased sum (`128 × Σ (level + 15)`).
   */
  private setLevels(userVector: Float32Array): { step: number; slack: number; offset: number } {
    const { dims, words, levels } = this;
    const maxLevel = SCREENING_LEVELS[this.flavour];
    let maxAbs = 0;
    for (let d = 0; d < dims; d++) maxAbs = Math.max(maxAbs, Math.abs(userVector[d]));
    // A zero vector gives step 0: every bound is 0, every row scores exactly 0.
    const step = maxAbs / maxLevel;
    let largestError = 0;
    let offset = 0;
    levels.fill(0);
    const lanes = new Int16Array(levels.buffer, levels.byteOffset, words * 8);
    for (let d = 0; d < dims; d++) {
      const level = step > 0 ? Math.max(-maxLevel, Math.min(maxLevel, Math.round(userVector[d] / step))) : 0;
      largestError = Math.max(largestError, Math.abs(userVector[d] - step * level));
      if (this.flavour === 'simd') {
        lanes[d] = level;
        continue;
      }
      // Word k's even bytes (8k, 8k+2, 8k+4, 8k+6) meet fields 3, 2, 1, 0 of its first i64 of
      // levels, the odd bytes those of its second: [even low, even high, odd low, odd high] as int32.
      const biased = level + maxLevel;
      offset += 128 * biased;
      const lane = d & 7;
      const slot = 4 * (d >> 3) + (lane & 1 ? 2 : 0) + (lane < 4 ? 1 : 0);
      levels[slot] += (lane & 2) === 0 ? biased << 16 : biased;
    }
    return { step, slack: largestError + maxAbs * (dims + 64) * 2 ** -48, offset };
  }

  /** Copies the distinct exclusions inside `[start, end)` into the kernel's memory; returns how many. */
  private copyExclusions(exclude: Int32Array | undefined, start: number, end: number): number {
    let count = 0;
    if (!exclude) return 0;
    for (let i = 0; i < exclude.length; i++) {
      const index = exclude[i];
      if (index < start || index >= end || (count > 0 && this.exclude[count - 1] === index)) continue;
      this.exclude[count++] = index;
    }
    return count;
  }
}

/** The arrays of a `rows × dims` table, each 16-byte aligned (SIMD loads of the levels). */
function layoutFor(rows: number, dims: number): Layout {
  let next = 0;
  const take = (bytes: number): number => {
    const at = next;
    next += Math.ceil(bytes / 16) * 16;
    return at;
  };
  // The last row's last 8-byte word is read whole: 8 spare bytes after the values.
  const values = take(rows * dims + 8);
  const words = Math.ceil(dims / 8);
  // Properties are evaluated in order: `bytes` is read after every array was taken.
  return {
    values,
    scales: take(4 * rows),
    l1: take(4 * rows),
    rowTerms: take(4 * rows),
    scores: take(4 * rows),
    candidates: take(4 * rows),
    exclude: take(4 * rows),
    heap: take(8 * rows),
    user: take(8 * dims),
    levels: take(16 * words),
    bytes: next,
  };
}

function unavailable(flavour: Int8KernelFlavour, reason: string): OndeckError {
  return new OndeckError('backend-unavailable', { backend: 'wasm-int8', flavour, reason });
}
