import type { Dataset } from '../../data/Dataset';
import { DEFAULT_ALS_HYPERPARAMETERS, type AlsHyperparameters } from '../../als/AlsHyperparameters';
import { alsCandidate } from './alsCandidate';
import { evaluateStrongGeneralization } from '../../evaluation/evaluateStrongGeneralization';

/** Values `tuneAls` tries for each hyperparameter. */
export type TuningGrid = { readonly [K in keyof AlsHyperparameters]?: readonly number[] };

/** The default search space (Rendle et al. 2021 sweep the same quantities). */
export const DEFAULT_TUNING_GRID: TuningGrid = Object.freeze({
  factors: [32, 64, 128],
  unobservedWeight: [0.03, 0.1, 0.3, 1],
  regularization: [0.001, 0.003, 0.01, 0.03],
  alpha: [0, 1, 3],
});

/** One evaluated configuration. */
export interface TuningTrial {
  readonly hyper: AlsHyperparameters;
  readonly ndcgAt100: number;
  readonly recallAt20: number;
}

/** Options of {@link tuneAls}. */
export interface TuneOptions {
  readonly grid?: TuningGrid;
  readonly start?: Partial<AlsHyperparameters>;
  /** @defaultValue 15 */
  readonly epochs?: number;
  /** Passes over the coordinates. @defaultValue 2 */
  readonly rounds?: number;
  readonly threads?: number;
  /** Seed of the validation split; keep it different from the evaluation's. @defaultValue 1009 */
  readonly seed?: number;
  readonly onTrial?: (trial: TuningTrial, best: TuningTrial) => void;
}

/**
 * Tunes iALS on a validation split of the users (strong generalization, one fold of five held
 * out; NDCG@100 on the held-out users' remaining 20%), by coordinate search: one
 * hyperparameter at a time over its grid, keeping the best, for `rounds` passes. Untuned iALS
 * trails EASE badly; tuned, it matches it (Rendle et al. 2021), which is why `ondeck train`'s
 * defaults come from a run of this.
 *
 * @example
 * ```ts
 * const { best } = await tuneAls(dataset, { epochs: 15 });
 * ```
 */
export async function tuneAls(dataset: Dataset, options: TuneOptions = {}): Promise<{ best: TuningTrial; trials: TuningTrial[] }> {
  const grid = options.grid ?? DEFAULT_TUNING_GRID;
  const seen = new Map<string, TuningTrial>();
  const trials: TuningTrial[] = [];
  const evaluate = async (hyper: AlsHyperparameters): Promise<TuningTrial> => {
    const key = JSON.stringify(hyper);
    const cached = seen.get(key);
    if (cached) return cached;
    const [result] = await evaluateStrongGeneralization(dataset, [alsCandidate({ hyper, epochs: options.epochs ?? 15, threads: options.threads, includeInt8: false })], {
      folds: 5,
      maxFolds: 1,
      seed: options.seed ?? 1009,
    });
    const trial: TuningTrial = { hyper, ndcgAt100: result.ndcgAt100, recallAt20: result.recallAt20 };
    seen.set(key, trial);
    trials.push(trial);
    return trial;
  };
  let best = await evaluate({ ...DEFAULT_ALS_HYPERPARAMETERS, ...options.start });
  options.onTrial?.(best, best);
  for (let round = 0; round < (options.rounds ?? 2); round++) {
    let improved = false;
    for (const key of Object.keys(grid) as (keyof AlsHyperparameters)[]) {
      for (const value of grid[key] ?? []) {
        const trial = await evaluate({ ...best.hyper, [key]: value });
        if (trial.ndcgAt100 > best.ndcgAt100) {
          best = trial;
          improved = true;
        }
        options.onTrial?.(trial, best);
      }
    }
    if (!improved) break;
  }
  return { best, trials };
}
