import type { Command } from 'commander';
import { OndeckError } from '../../models/errors/OndeckError';
import { checkPopularityPrior, type PopularityPriorParameters } from '../../models/scoring/PopularityPrior';
import { DEFAULT_RECENCY_HALF_LIFE_DAYS } from '../../models/scoring/recencyDecay';
import { parseNumberOption } from './parseOptionValues';

/** Adds the flags of the device's ranking (popularity prior, recency) shared by train and eval. */
export function addDeviceRankingOptions(command: Command): Command {
  return command
    .option(
      '--prior <spec>',
      "popularity prior of the on-device ranking: 'tune' (on a validation fifth of the training users), 'off', or WEIGHT,SCALE " +
        '(score + WEIGHT / (1 + titles / SCALE) × popularity / max popularity) (default tune)',
    )
    .option(
      '--device-half-life <days>',
      `recency half-life, in days, of the device's history weighting, applied to timed validation and evaluation histories (default ${DEFAULT_RECENCY_HALF_LIFE_DAYS})`,
    );
}

/** Values of {@link addDeviceRankingOptions}'s flags as commander hands them over. */
export interface DeviceRankingFlagValues {
  prior?: string;
  deviceHalfLife?: string;
}

/** What the device-ranking flags ask for. */
export interface DeviceRankingChoice {
  /** Tune the prior, use these parameters, or none (`undefined`). */
  readonly popularityPrior: PopularityPriorParameters | 'tune' | undefined;
  readonly recencyHalfLifeDays: number;
}

/**
 * Parses `--prior` and `--device-half-life`.
 *
 * @throws OndeckError `invalid-argument` naming the flag.
 */
export function resolveDeviceRanking(flags: DeviceRankingFlagValues): DeviceRankingChoice {
  const recencyHalfLifeDays = parseNumberOption('device-half-life', flags.deviceHalfLife, { min: Number.MIN_VALUE }) ?? DEFAULT_RECENCY_HALF_LIFE_DAYS;
  const spec = (flags.prior ?? 'tune').trim().toLowerCase();
  if (spec === 'tune') return { popularityPrior: 'tune', recencyHalfLifeDays };
  if (spec === 'off') return { popularityPrior: undefined, recencyHalfLifeDays };
  const parts = spec.split(',');
  const prior = { weight: Number(parts[0]), historyScale: Number(parts[1]) };
  try {
    if (parts.length !== 2 || parts.some((part) => part.trim() === '')) throw new Error();
    checkPopularityPrior(prior);
  } catch {
    throw new OndeckError('invalid-argument', { name: '--prior', reason: `expected tune, off or WEIGHT,SCALE (a weight ≥ 0 and a scale > 0, e.g. 0.2,5), got "${flags.prior}"` });
  }
  return { popularityPrior: prior, recencyHalfLifeDays };
}
