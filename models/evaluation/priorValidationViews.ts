import type { InteractionMatrix } from '../data/InteractionMatrix';
import { SeededRandom } from '../random';
import type { EvaluationProtocol } from './EvaluationProtocol';
import { protocolName } from './EvaluationProtocol';
import { splitHeldOutUsers, type HeldOutUser } from './splitHeldOutUsers';

/** One way of showing the validation viewers to a model: a protocol and its held-out users. */
export interface ValidationView {
  /** The protocol's name (`short-3`, `temporal`, `random`). */
  readonly name: string;
  readonly users: readonly HeldOutUser[];
}

/** Validation viewers split from a training set, and the views of them the prior is tuned on. */
export interface PriorValidationSplit {
  /** The users to train on: every one not held out for validation. */
  readonly trainUsers: Int32Array;
  readonly views: readonly ValidationView[];
}

/** Options of {@link priorValidationViews}. */
export interface PriorValidationOptions {
  /** History lengths of the new-profile views. @defaultValue [1, 3, 5] */
  readonly shortLengths?: readonly number[];
  /** Seed of the split; keep it apart from the evaluation's (42). @defaultValue 1009 */
  readonly seed?: number;
  /** Most validation viewers, so a big data set tunes in bounded time. @defaultValue 1000 */
  readonly maxUsers?: number;
}

/**
 * Holds out one fifth of the users of a training set (strong generalization, as `tuneAls`) and
 * shows them in the views the popularity prior must serve: new profiles with 1, 3 and 5 titles,
 * and long histories, which it must not cost. With times, new profiles are the first N titles in
 * time (`short-N`) and the long histories are `temporal` and `random` (two of five views, so a
 * prior that helps new profiles a little and long histories not at all does not win); without,
 * the N titles are drawn at random and the long history is `random`. Every view holds the same viewers (all need N + 1 titles, so at least 6), and the
 * model is trained once, on `trainUsers`.
 *
 * @example
 * ```ts
 * const { trainUsers, views } = priorValidationViews(train);
 * ```
 */
export function priorValidationViews(matrix: InteractionMatrix, options: PriorValidationOptions = {}): PriorValidationSplit {
  const shortLengths = options.shortLengths ?? [1, 3, 5];
  const seed = options.seed ?? 1009;
  const maxUsers = options.maxUsers ?? 1000;
  // The same minimum for every protocol, so the user folds (drawn from the eligible users) agree.
  const minPositives = Math.max(5, ...shortLengths.map((length) => length + 1));
  const timed = matrix.times !== undefined;
  const protocols: EvaluationProtocol[] = timed
    ? [...shortLengths.map((foldInTitles): EvaluationProtocol => ({ kind: 'short', foldInTitles })), { kind: 'temporal' }, { kind: 'random' }]
    : [{ kind: 'random' }];
  const folds = protocols.map((protocol) => splitHeldOutUsers(matrix, { folds: 5, seed, minPositives, protocol })[0]);
  const views: ValidationView[] = folds.map((fold, p) => ({ name: protocolName(protocols[p]), users: fold.heldOut.slice(0, maxUsers) }));
  if (!timed) {
    const random = new SeededRandom(seed + 1);
    const users = views[0].users;
    const shortViews = shortLengths.map((length) => ({
      name: `short-${length} (random order)`,
      users: users.map((user) => randomShortHistory(matrix, user.user, length, random)),
    }));
    return { trainUsers: folds[0].trainUsers, views: [...shortViews, ...views] };
  }
  return { trainUsers: folds[0].trainUsers, views };
}

/** A new profile from an untimed viewer: `length` of their titles at random, the rest the truth. */
function randomShortHistory(matrix: InteractionMatrix, user: number, length: number, random: SeededRandom): HeldOutUser {
  const start = matrix.indptr[user];
  const positions = random.shuffle(Int32Array.from({ length: matrix.indptr[user + 1] - start }, (_, i) => i));
  const foldIn = positions.slice(0, length).sort();
  const truth = positions.slice(length).sort();
  return {
    user,
    history: { indices: Int32Array.from(foldIn, (p) => matrix.indices[start + p]), weights: Float32Array.from(foldIn, (p) => matrix.weights[start + p]) },
    truth: Int32Array.from(truth, (p) => matrix.indices[start + p]),
  };
}
