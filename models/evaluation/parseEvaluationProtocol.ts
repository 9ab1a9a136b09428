import { OndeckError } from '../errors/OndeckError';
import type { EvaluationProtocol } from './EvaluationProtocol';

/**
 * Reads a protocol name: `random`, `temporal` or `short-N` for a positive integer N (any case).
 *
 * @throws OndeckError `invalid-argument` naming the accepted forms.
 * @example
 * ```ts
 * parseEvaluationProtocol('short-3'); // { kind: 'short', foldInTitles: 3 }
 * parseEvaluationProtocol('temporal'); // { kind: 'temporal' }
 * ```
 */
export function parseEvaluationProtocol(text: string): EvaluationProtocol {
  const name = text.trim().toLowerCase();
  if (name === 'random' || name === 'temporal') return { kind: name };
  const short = /^short-(\d+)$/.exec(name);
  const foldInTitles = short === null ? Number.NaN : Number(short[1]);
  if (Number.isSafeInteger(foldInTitles) && foldInTitles >= 1) return { kind: 'short', foldInTitles };
  throw new OndeckError('invalid-argument', {
    name: '--protocol',
    value: text,
    reason: `unknown protocol "${text}"; expected random, temporal or short-N with N a positive integer (e.g. short-3)`,
  });
}
