import type { InteractionMatrix } from '../data/InteractionMatrix';
import { OndeckError } from '../errors/OndeckError';
import { SeededRandom } from '../random';
import type { UserHistory } from '../scoring/ScoringModel';
import { minimumTitlesFor, protocolName, RANDOM_PROTOCOL, type EvaluationProtocol } from './EvaluationProtocol';

/** A held-out viewer's fold-in history, with the times of its titles when the matrix has them. */
export interface HeldOutHistory extends UserHistory {
  /** Epoch seconds of each title, aligned with `indices` (recency-weighted models read it). */
  readonly times?: Float64Array;
}

/** One held-out viewer: what is folded in, and what must be found. */
export interface HeldOutUser {
  readonly user: number;
  /** The fold-in part (which titles: see {@link EvaluationProtocol}), indices ascending. */
  readonly history: HeldOutHistory;
  /** The held-out part, ascending, for the metrics. */
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
  /**
   * Share of a held-out user's positives folded in under the `random` and `temporal` protocols;
   * the rest is the truth.
   * @defaultValue 0.8
   */
  readonly foldInFraction?: number;
  /**
   * Users with fewer positives are never held out (always trained on); a protocol may need more
   * (see `minimumTitlesFor`).
   * @defaultValue 5
   */
  readonly minPositives?: number;
  /** @defaultValue 42 */
  readonly seed?: number;
  /**
   * Which of a held-out user's titles are folded in.
   * @defaultValue {@link RANDOM_PROTOCOL}
   */
  readonly protocol?: EvaluationProtocol;
}

/**
 * Strong generalization (Marlin 2004; Liang et al. 2018): users, not interactions, are split
 * into K folds. For each fold the model trains on all other users; each held-out user's
 * positives are split into a fold-in part and a truth part by the protocol: at random (seeded),
 * or by time (see {@link EvaluationProtocol}). Seeded: the same seed gives the same folds, so every
 * model in a comparison sees the same users and the same splits.
 *
 * Users with fewer titles than the protocol needs are never held out (see `countSkippedUsers`).
 * Titles with equal times keep their column order, so a time split is deterministic too.
 *
 * @throws OndeckError `missing-timestamps` for a temporal protocol on a matrix without times.
 * @example
 * ```ts
 * for (const fold of splitHeldOutUsers(matrix, { folds: 5, seed: 1 })) { … }
 * const newProfiles = splitHeldOutUsers(matrix, { protocol: { kind: 'short', foldInTitles: 3 } });
 * ```
 */
export function splitHeldOutUsers(matrix: InteractionMatrix, options: SplitOptions = {}): EvaluationFold[] {
  const folds = options.folds ?? 5;
  const foldInFraction = options.foldInFraction ?? 0.8;
  const protocol = options.protocol ?? RANDOM_PROTOCOL;
  const minimumTitles = minimumTitlesFor(protocol, options.minPositives ?? 5);
  const times = matrix.times;
  if (protocol.kind !== 'random' && times === undefined) throw new OndeckError('missing-timestamps', { protocol: protocolName(protocol) });
  const random = new SeededRandom(options.seed ?? 42);
  const users = matrix.indptr.length - 1;
  const eligible: number[] = [];
  for (let u = 0; u < users; u++) if (matrix.indptr[u + 1] - matrix.indptr[u] >= minimumTitles) eligible.push(u);
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
      const positions = Int32Array.from({ length }, (_, i) => i);
      // Random: a seeded shuffle. Temporal: oldest first, ties in column order (a stable sort).
      const order = protocol.kind === 'random' ? random.shuffle(positions) : positions.sort((a, b) => times![start + a] - times![start + b] || a - b);
      const foldInCount = protocol.kind === 'short' ? protocol.foldInTitles : Math.min(length - 1, Math.max(1, Math.round(length * foldInFraction)));
      const foldInPositions = order.subarray(0, foldInCount).sort();
      const truthPositions = order.subarray(foldInCount).sort();
      const history: HeldOutHistory = {
        indices: Int32Array.from(foldInPositions, (p) => matrix.indices[start + p]),
        weights: Float32Array.from(foldInPositions, (p) => matrix.weights[start + p]),
      };
      heldOut.push({
        user: u,
        history: times === undefined ? history : { ...history, times: Float64Array.from(foldInPositions, (p) => times[start + p]) },
        truth: Int32Array.from(truthPositions, (p) => matrix.indices[start + p]),
      });
    }
    result.push({ trainUsers: Int32Array.from(trainUsers), heldOut });
  }
  return result;
}
