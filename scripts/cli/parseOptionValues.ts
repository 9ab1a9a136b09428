import { InvalidArgumentError } from 'commander';
import { OndeckError } from '../../models/errors/OndeckError';

/** What a number option accepts: bounds (inclusive) and whether it must be an integer. */
export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** Why `text` is not a number under `rule` (e.g. `expected an integer ≥ 1, got "abc"`), or undefined when it is one. */
function numberRuleViolation(text: string, { min = -Infinity, max = Infinity, integer = false }: NumberRule): string | undefined {
  const value = Number(text);
  if (text.trim() !== '' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value))) return undefined;
  const expected = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}`;
  return `expected ${expected}, got "${text}"`;
}

/** Parses a CLI number option, rejecting anything that is not a finite number in range. */
export function parseNumberOption(name: string, text: string | undefined, rule: NumberRule = {}): number | undefined {
  if (text === undefined) return undefined;
  const reason = numberRuleViolation(text, rule);
  if (reason !== undefined) throw new OndeckError('invalid-argument', { name: `--${name}`, reason });
  return Number(text);
}

/**
 * The same check as {@link parseNumberOption}, as a commander `argParser`
 * (`.option('--items <n>', 'titles', numberArgParser({ min: 1, integer: true }), 20_000)`), for the
 * scripts that parse their flags with commander alone. It throws commander's
 * `InvalidArgumentError`, so commander itself reports the flag (`error: option '--items <n>'
 * argument 'abc' is invalid. expected an integer ≥ 1, got "abc"`) and exits with code 1 before the
 * script starts, rather than the script running with NaN.
 */
export function numberArgParser(rule: NumberRule = {}): (text: string) => number {
  return (text) => {
    const reason = numberRuleViolation(text, rule);
    if (reason !== undefined) throw new InvalidArgumentError(reason);
    return Number(text);
  };
}

/** Milliseconds per unit of {@link parseDurationOption}. */
const DURATION_UNITS: Readonly<Record<string, number>> = Object.freeze({ m: 60_000, h: 3_600_000, d: 86_400_000 });

/**
 * Parses a duration option such as `90m`, `36h` or `5d` (a positive number and one unit: minutes,
 * hours or days) into milliseconds.
 */
export function parseDurationOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([mhd])$/.exec(text.trim());
  if (!match || !(Number(match[1]) > 0)) {
    throw new OndeckError('invalid-argument', { name: `--${name}`, reason: `expected a duration such as 90m, 36h or 5d, got "${text}"` });
  }
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2]]!);
}
