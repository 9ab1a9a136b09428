import type { AlsHyperparameters } from '../../models/als/AlsHyperparameters';
import type { Dataset } from '../../models/data/Dataset';
import { DEFAULT_TUNING_GRID, type TuningGrid } from '../../models/node/evaluation/tuneAls';
import { tuneAlsWithinBudget, type BudgetedTuning } from '../../models/node/evaluation/tuneAlsWithinBudget';
import { OndeckError } from '../../models/errors/OndeckError';
import { formatDuration, parseDuration } from './parseDuration';
import { startProgress, type ProgressReporter } from './progressBar';

/** The flags of `ondeck train`'s self-tuning, as commander hands them over. */
export interface ObjectiveTuningFlagValues {
  /** `false` with `--no-tune`. */
  tune?: boolean;
  tuneBudget?: string;
  quiet?: boolean;
}

/** What `ondeck train` will do after tuning, which the tuning follows. */
export interface TuneObjectiveOptions {
  readonly run: { readonly epochs: number; readonly threads: number; readonly seed: number };
  /** The device's recency half-life, applied to timed validation histories. */
  readonly recencyHalfLifeDays: number;
  /** Keeps the factors (a warm start must keep the previous model's basis). */
  readonly fixedFactors?: number;
  /** The popularity prior is tuned after: the run the budget counts includes it. */
  readonly tunesPrior: boolean;
}

/** How long tuning may take: seconds, or a multiple of one training run (`Nx`). */
export type TuneBudgetSpec = { readonly seconds: number } | { readonly trainings: number };

/**
 * Parses `--tune-budget`: a duration (`90s`, `10m`, `1h`) or `Nx`, N trainings.
 *
 * @throws OndeckError `invalid-argument` naming the flag.
 * @example
 * ```ts
 * parseTuneBudget('3x'); // { trainings: 3 }
 * ```
 */
export function parseTuneBudget(text: string | undefined): TuneBudgetSpec {
  if (text === undefined) return { trainings: 10 };
  const multiple = /^\s*(\d+(?:\.\d+)?)\s*x\s*$/i.exec(text);
  if (multiple) {
    const trainings = Number(multiple[1]);
    if (!(trainings > 0)) throw new OndeckError('invalid-argument', { name: '--tune-budget', reason: `expected more than 0x, got "${text}"` });
    return { trainings };
  }
  return { seconds: parseDuration('tune-budget', text) };
}

/**
 * `ondeck train`'s self-tuning: tunes the objective on validation viewers held out from the
 * training users (`tuneAlsWithinBudget`), printing the budget first, a progress bar on stderr,
 * and the chosen values with their validation NDCG@100 against the start's (unless `--quiet`).
 *
 * @param start the configuration to beat (the defaults the flags resolved to).
 * @example
 * ```ts
 * const tuning = await tuneObjective(dataset, hyper, flags, { run, recencyHalfLifeDays: 30, tunesPrior: true });
 * ```
 */
export async function tuneObjective(dataset: Dataset, start: AlsHyperparameters, flags: ObjectiveTuningFlagValues, options: TuneObjectiveOptions): Promise<BudgetedTuning> {
  const { run, recencyHalfLifeDays, fixedFactors } = options;
  const budget = parseTuneBudget(flags.tuneBudget);
  const say = (line: string): void => {
    if (!flags.quiet) process.stderr.write(line + '\n');
  };
  const grid: TuningGrid = fixedFactors === undefined ? DEFAULT_TUNING_GRID : { ...DEFAULT_TUNING_GRID, factors: [fixedFactors] };
  const what = `${fixedFactors === undefined ? 'factors, ' : ''}λ, unobserved weight and alpha`;
  if ('trainings' in budget) {
    say(
      `tuning ${what} on a validation fifth of the training users; budget ${budget.trainings} × one training run` +
        `${options.tunesPrior ? " (with the prior's tuning)" : ''}, timed on the first trial (--tune-budget to change, --no-tune to skip)`,
    );
  } else {
    say(`tuning ${what} on a validation fifth of the training users; budget ${formatDuration(budget.seconds)} (--tune-budget to change, --no-tune to skip)`);
  }
  let bar: ProgressReporter | undefined;
  const tuning = await tuneAlsWithinBudget(dataset.interactions, {
    items: dataset.items,
    start: { ...start, ...(fixedFactors === undefined ? {} : { factors: fixedFactors }) },
    grid,
    epochs: run.epochs,
    threads: run.threads,
    seed: run.seed,
    recencyHalfLifeDays,
    runTunesPrior: options.tunesPrior,
    ...('seconds' in budget ? { budgetSeconds: budget.seconds } : { budgetTrainings: budget.trainings }),
    onBudget: (set) => {
      const run =
        set.runSeconds === undefined
          ? ''
          : ` = ${'trainings' in budget ? budget.trainings : ''} × ${formatDuration(set.runSeconds)} (training ≈ ${formatDuration(set.trainingSeconds ?? 0)}${options.tunesPrior ? " + the prior's tuning" : ''})`;
      say(`tuning budget: ${formatDuration(set.seconds)}${run}; successive halving from ${set.candidates} candidates`);
    },
    onTrial: (trial, progress) => {
      bar ??= startProgress('tuning', progress.planned, flags.quiet);
      bar.update(progress.done, {
        best: progress.best.ndcgAt100.toFixed(4),
        rung: `${trial.rung + 1} (${trial.epochs} epochs)`,
        time: `${formatDuration(progress.elapsedSeconds)} of ${formatDuration(progress.budgetSeconds)}`,
      });
    },
  });
  bar?.stop();
  const { best } = tuning;
  const changed = JSON.stringify(best.hyper) !== JSON.stringify(tuning.start.hyper);
  say(
    `tuned: factors ${best.hyper.factors}, λ ${best.hyper.regularization}, unobserved weight ${best.hyper.unobservedWeight}, alpha ${best.hyper.alpha}` +
      `${changed ? '' : ' (the defaults won)'}; validation NDCG@100 ${best.ndcgAt100.toFixed(4)} against ${tuning.start.ndcgAt100.toFixed(4)} for the defaults ` +
      `(${tuning.validationUsers} viewers, ${best.epochs} epochs; ${tuning.trials.length} trials in ${formatDuration(tuning.elapsedSeconds)} of a ${formatDuration(tuning.budget.seconds)} budget` +
      `${tuning.skipped > 0 ? `, ${tuning.skipped} skipped to stay within it` : ''})`,
  );
  return tuning;
}
