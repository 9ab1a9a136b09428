import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_ALS_HYPERPARAMETERS, type AlsHyperparameters } from '../../models/als/AlsHyperparameters';
import { OndeckError } from '../../models/errors/OndeckError';
import { parseNumberOption } from './parseOptionValues';

/** Adds the ALS hyperparameter flags shared by train, eval and tune. */
export function addAlsOptions(command: Command): Command {
  return command
    .option('--params <file>', 'JSON hyperparameters, e.g. the output of `ondeck tune`')
    .option('--factors <n>', `latent dimensions (default ${DEFAULT_ALS_HYPERPARAMETERS.factors})`)
    .option('--regularization <x>', `λ (default ${DEFAULT_ALS_HYPERPARAMETERS.regularization})`)
    .option('--regularization-exponent <x>', `frequency scaling ν of λ (default ${DEFAULT_ALS_HYPERPARAMETERS.regularizationExponent})`)
    .option('--unobserved-weight <x>', `α₀, weight of unobserved pairs (default ${DEFAULT_ALS_HYPERPARAMETERS.unobservedWeight})`)
    .option('--alpha <x>', `confidence slope: c = 1 + alpha·weight (default ${DEFAULT_ALS_HYPERPARAMETERS.alpha})`)
    .option('--epochs <n>', 'training epochs (default 15)')
    .option('--threads <n>', 'training threads (default: 2, or 1 on a single core)')
    .option('--seed <n>', 'random seed (default 42)');
}

/** Values of {@link addAlsOptions}'s flags as commander hands them over. */
export interface AlsFlagValues {
  params?: string;
  factors?: string;
  regularization?: string;
  regularizationExponent?: string;
  unobservedWeight?: string;
  alpha?: string;
  epochs?: string;
  threads?: string;
  seed?: string;
}

/** Hyperparameters from defaults, then `--params`, then individual flags (later wins). */
export async function resolveAlsHyperparameters(flags: AlsFlagValues): Promise<AlsHyperparameters> {
  let fromFile: Partial<AlsHyperparameters> = {};
  if (flags.params) {
    try {
      const parsed = JSON.parse(await readFile(flags.params, 'utf8')) as { hyper?: Partial<AlsHyperparameters> } & Partial<AlsHyperparameters>;
      fromFile = parsed.hyper ?? parsed;
    } catch {
      throw new OndeckError('invalid-argument', { name: '--params', reason: `${flags.params} is not a readable JSON file` });
    }
  }
  const pick = (key: keyof AlsHyperparameters, text: string | undefined, rule: { min?: number; integer?: boolean }): number =>
    parseNumberOption(key, text, rule) ?? (typeof fromFile[key] === 'number' ? fromFile[key] : DEFAULT_ALS_HYPERPARAMETERS[key]);
  return {
    factors: pick('factors', flags.factors, { min: 1, integer: true }),
    regularization: pick('regularization', flags.regularization, { min: 0 }),
    regularizationExponent: pick('regularizationExponent', flags.regularizationExponent, { min: 0 }),
    unobservedWeight: pick('unobservedWeight', flags.unobservedWeight, { min: 0 }),
    alpha: pick('alpha', flags.alpha, { min: 0 }),
  };
}

/**
 * Whether the flags choose the training objective (`--params`, `--factors`, `--regularization`,
 * `--regularization-exponent`, `--unobserved-weight` or `--alpha`): `ondeck train` then trains
 * with them as given instead of tuning. Epochs, threads and seed are not the objective.
 */
export function objectiveChosenByFlags(flags: AlsFlagValues): boolean {
  return [flags.params, flags.factors, flags.regularization, flags.regularizationExponent, flags.unobservedWeight, flags.alpha].some((value) => value !== undefined);
}

/** Epochs, threads and seed from the flags. */
export function resolveRunOptions(flags: AlsFlagValues, cores: number): { epochs: number; threads: number; seed: number } {
  return {
    epochs: parseNumberOption('epochs', flags.epochs, { min: 1, integer: true }) ?? 15,
    threads: parseNumberOption('threads', flags.threads, { min: 1, integer: true }) ?? Math.max(1, Math.min(2, cores)),
    seed: parseNumberOption('seed', flags.seed, { integer: true }) ?? 42,
  };
}
