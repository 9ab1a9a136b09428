import type { QuantizedFactors } from '../../quantize';
import type { TopKResult } from '../ScoringBackend';
import type { Int8KernelFlavour } from '../wasm/Int8KernelFlavour';
import { mergePartResults, type PartResult } from './mergePartResults';
import { partitionRows, splitExclusions, type RowRange } from './partitionRows';
import { ScreeningHelper } from './ScreeningHelper';
import type { ScreeningHelperPort } from './screeningHelperMessages';

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

/** Options of {@link HelperSplit}: those of the int8 backends that screen on helper workers. */
export interface HelperSplitOptions {
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
 * Top-K over the table's first `rowEnd` rows (the whole table without it), screened on this
 * thread: `createScreenedTopK`'s function, or the WebAssembly kernel's.
 */
export type LocalTopK = (userVector: Float32Array, count: number, exclude: Int32Array | undefined, rowEnd?: number) => TopKResult;

/**
 * The helper-worker split of one int8 backend (`js` or `wasm-int8`): a table's rows in
 * contiguous ranges, the first screened on the engine's thread, the others by helper workers
 * holding a copy of their range (see `serveScreeningHelper`), all at once, with the per-range
 * top-K lists merged exactly ({@link mergePartResults}: the same result as one thread). Until
 * every helper holds the current table (they start in a task after {@link plan}), or once one
 * failed, the whole table is screened here, so a query never waits for a helper to start and
 * never fails because of one; a helper that errors or stops answering is given up.
 *
 * @example
 * ```ts
 * const split = new HelperSplit({ threads: 2, spawnHelper });
 * split.reset(); // a table was loaded
 * split.plan(factors.rows, (range) => partOf(factors, range));
 * const { indices } = await split.topK(screen, userVector, 20, watched);
 * ```
 */
export class HelperSplit {
  /** Increases with every table loaded, so that helpers' answers about an older one are told apart. */
  private generation = 0;
  private ranges: readonly RowRange[] | undefined;
  private readonly helpers: ScreeningHelper[] = [];
  private disposed = false;

  /**
   * @param wasmFlavour the WebAssembly int8 build the helpers screen with; the `js` kernel without it.
   */
  constructor(
    private readonly options: HelperSplitOptions,
    private readonly wasmFlavour?: Int8KernelFlavour,
  ) {}

  /** Threads a query runs on now: every range's thread once all helpers hold the current table, else 1. */
  get threads(): number {
    return this.ranges && this.helpersReady(this.ranges) ? this.ranges.length : 1;
  }

  /** Threads a table of `rows` will be split over (the backend's status line says it before they run). */
  plannedThreads(rows: number): number {
    return this.options.spawnHelper ? screeningThreadsFor(this.options.threads ?? 1, rows, this.options.minRowsPerThread) : 1;
  }

  /** A new table is in service: the previous split no longer applies (its helpers are reloaded by {@link plan}). */
  reset(): void {
    this.generation++;
    this.ranges = undefined;
    this.disposed = false;
  }

  /**
   * Splits the current table of `rows` rows and, with more than one range, sends each helper its
   * part (`partOf` its range: a view, copied when sent) in a task of its own, so that the query
   * that got here first is not held up by starting workers (it screens the whole table meanwhile).
   */
  plan(rows: number, partOf: (range: RowRange) => QuantizedFactors): void {
    const wanted = this.plannedThreads(rows);
    const ranges = wanted > 1 ? partitionRows(rows, wanted) : [];
    if (ranges.length < 2) return;
    this.ranges = ranges;
    const generation = this.generation;
    setTimeout(() => {
      if (this.generation === generation && !this.disposed) this.startHelpers(ranges.map(partOf));
    }, 0);
  }

  /**
   * With every helper holding this table: asks them for their ranges, screens range 0 here with
   * `screen` meanwhile, merges. Otherwise (no split, helpers starting or given up) screens the
   * whole table here.
   */
  async topK(screen: LocalTopK, userVector: Float32Array, count: number, exclude?: Int32Array): Promise<TopKResult> {
    // This query's table: a load() while it waits does not change what it merges.
    const { generation, ranges } = this;
    // All or none: the range screened here is the table's prefix, so a missing helper's range
    // cannot be added to it; without every helper the whole table is screened here.
    if (!ranges || !this.helpersReady(ranges)) return screen(userVector, count, exclude);
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

  /** Stops every helper; a later {@link reset} and {@link plan} start new ones. */
  dispose(): void {
    this.ranges = undefined;
    this.disposed = true;
    for (const helper of this.helpers.splice(0)) helper.terminate();
  }

  /** True when every helper holds the current table: only then are they asked. */
  private helpersReady(ranges: readonly RowRange[]): boolean {
    const helpers = this.helpers.slice(0, ranges.length - 1);
    return helpers.length === ranges.length - 1 && helpers.every((helper) => helper.isReadyFor(this.generation));
  }

  /** Spawns the helpers once per backend and sends each its range of the current table. */
  private startHelpers(parts: readonly QuantizedFactors[]): void {
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
      helper.load(this.generation, parts[part], this.wasmFlavour);
    }
  }
}
