import { DEFAULT_ALS_HYPERPARAMETERS, type AlsHyperparameters } from '../../als/AlsHyperparameters';
import { selectUsers, type InteractionMatrix } from '../../data/InteractionMatrix';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { buildDeviceRecommender } from '../../evaluation/buildDeviceRecommender';
import { priorValidationViews, type PriorValidationOptions, type ValidationView } from '../../evaluation/priorValidationViews';
import { tunePopularityPrior } from '../../evaluation/tunePopularityPrior';
import { trainDeviceFactors } from './trainDeviceFactors';
import { halvingRungSizes, halvingSchedule } from './halvingSchedule';
import { DEFAULT_TUNING_GRID, type TuningGrid } from './tuneAls';

/** One configuration trained to one rung and scored on the validation viewers. */
export interface BudgetedTrial {
  readonly hyper: AlsHyperparameters;
  readonly rung: number;
  /** Epochs trained in all by the end of this rung. */
  readonly epochs: number;
  /** Mean over the validation views of each view's mean NDCG@100 (on-device path, no prior). */
  readonly ndcgAt100: number;
  readonly byView: Readonly<Record<string, number>>;
  /** Training and scoring time of this rung's step. */
  readonly seconds: number;
  /** Of which training (the rest is scoring the views). */
  readonly trainingSeconds: number;
}

/** How the budget was set: given, or from a measured training. */
export interface TuningBudget {
  readonly seconds: number;
  /** One full training (every user, every epoch), estimated from the first trial; absent when the budget was given. */
  readonly trainingSeconds?: number;
  /**
   * One run of what the caller does without tuning, the budget's unit: the full training, plus
   * (with `runTunesPrior`) the prior's tuning, one training on the fitting users and a scoring of
   * the views. Absent when the budget was given.
   */
  readonly runSeconds?: number;
  /** Rung 0's candidates, chosen so that the whole search fits the budget. */
  readonly candidates: number;
}

/** Where the search stands, after each trial. */
export interface BudgetedProgress {
  readonly done: number;
  readonly planned: number;
  readonly elapsedSeconds: number;
  readonly budgetSeconds: number;
  readonly best: BudgetedTrial;
}

/** Options of {@link tuneAlsWithinBudget}. */
export interface TuneAlsWithinBudgetOptions {
  /** Item metadata, for the content-filled cold-start rows the device ships. */
  readonly items: ReadonlyMap<string, ItemMetadata>;
  /** The configuration to beat (tried first, and always carried to the last rung). @defaultValue the training defaults */
  readonly start?: Partial<AlsHyperparameters>;
  /** The final training's epochs: the last rung trains this long. @defaultValue 15 */
  readonly epochs?: number;
  readonly threads?: number;
  /** Seed of the training (as the final one) and of the draw of candidates. @defaultValue 42 */
  readonly seed?: number;
  /** Wall-clock budget in seconds. @defaultValue `budgetTrainings` × one run, measured on the first trial */
  readonly budgetSeconds?: number;
  /** The default budget, in runs (`TuningBudget.runSeconds`). @defaultValue 10 */
  readonly budgetTrainings?: number;
  /** The run the budget counts includes the popularity prior's tuning, as `ondeck train`'s does. @defaultValue false */
  readonly runTunesPrior?: boolean;
  readonly grid?: TuningGrid;
  /** Rung 0's most candidates; fewer when the measured cost says more would overrun the budget. @defaultValue 27 */
  readonly candidates?: number;
  /** Same split as the prior's tuning (`priorValidationViews`): the same viewers, never trained on. */
  readonly validation?: PriorValidationOptions;
  /** Weight timed validation histories as the device does. */
  readonly recencyHalfLifeDays?: number;
  /**
   * Which validation views score a candidate: `'long'`, the long histories (`temporal` and
   * `random`), or `'all'`, the new profiles too. @defaultValue 'long'
   */
  readonly views?: 'long' | 'all';
  /** Called once the budget and rung 0's size are known: after the first trial (the start), which measures the cost. */
  readonly onBudget?: (budget: TuningBudget) => void;
  readonly onTrial?: (trial: BudgetedTrial, progress: BudgetedProgress) => void;
}

/** What {@link tuneAlsWithinBudget} found. */
export interface BudgetedTuning {
  /** The best configuration of the furthest rung reached (the start when nothing beat it). */
  readonly best: BudgetedTrial;
  /** The start's trial on the same rung as `best`, for comparison. */
  readonly start: BudgetedTrial;
  readonly trials: readonly BudgetedTrial[];
  readonly budget: TuningBudget;
  readonly elapsedSeconds: number;
  /** Trials skipped because they would not have fitted the budget. */
  readonly skipped: number;
  readonly validationUsers: number;
}

/**
 * Tunes the iALS objective (factors, λ, unobserved weight, alpha) on validation viewers held out
 * from `train` itself, within a time budget, by successive halving ({@link halvingSchedule}): many
 * configurations for a few epochs, the best third trained on (warm: from its own item factors, so
 * a rung costs only its extra epochs), and so on to the full epochs. Candidates are scored as the
 * device ranks (int8 fold-in, recency on timed views, no prior) on the prior's validation viewers,
 * by default on their long-history views (`options.views`).
 *
 * The start is always tried first: its cost (per call, per epoch and factor, and scoring per
 * factor) sizes rung 0 (27, 18, 12, 9, 6, 4 or 3 candidates) so that the whole search fits the
 * budget, and any trial that would still overrun it is skipped; the best of the furthest rung
 * reached wins. The start is carried to the last rung, so the tuned model does no worse on
 * validation than the start unless the budget cuts the search short. The same seed and rung-0 size
 * give the same search; only a budget near the edge makes the size depend on the machine's speed.
 *
 * @example
 * ```ts
 * const { best } = await tuneAlsWithinBudget(dataset.interactions, { items: dataset.items, epochs: 15, budgetSeconds: 600 });
 * ```
 */
export async function tuneAlsWithinBudget(train: InteractionMatrix, options: TuneAlsWithinBudgetOptions): Promise<BudgetedTuning> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const epochs = options.epochs ?? 15;
  const seed = options.seed ?? 42;
  const start: AlsHyperparameters = { ...DEFAULT_ALS_HYPERPARAMETERS, ...options.start };
  const split = priorValidationViews(train, options.validation);
  const { trainUsers } = split;
  // New profiles are the popularity prior's job, tuned after with the chosen values: scored
  // without it, they favour configurations that imitate popularity (λ 0.03, α₀ 1 won on
  // ml-latest-small), which cost long histories 9% once the prior was added (NDCG@100 on the
  // evaluation's random split 0.3712 → 0.3375, short-3 0.3661 → 0.3647).
  const views = options.views === 'all' ? split.views : split.views.filter((view) => !view.name.startsWith('short-'));
  const fitting = selectUsers(train, trainUsers);
  const schedule = halvingSchedule(start, options.grid ?? DEFAULT_TUNING_GRID, epochs, { seed, candidates: options.candidates });
  const rungs = schedule.rungEpochs.length;
  const extraEpochsOf = (rung: number): number => schedule.rungEpochs[rung] - (rung === 0 ? 0 : schedule.rungEpochs[rung - 1]);
  // The start rides along to the last rung as the reference: it keeps its place even when it ranks outside the kept third.
  const trialsPlanned = (candidates: number): number => halvingRungSizes(candidates, rungs).reduce((sum, size, rung) => sum + size + (rung > 0 && size < candidates ? 1 : 0), 0);

  // The cost model, from the trials so far (running means): a fixed cost per training call, seconds
  // per epoch and factor, and scoring seconds per factor.
  const cost = { overhead: 0, epochPerFactor: 0, scoringPerFactor: 0, samples: 0 };
  const predictedSeconds = (factors: number, extraEpochs: number): number => cost.overhead + factors * (extraEpochs * cost.epochPerFactor + cost.scoringPerFactor);
  /** The rest of the search with `candidates` in rung 0, its first trial (the start) done. */
  const plannedSeconds = (candidates: number): number => {
    const meanFactors = schedule.candidates.slice(0, candidates).reduce((sum, hyper) => sum + hyper.factors, 0) / candidates;
    return halvingRungSizes(candidates, rungs).reduce((sum, size, rung) => {
      const count = rung === 0 ? size - 1 : size + (size < candidates ? 1 : 0);
      return sum + count * predictedSeconds(meanFactors, extraEpochsOf(rung));
    }, 0);
  };

  let budget: TuningBudget | undefined;
  let candidates = schedule.candidates.length;
  const trials: BudgetedTrial[] = [];
  let skipped = 0;
  let bestOf: BudgetedTrial | undefined;
  const factorsOf = new Map<number, Float32Array>();
  let alive = [0];
  let rungReached: Map<number, BudgetedTrial> | undefined;
  for (let rung = 0; rung < rungs; rung++) {
    const rungTrials = new Map<number, BudgetedTrial>();
    const extraEpochs = extraEpochsOf(rung);
    for (let position = 0; position < alive.length; position++) {
      const index = alive[position];
      const hyper = schedule.candidates[index];
      if (budget && elapsed() + predictedSeconds(hyper.factors, extraEpochs) > budget.seconds) {
        skipped++;
        continue;
      }
      const trialStarted = performance.now();
      const previous = factorsOf.get(index);
      const { als, itemFactors, popularity } = await trainDeviceFactors(fitting, options.items, {
        hyper,
        epochs: extraEpochs,
        threads: options.threads,
        seed,
        warmStart: previous && { itemIds: fitting.itemIds, dims: hyper.factors, itemFactors: previous },
      });
      const trainingSeconds = (performance.now() - trialStarted) / 1000;
      factorsOf.set(index, als.itemFactors);
      const score = await scoreViews(itemFactors, popularity, als.dims, als.hyper, views, options.recencyHalfLifeDays);
      const seconds = (performance.now() - trialStarted) / 1000;
      const trial: BudgetedTrial = { hyper, rung, epochs: schedule.rungEpochs[rung], ...score, seconds, trainingSeconds };
      trials.push(trial);
      rungTrials.set(index, trial);
      const epochSeconds = als.epochSeconds.reduce((sum, value) => sum + value, 0);
      const weight = 1 / ++cost.samples;
      cost.overhead += weight * (trainingSeconds - epochSeconds - cost.overhead);
      cost.epochPerFactor += weight * (epochSeconds / (extraEpochs * hyper.factors) - cost.epochPerFactor);
      cost.scoringPerFactor += weight * ((seconds - trainingSeconds) / hyper.factors - cost.scoringPerFactor);
      if (!budget) {
        budget = setBudget(trainingSeconds - epochSeconds, epochSeconds / extraEpochs, seconds - trainingSeconds);
        options.onBudget?.(budget);
        alive = schedule.candidates.slice(0, candidates).map((_, i) => i);
      }
      // Only trials of the same rung (the same epochs) compare; a later rung's first trial replaces the best.
      if (!bestOf || bestOf.rung < rung || trial.ndcgAt100 > bestOf.ndcgAt100) bestOf = trial;
      rungReached = rungTrials;
      options.onTrial?.(trial, { done: trials.length, planned: trialsPlanned(candidates), elapsedSeconds: elapsed(), budgetSeconds: budget.seconds, best: bestOf });
    }
    if (rung + 1 === rungs || rungTrials.size === 0) break;
    const ranked = [...rungTrials.entries()].sort((a, b) => b[1].ndcgAt100 - a[1].ndcgAt100 || a[0] - b[0]).map(([index]) => index);
    const kept = ranked.slice(0, halvingRungSizes(candidates, rungs)[rung + 1]);
    if (rungTrials.has(0) && !kept.includes(0)) kept.push(0);
    for (const index of alive) if (!kept.includes(index)) factorsOf.delete(index);
    alive = kept;
  }

  /** The budget (given, or runs of the measured cost) and rung 0's size, once the first trial is measured. */
  function setBudget(overhead: number, epochSeconds: number, scoringSeconds: number): TuningBudget {
    let measured: Pick<TuningBudget, 'trainingSeconds' | 'runSeconds'> = {};
    let seconds = options.budgetSeconds;
    if (seconds === undefined) {
      // One full training: every user (the trial trained on the fitting users only), every epoch.
      const fittingTraining = overhead + epochSeconds * epochs;
      const trainingSeconds = overhead + epochSeconds * epochs * (train.userIds.length / Math.max(1, fitting.userIds.length));
      const runSeconds = trainingSeconds + (options.runTunesPrior ? fittingTraining + scoringSeconds : 0);
      seconds = (options.budgetTrainings ?? 10) * runSeconds;
      measured = { trainingSeconds, runSeconds };
    }
    // The most candidates (of a few sizes, so the plan rarely changes with the machine's speed) whose whole search fits.
    const sizes = [27, 18, 12, 9, 6, 4, 3].filter((size) => size < schedule.candidates.length);
    candidates = [schedule.candidates.length, ...sizes].find((size) => elapsed() + plannedSeconds(size) <= seconds) ?? Math.min(3, schedule.candidates.length);
    return { seconds, ...measured, candidates };
  }
  // The first trial always runs, so there is a best and a rung reached.
  const best = bestOf as BudgetedTrial;
  const startTrial = rungReached?.get(0) ?? trials[0];
  return { best, start: startTrial, trials, budget: budget as TuningBudget, elapsedSeconds: elapsed(), skipped, validationUsers: views[0]?.users.length ?? 0 };
}

/** NDCG@100 over the views through the device path, without a prior (the prior is tuned after). */
async function scoreViews(
  itemFactors: Float32Array,
  popularity: Int32Array,
  dims: number,
  hyper: AlsHyperparameters,
  views: readonly ValidationView[],
  recencyHalfLifeDays: number | undefined,
): Promise<{ ndcgAt100: number; byView: Readonly<Record<string, number>> }> {
  const recommender = await buildDeviceRecommender({ itemFactors, itemCount: popularity.length, dims, foldIn: hyper, popularity });
  try {
    // An empty grid leaves only weight 0: the fold-in alone, scored exactly as the prior's tuning scores it.
    const { withoutPrior } = await tunePopularityPrior(recommender, popularity, views, { grid: { weights: [], historyScales: [] }, recencyHalfLifeDays });
    return { ndcgAt100: withoutPrior.ndcgAt100, byView: withoutPrior.byView };
  } finally {
    await recommender.backend.dispose();
  }
}
