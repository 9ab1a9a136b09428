import type { AlsHyperparameters } from '../../als/AlsHyperparameters';
import { SeededRandom } from '../../random';
import type { TuningGrid } from './tuneAls';

/** The plan of a successive-halving search: who starts, and how long each rung trains. */
export interface HalvingSchedule {
  /** Rung 0's candidates; the first is the starting configuration. */
  readonly candidates: readonly AlsHyperparameters[];
  /** Total epochs a candidate has trained by the end of each rung (increasing; the last is the full training). */
  readonly rungEpochs: readonly number[];
  /** Candidates each rung keeps: `ceil(previous / reduction)`. */
  readonly rungSizes: readonly number[];
}

/** Options of {@link halvingSchedule}. */
export interface HalvingScheduleOptions {
  /** How many configurations rung 0 tries, the start included. @defaultValue 27 */
  readonly candidates?: number;
  /** Each rung keeps 1 / `reduction` of the previous one and trains `reduction` × longer. @defaultValue 3 */
  readonly reduction?: number;
  /** Seed of the draw of candidates from the grid. */
  readonly seed: number;
}

/**
 * Plans successive halving (Jamieson & Talwalkar 2016; Hyperband's inner loop) for iALS: the
 * start plus configurations drawn without replacement from `grid` (seeded, so the same seed gives
 * the same search), trained for `epochs / reduction²`, then `epochs / reduction`, then `epochs`.
 * iALS ranks configurations early (its loss drops most in the first epochs), so most of the budget
 * goes to the few that are still in the race.
 *
 * @example
 * ```ts
 * const { candidates, rungEpochs } = halvingSchedule(DEFAULT_ALS_HYPERPARAMETERS, DEFAULT_TUNING_GRID, 15, { seed: 42 });
 * // rungEpochs: [2, 5, 15]
 * ```
 */
export function halvingSchedule(start: AlsHyperparameters, grid: TuningGrid, epochs: number, options: HalvingScheduleOptions): HalvingSchedule {
  const reduction = options.reduction ?? 3;
  const wanted = Math.max(1, options.candidates ?? 27);
  const rungEpochs = [...new Set([Math.ceil(epochs / (reduction * reduction)), Math.ceil(epochs / reduction), epochs])].sort((a, b) => a - b);
  const keys = (Object.keys(grid) as (keyof AlsHyperparameters)[]).filter((key) => (grid[key]?.length ?? 0) > 0);
  let points: AlsHyperparameters[] = [start];
  for (const key of keys) points = points.flatMap((point) => (grid[key] ?? []).map((value) => ({ ...point, [key]: value })));
  const startKey = JSON.stringify(start);
  const others = points.filter((point) => JSON.stringify(point) !== startKey);
  new SeededRandom(options.seed).shuffle(others);
  const candidates = [start, ...others.slice(0, wanted - 1)];
  return { candidates, rungEpochs, rungSizes: halvingRungSizes(candidates.length, rungEpochs.length, reduction) };
}

/**
 * How many candidates each rung keeps when rung 0 has `candidates`: `ceil(previous / reduction)`.
 *
 * @example
 * ```ts
 * halvingRungSizes(27, 3); // [27, 9, 3]
 * ```
 */
export function halvingRungSizes(candidates: number, rungs: number, reduction = 3): number[] {
  const sizes = [candidates];
  for (let rung = 1; rung < rungs; rung++) sizes.push(Math.ceil(sizes[rung - 1] / reduction));
  return sizes;
}
