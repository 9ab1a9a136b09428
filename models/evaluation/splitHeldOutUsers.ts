import type { InteractionMatrix } from '../data/InteractionMatrix';
import { SeededRandom } from '../random';
import type { UserHistory } from '../scoring/ScoringModel';

/** One held-out viewer: what is folded in, and what must be found. */
export interface HeldOutUser {
  readonly user: number;
  /** The fold-in part (≈80% of the positives), indices ascending. */
  readonly history: UserHistory;
  /** The held-out part (≈20%), ascending, for the metrics. */
  readonly truth: Int32Array;
}

/** One fold of the strong-generalization protocol. */
export interface EvaluationFold {
  /** Users trained on (every user not held out in this fold, including ones too small to test). */
  readonly trainUsers: Int32Array;
  readonly heldOut: readonly HeldOutUser[];
}

/** Options of {@link splitHeldOutUsers}. */
export interface SplitOptions {
  /** @defaultValue 5 */
  readonly folds?: number;
  /** Share of a held-out user's positives folded in; the rest is the truth. @defaultValue 0.8 */
  readonly foldInFraction?: number;
  /** Users with fewer positives are never held out (always trained on). @defaultValue 5 */
  readonly minPositives?: number;
  /** @defaultValue 42 */
  readonly seed?: number;
}

/**
 * Strong generalization (Marlin 2004; Liang et al. 2018): users, not interactions, are split
 * into K folds. For each fold the model trains on all other users; each held-out user's
 * positives are split at random into a fold-in part and a truth part. Seeded: the same seed
 * gives the same folds, so every model in a comparison sees the same users and the same splits.
 *
 * @example
 * ```ts
 * for (const fold of splitHeldOutUsers(matrix, { folds: 5, seed: 1 })) { … }
 * ```
 */
export function splitHeldOutUsers(matrix: InteractionMatrix, options: SplitOptions = {}): EvaluationFold[] {
  const folds = options.folds ?? 5;
  const foldInFraction = options.foldInFraction ?? 0.8;
  const minPositives = options.minPositives ?? 5;
  const random = new SeededRandom(options.seed ?? 42);
  const users = matrix.indptr.length - 1;
  const eligible: number[] = [];
  for (let u = 0; u < users; u++) if (matrix.indptr[u + 1] - matrix.indptr[u] >= minPositives) eligible.push(u);
  random.shuffle(eligible);
  const foldOfUser = new Int32Array(users).fill(-1);
  eligible.forEach((user, position) => (foldOfUser[user] = position % folds));

  const result: EvaluationFold[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const trainUsers: number[] = [];
    const heldOut: HeldOutUser[] = [];
    for (let u = 0; u < users; u++) {
      if (foldOfUser[u] !== fold) {
        trainUsers.push(u);
        continue;
      }
      const start = matrix.indptr[u];
      const length = matrix.indptr[u + 1] - start;
      const order = random.shuffle(Int32Array.from({ length }, (_, i) => i));
      const foldInCount = Math.min(length - 1, Math.max(1, Math.round(length * foldInFraction)));
      const foldInPositions = order.subarray(0, foldInCount).sort();
      const truthPositions = order.subarray(foldInCount).sort();
      heldOut.push({
        user: u,
        history: {
          indices: Int32Array.from(foldInPositions, (p) => matrix.indices[start + p]),
          weights: Float32Array.from(foldInPositions, (p) => matrix.weights[start + p]),
        },
        truth: Int32Array.from(truthPositions, (p) => matrix.indices[start + p]),
      });
    }
    result.push({ trainUsers: Int32Array.from(trainUsers), heldOut });
  }
  return result;
}
