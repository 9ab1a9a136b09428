import { OndeckError } from '../errors/OndeckError';
import { transposeMatrix, userCount, type InteractionMatrix } from '../data/InteractionMatrix';
import type { ScoringModel, TrainContext } from '../scoring/ScoringModel';
import { topKOfCandidates } from '../scoring/topKIndices';
import { checkScoringArguments } from './checkScoringArguments';

/** Options of {@link trainUserKnn}. */
export interface UserKnnOptions {
  /**
   * How many most-similar training users vote for the items.
   * @defaultValue 50
   */
  readonly neighbours?: number;
  /**
   * `'binary'`: every interaction counts 1 (in the similarity and in the vote);
   * `'weighted'`: the interaction weights (play counts …) are used as they are.
   * @defaultValue 'binary'
   */
  readonly weighting?: 'binary' | 'weighted';
}

/** Defaults of {@link UserKnnOptions}. */
export const userKnnDefaults = Object.freeze({ neighbours: 50, weighting: 'binary' } as const);

/**
 * User-based collaborative filtering for viewers never seen in training: the query history is
 * compared (cosine) with every training user, the `neighbours` most similar keep a vote, and an
 * item's score is the similarity-weighted sum of the neighbours' interactions with it.
 *
 * The similarities are accumulated sparsely through the item → users transpose, walking only
 * the users who share at least one item with the query, so a query costs
 * O(Σ users of the history's items + neighbours' row lengths + item count), never users × users.
 * History indices are expected to be distinct (as in a matrix row).
 *
 * @throws OndeckError `invalid-argument` for a non-positive or non-integer `neighbours`.
 *
 * @example
 * ```ts
 * const model = trainUserKnn(train, context, { neighbours: 30 });
 * model.scoreItems({ indices: Int32Array.of(4, 9), weights: Float32Array.of(1, 1) }, scores);
 * ```
 */
export function trainUserKnn(train: InteractionMatrix, _context?: TrainContext, options: UserKnnOptions = {}): ScoringModel {
  const neighbours = options.neighbours ?? userKnnDefaults.neighbours;
  if (!Number.isInteger(neighbours) || neighbours < 1) {
    throw new OndeckError('invalid-argument', { name: 'neighbours', value: neighbours, reason: `neighbours must be a positive integer, got ${neighbours}` });
  }
  const weighted = (options.weighting ?? userKnnDefaults.weighting) === 'weighted';
  const users = userCount(train);
  const itemCount = train.itemIds.length;
  const itemUsers = transposeMatrix(train);

  const userNorms = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    let squares = 0;
    for (let e = train.indptr[u]; e < train.indptr[u + 1]; e++) squares += weighted ? train.weights[e] * train.weights[e] : 1;
    userNorms[u] = Math.sqrt(squares);
  }

  // Per-query scratch, reused: nothing proportional to the catalog or the user base is
  // allocated while scoring.
  const similarity = new Float64Array(users);
  const touched = new Int32Array(users);
  const isTouched = new Uint8Array(users);
  const chosen = new Int32Array(Math.min(neighbours, Math.max(users, 1)));

  return {
    name: 'UserKNN',
    scoreItems(history, out) {
      checkScoringArguments(history, out, itemCount);
      out.fill(0);
      let touchedCount = 0;
      let querySquares = 0;
      for (let h = 0; h < history.indices.length; h++) {
        const item = history.indices[h];
        const queryWeight = weighted ? history.weights[h] : 1;
        querySquares += queryWeight * queryWeight;
        for (let e = itemUsers.indptr[item]; e < itemUsers.indptr[item + 1]; e++) {
          const user = itemUsers.indices[e];
          if (isTouched[user] === 0) {
            isTouched[user] = 1;
            touched[touchedCount++] = user;
          }
          similarity[user] += queryWeight * (weighted ? itemUsers.weights[e] : 1);
        }
      }
      if (touchedCount > 0 && querySquares > 0) {
        const queryNorm = Math.sqrt(querySquares);
        for (let t = 0; t < touchedCount; t++) {
          const user = touched[t];
          similarity[user] /= userNorms[user] * queryNorm;
        }
        const count = topKOfCandidates(similarity, touched, touchedCount, chosen);
        for (let c = 0; c < count; c++) {
          const user = chosen[c];
          const vote = similarity[user];
          for (let e = train.indptr[user]; e < train.indptr[user + 1]; e++) {
            out[train.indices[e]] += vote * (weighted ? train.weights[e] : 1);
          }
        }
      }
      for (let t = 0; t < touchedCount; t++) {
        const user = touched[t];
        similarity[user] = 0;
        isTouched[user] = 0;
      }
    },
  };
}
