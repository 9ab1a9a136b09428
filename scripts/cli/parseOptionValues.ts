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
