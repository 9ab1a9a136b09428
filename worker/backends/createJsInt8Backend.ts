import { OndeckError } from '../../models/errors/OndeckError';
import type { QuantizedFactors } from '../../models/quantize';
import { checkQuantizedFactors, checkScoringQuery, notLoadedError } from './checkScoringQuery';
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

/** Queries timed each way, alternating, when the helpers first hold a table (after untimed warm-up rounds). */
const CALIBRATION_ROUNDS = 9;
const CALIBRATION_WARM_UP_ROUNDS = 3;
/** The helpers are kept only when the median query with them takes at most this share of one without. */
const HELPERS_KEPT_BELOW = 0.95;

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
  /**
   * Time the first queries with and without the helpers once they are ready, and stop them unless
   * they make queries faster (tests with in-process helpers, which share this thread, turn it
   * off). @defaultValue true
   */
  readonly calibrateHelpers?: boolean;
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
 * With `threads` > 1 (and at least {@link MIN_ROWS_PER_THREAD} rows each) the rows are split into that many ranges: the first is screened here, the
 * others by helper workers holding a copy of their range (see `serveScreeningHelper`), all at
 * once, and the per-range top-K lists are merged, exactly (the same result as one thread). A range
 * whose helper is not ready yet (it starts after the first query or `prepare()`), or failed, is
 * screened here instead, so a query never waits for a helper to start and never fails because of
 * one; a helper that errors or stops answering is given up. Once the helpers hold a table, a
 * few queries are timed with and without them (alternating, medians of 9): helpers that do not
 * make a query at least 5% faster are stopped. Messages between workers are cheap in Chromium
 * but go through the page in some engines (WPE WebKit: 3.1 ms with a page-started helper against
 * 2.7 ms without, at 100k), so only a measurement can tell. {@link threads} says how many run,
 * {@link threadsNote} what the measurement found.
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

/** One table split into row ranges, each with its own screened top-K (built when first needed). */
interface Partition {
  readonly generation: number;
  readonly ranges: readonly RowRange[];
  readonly parts: readonly QuantizedFactors[];
  readonly topKs: Array<ScreenedTopK | undefined>;
  /**
   * The whole table's screened top-K, for queries no helper takes part in (before they are ready,
   * after they were stopped): one pass over the table is what one thread does best. Screening the
   * ranges one after the other here ran 2× slower in Chromium (4.9 against 2.5 ms at 100k), though
   * not in Node.
   */
  readonly whole: ScreenedTopK;
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
  /** Set once the helpers were measured: why they were kept or stopped. */
  private helpersNote: string | undefined;
  /** True once the helpers measured slower: none are started again by this backend. */
  private helpersStopped = false;
  private calibration: Promise<void> | undefined;

  constructor(private readonly options: JsInt8BackendOptions) {}

  /** What timing the helpers found (`status().backendReason` shows it), once it ran. */
  get threadsNote(): string | undefined {
    return this.helpersNote;
  }

  /** This thread plus the helpers holding the current table. */
  get threads(): number {
    if (!this.partition) return 1;
    const generation = this.partition.generation;
    return 1 + this.helpers.filter((helper) => helper.isReadyFor(generation)).length;
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
    const wanted = this.options.spawnHelper && !this.helpersStopped ? screeningThreadsFor(this.options.threads ?? 1, factors.rows, this.options.minRowsPerThread) : 1;
    const ranges = wanted > 1 ? partitionRows(factors.rows, wanted) : [];
    if (ranges.length > 1) {
      const parts = ranges.map(({ start, end }) => ({
        rows: end - start,
        dims: factors.dims,
        values: factors.values.subarray(start * factors.dims, end * factors.dims),
        scales: factors.scales.subarray(start, end),
      }));
      const first = createScreenedTopK(parts[0]);
      if (first) {
        this.partition = { generation: this.generation, ranges, parts, topKs: [first], whole: createScreenedTopK(factors) ?? exactTopK(factors) };
        this.screenedTopK = first;
        // In a task of its own: the query that got here first is not held up by starting workers
        // and copying their parts (it screens every range itself meanwhile).
        const generation = this.generation;
        setTimeout(() => {
          if (this.generation === generation && !this.disposed) this.startHelpers(parts);
        }, 0);
        return;
      }
    }
    this.screenedTopK = createScreenedTopK(factors) ?? null;
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
   * Asks the ready helpers for their ranges first, screens the others here meanwhile, then
   * merges. `partition` is this query's table: a load() while it waits does not change it.
   */
  private async partitionedTopK(partition: Partition, userVector: Float32Array, count: number, exclude?: Int32Array, useHelpers = true): Promise<TopKResult> {
    const { generation, ranges } = partition;
    const localExclusions = splitExclusions(exclude, ranges);
    const asked = ranges.map((_, part) => {
      const helper = part > 0 && useHelpers && !this.helpersStopped ? this.helpers[part - 1] : undefined;
      return helper?.isReadyFor(generation) ? helper.topK(generation, userVector, count, localExclusions[part]) : undefined;
    });
    const helping = asked.filter(Boolean).length;
    if (helping === 0) return partition.whole(userVector, count, exclude);
    if (useHelpers && this.calibration === undefined && this.options.calibrateHelpers !== false && helping === ranges.length - 1) {
      // In a task of its own, on this query's vector: the query itself is answered first.
      this.calibration = new Promise<void>((done) => setTimeout(done, 0)).then(() => this.calibrateHelpers(partition, userVector, count, exclude));
    }
    const results: PartResult[] = [];
    for (let part = 0; part < ranges.length; part++) {
      if (!asked[part]) results.push({ start: ranges[part].start, result: this.screenPart(partition, part, userVector, count, localExclusions[part]) });
    }
    for (let part = 0; part < ranges.length; part++) {
      const answer = asked[part];
      if (!answer) continue;
      // A helper that failed meanwhile costs this query its range screened here, not an error.
      const result = await answer.catch(() => this.screenPart(partition, part, userVector, count, localExclusions[part]));
      results.push({ start: ranges[part].start, result });
    }
    return mergePartResults(results, count);
  }

  /**
   * Times queries with and without the helpers, alternating, and stops the helpers unless they
   * make the median query at least 5% faster (on a machine whose other core is busy they do not,
   * and then one thread is the better choice too). Runs once per backend: the engine and the cores do
   * not change, and a backend serves one model version.
   */
  private async calibrateHelpers(partition: Partition, userVector: Float32Array, count: number, exclude?: Int32Array): Promise<void> {
    const withHelpers: number[] = [];
    const without: number[] = [];
    for (let round = 0; round < CALIBRATION_WARM_UP_ROUNDS; round++) {
      await this.partitionedTopK(partition, userVector, count, exclude, true);
      await this.partitionedTopK(partition, userVector, count, exclude, false);
    }
    for (let round = 0; round < CALIBRATION_ROUNDS; round++) {
      let started = performance.now();
      await this.partitionedTopK(partition, userVector, count, exclude, true);
      withHelpers.push(performance.now() - started);
      started = performance.now();
      await this.partitionedTopK(partition, userVector, count, exclude, false);
      without.push(performance.now() - started);
      if (this.disposed || this.partition !== partition) return;
    }
    const helped = medianOf(withHelpers);
    const alone = medianOf(without);
    const timing = `${helped.toFixed(2)} ms a query with helpers, ${alone.toFixed(2)} ms without`;
    if (helped <= alone * HELPERS_KEPT_BELOW) {
      this.helpersNote = `helpers measured faster (${timing})`;
      return;
    }
    this.helpersNote = `helpers measured no faster here (${timing}), stopped`;
    this.helpersStopped = true;
    for (const helper of this.helpers.splice(0)) helper.terminate();
  }

  private screenPart(partition: Partition, part: number, userVector: Float32Array, count: number, exclude: Int32Array): TopKResult {
    let topK = partition.topKs[part];
    if (!topK) {
      // Dims and offsets suit every range once they suit the first, but a later range can still
      // hold a scale the screening refuses (negative, NaN): that range takes the exact kernel.
      const range = partition.parts[part];
      topK = createScreenedTopK(range) ?? exactTopK(range);
      partition.topKs[part] = topK;
    }
    return topK(userVector, count, exclude);
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
function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function exactTopK(factors: QuantizedFactors): ScreenedTopK {
  const scores = new Float32Array(factors.rows);
  return (userVector, count, exclude) => {
    scoreInt8Rows(factors, userVector, scores);
    return selectTopK(scores, count, exclude);
  };
}
