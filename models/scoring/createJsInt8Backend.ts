import { OndeckError } from '../errors/OndeckError';
import type { QuantizedFactors } from '../quantize';
import { checkQuantizedFactors } from './checkQuantizedFactors';
import { checkScoringQuery } from './checkScoringQuery';
import { notLoadedError } from './notLoadedError';
import { createScreenedTopK, type ScreenedTopK } from './createScreenedTopK';
import { mergePartResults, type PartResult } from './parallel/mergePartResults';
import { partitionRows, splitExclusions, type RowRange } from './parallel/partitionRows';
import { ScreeningHelper } from './parallel/ScreeningHelper';
import type { ScreeningHelperPort } from './parallel/screeningHelperMessages';
import type { BackendModel, ScoringBackend, TopKResult } from './ScoringBackend';
import { scoreInt8Rows } from './scoreInt8Rows';
import { selectTopK } from './selectTopK';

/**
 * Fewest rows a thread gets. Asking a helper costs a message each way (0.1–0.3 ms of thread
 * wake-ups in Chromium), which the split must win back. Measured in Chromium, 2 threads against
 * 1: 10k rows 0.58 against 0.52 ms end to end; 20k rows 0.9 against 0.7 ms a query (the
 * helpers' own timing, below); 100k rows 1.65 against 2.78 ms end to end.
 */
export const MIN_ROWS_PER_THREAD = 25_000;

/**
 * Threads a table of `rows` is screened on when `requested` are allowed: no more than gives
 * every thread {@link MIN_ROWS_PER_THREAD} rows.
 *
 * @example
 * ```ts
 * screeningThreadsFor(2, 100_000); // 2
 * screeningThreadsFor(2, 40_000); // 1
 * ```
 */
export function screeningThreadsFor(requested: number, rows: number, minRowsPerThread = MIN_ROWS_PER_THREAD): number {
  return Math.max(1, Math.min(Math.floor(requested), Math.floor(rows / Math.max(1, minRowsPerThread))));
}

/** Options of {@link createJsInt8Backend}. */
export interface JsInt8BackendOptions {
  /**
   * Threads to screen the catalog on: this one plus `threads − 1` helper workers, each taking a
   * contiguous part of the rows. Needs `spawnHelper`. @defaultValue 1
   */
  readonly threads?: number;
  /** Starts one helper worker (`spawnScreeningHelperWorker` in a browser worker). */
  readonly spawnHelper?: () => ScreeningHelperPort;
  /** Fewest rows per thread (tests split small tables with a small value). @defaultValue {@link MIN_ROWS_PER_THREAD} */
  readonly minRowsPerThread?: number;
}

/**
 * The `js` backend: runs on every engine (no WebAssembly needed). Top-K goes through
 * {@link createScreenedTopK} (integer screening, then exact rescoring of the few rows that can
 * still make it), which returns exactly what {@link scoreInt8Rows} + {@link selectTopK} return;
 * tables it cannot screen (big-endian, dims not a multiple of 4…) use those two directly.
 * 100k × 64 top-20 with 50 exclusions (median): 2.3 ms in Node 20, 2.6 ms in Chromium 156, 2 ms
 * in WPE WebKit, against 6.4 / 7.0 / 5 ms for the exact path alone. Every buffer proportional to
 * the catalog is allocated at load, so nothing is per query.
 *
 * With `threads` > 1 (and at least {@link MIN_ROWS_PER_THREAD} rows each) the rows are split into
 * that many ranges: the first is screened here, the others by helper workers holding a copy of
 * their range (see `serveScreeningHelper`), all at once, and the per-range top-K lists are merged,
 * exactly (the same result as one thread). Until every helper holds the table (they start after
 * the first query or `prepare()`), or once one failed, the whole table is screened here, so a query
 * never waits for a helper to start and never fails because of one; a helper that errors or stops
 * answering is given up. {@link threads} says how many run.
 *
 * @example
 * ```ts
 * const backend = createJsInt8Backend({ threads: 2, spawnHelper: () => spawnScreeningHelperWorker() });
 * await backend.load({ factors });
 * const { indices } = await backend.topK(userVector, 20, alreadyWatched);
 * ```
 */
export function createJsInt8Backend(options: JsInt8BackendOptions = {}): ScoringBackend {
  return new JsInt8Backend(options);
}

/** One table split into row ranges: the first is screened here, the others by helpers. */
interface Partition {
  readonly generation: number;
  readonly ranges: readonly RowRange[];
  /** The whole table's screened top-K: range 0 is its prefix (`rowEnd`), and it screens everything when no helper takes part. */
  readonly screen: ScreenedTopK;
}

class JsInt8Backend implements ScoringBackend {
  readonly name = 'js' as const;
  private factors: QuantizedFactors | undefined;
  /** Built by {@link prepare} or the first query: `null` when the table cannot be screened. */
  private screenedTopK: ScreenedTopK | null | undefined;
  private scores: Float32Array = new Float32Array(0);
  private disposed = false;
  /** Increases with every table loaded, so that helpers' answers about an older one are told apart. */
  private generation = 0;
  private partition: Partition | undefined;
  private readonly helpers: ScreeningHelper[] = [];

  constructor(private readonly options: JsInt8BackendOptions) {}

  /** Threads a query runs on now: every range's thread once all helpers hold the current table, else 1. */
  get threads(): number {
    const partition = this.partition;
    return partition && this.helpersReady(partition) ? partition.ranges.length : 1;
  }

  /** True when every helper holds `partition`'s table: only then are they asked. */
  private helpersReady(partition: Partition): boolean {
    const helpers = this.helpers.slice(0, partition.ranges.length - 1);
    return helpers.length === partition.ranges.length - 1 && helpers.every((helper) => helper.isReadyFor(partition.generation));
  }

  async load(model: BackendModel): Promise<void> {
    const { factors } = model;
    checkQuantizedFactors(factors, this.name);
    this.screenedTopK = undefined;
    this.scores = new Float32Array(0);
    this.factors = factors;
    this.partition = undefined;
    this.generation++;
    this.disposed = false;
  }

  /**
   * Builds the screening bounds (one pass over the table, ~10 ms at 100k × 64) and, with threads,
   * starts the helpers and sends them their ranges: the engine calls this in the task after a
   * model switch, so the switch itself does not wait for it.
   */
  prepare(): void {
    // Nothing to do before a load or after a dispose (a switch may have released it meanwhile).
    const factors = this.factors;
    if (!factors || this.screenedTopK !== undefined) return;
    const wanted = this.options.spawnHelper ? screeningThreadsFor(this.options.threads ?? 1, factors.rows, this.options.minRowsPerThread) : 1;
    const ranges = wanted > 1 ? partitionRows(factors.rows, wanted) : [];
    this.screenedTopK = createScreenedTopK(factors) ?? null;
    // A table that cannot be screened (a negative scale…) stays on the exact path, one thread.
    if (ranges.length > 1 && this.screenedTopK) {
      this.partition = { generation: this.generation, ranges, screen: this.screenedTopK };
      const parts = ranges.map(({ start, end }) => ({
        rows: end - start,
        dims: factors.dims,
        values: factors.values.subarray(start * factors.dims, end * factors.dims),
        scales: factors.scales.subarray(start, end),
      }));
      // In a task of its own: the query that got here first is not held up by starting workers
      // and copying their parts (it screens the whole table itself meanwhile).
      const generation = this.generation;
      setTimeout(() => {
        if (this.generation === generation && !this.disposed) this.startHelpers(parts);
      }, 0);
    }
    // The exact path's scores buffer is only needed when the table cannot be screened.
    if (!this.screenedTopK) this.scores = new Float32Array(factors.rows);
  }

  async topK(userVector: Float32Array, count: number, exclude?: Int32Array): Promise<TopKResult> {
    const factors = this.requireFactors();
    checkScoringQuery(userVector, count, exclude, factors);
    if (count === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    this.prepare();
    if (this.partition) return this.partitionedTopK(this.partition, userVector, count, exclude);
    if (this.screenedTopK) return this.screenedTopK(userVector, count, exclude);
    scoreInt8Rows(factors, userVector, this.scores);
    return selectTopK(this.scores, count, exclude);
  }

  async scoreAll(userVector: Float32Array, out: Float32Array): Promise<void> {
    const factors = this.requireFactors();
    checkScoringQuery(userVector, 0, undefined, factors);
    if (out.length !== factors.rows) {
      throw new OndeckError('dimension-mismatch', { what: 'scoreAll output', expected: factors.rows, got: out.length });
    }
    scoreInt8Rows(factors, userVector, out);
  }

  async dispose(): Promise<void> {
    this.factors = undefined;
    this.screenedTopK = undefined;
    this.partition = undefined;
    this.scores = new Float32Array(0);
    this.disposed = true;
    for (const helper of this.helpers.splice(0)) helper.terminate();
  }

  /**
   * With every helper holding this table: asks them for their ranges, screens range 0 here
   * meanwhile, merges. Otherwise (helpers starting or given up) screens the whole table here. `partition` is this query's table: a load() while it waits does not change it.
   */
  private async partitionedTopK(partition: Partition, userVector: Float32Array, count: number, exclude?: Int32Array): Promise<TopKResult> {
    const { generation, ranges, screen } = partition;
    // All or none: the range screened here is the table's prefix, so a missing helper's range
    // cannot be added to it; without every helper the whole table is screened here.
    if (!this.helpersReady(partition)) return screen(userVector, count, exclude);
    const helpers = this.helpers.slice(0, ranges.length - 1);
    const localExclusions = splitExclusions(exclude, ranges);
    const asked = helpers.map((helper, index) => helper.topK(generation, userVector, count, localExclusions[index + 1]));
    // Range 0 is the table's prefix: exclusions past it are never reached.
    const results: PartResult[] = [{ start: 0, result: screen(userVector, count, exclude, ranges[0].end) }];
    try {
      for (let index = 0; index < asked.length; index++) results.push({ start: ranges[index + 1].start, result: await asked[index] });
    } catch {
      // A helper that failed meanwhile costs this query a screen of the whole table here, not an error.
      for (const answer of asked) answer.catch(() => undefined);
      return screen(userVector, count, exclude);
    }
    return mergePartResults(results, count);
  }

  /** Spawns the helpers once per backend and sends each its range of the current table. */
  private startHelpers(parts: readonly QuantizedFactors[]): void {
    const generation = this.generation;
    const spawn = this.options.spawnHelper!;
    for (let part = 1; part < parts.length; part++) {
      let helper = this.helpers[part - 1];
      if (!helper) {
        try {
          helper = new ScreeningHelper(spawn());
        } catch {
          // No helper (a CSP forbids workers, the script cannot load…): its range is screened here.
          return;
        }
        this.helpers.push(helper);
      }
      helper.load(generation, parts[part]);
    }
  }

  private requireFactors(): QuantizedFactors {
    if (!this.factors) throw notLoadedError(this.name, this.disposed);
    return this.factors;
  }
}

/** {@link scoreInt8Rows} + {@link selectTopK} over `factors`, for a range that cannot be screened. */
