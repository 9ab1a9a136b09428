import { OndeckError } from '../errors/OndeckError';
import type { UserHistory } from '../scoring/ScoringModel';

/**
 * The argument checks every baseline's `scoreItems` runs first: `out` must have one slot per
 * item, and every history index must be a column of the trained matrix. Out-of-range indices
 * are refused loudly because a typed-array read past the end yields `undefined` → NaN scores,
 * which would silently corrupt a ranking. O(history length), so it costs nothing per query.
 *
 * @throws OndeckError `dimension-mismatch` for a wrong `out` length, `invalid-argument` for a
 *   history index outside [0, itemCount) or mismatched `indices` / `weights` lengths.
 *
 * @example
 * ```ts
 * scoreItems(history, out) {
 *   checkScoringArguments(history, out, itemCount);
 *   …
 * }
 * ```
 */
export function checkScoringArguments(history: UserHistory, out: Float32Array, itemCount: number): void {
  if (out.length !== itemCount) {
    throw new OndeckError('dimension-mismatch', { what: 'score buffer length', expected: itemCount, got: out.length });
  }
  const { indices, weights } = history;
  if (indices.length !== weights.length) {
    throw new OndeckError('invalid-argument', {
      name: 'history',
      reason: `indices (${indices.length}) and weights (${weights.length}) must have the same length`,
    });
  }
  for (let i = 0; i < indices.length; i++) {
    const item = indices[i];
    if (item < 0 || item >= itemCount) {
      throw new OndeckError('invalid-argument', {
        name: 'history',
        reason: `item index ${item} is outside the model's ${itemCount} columns`,
      });
    }
  }
}
