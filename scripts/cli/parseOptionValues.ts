import { OndeckError } from '../../models/errors/OndeckError';

/** Parses a CLI number option, rejecting anything that is not a finite number in range. */
export function parseNumberOption(name: string, text: string | undefined, { min = -Infinity, max = Infinity, integer = false } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const rule = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}`;
    throw new OndeckError('invalid-argument', { name: `--${name}`, reason: `expected ${rule}, got "${text}"` });
  }
  return value;
}
