import { OndeckError } from '../errors/OndeckError';
import { transposeMatrix, type InteractionMatrix } from '../data/InteractionMatrix';
import type { ScoringModel, TrainContext } from '../scoring/ScoringModel';
import { topKOfCandidates } from '../scoring/topKIndices';
import { checkScoringArguments } from './checkScoringArguments';

/** Options of {@link trainItemKnn}. */
export interface ItemKnnOptions {
  /**
   * Most-similar items kept per item at fit time.
   * @defaultValue 100
   */
  readonly neighbours?: number;
  /**
   * `'binary'`: every interaction counts 1 (in the similarities and for the history);
   * `'weighted'`: interaction weights are used as they are.
   * @defaultValue 'binary'
   */
  readonly weighting?: 'binary' | 'weighted';
}

/** Defaults of {@link ItemKnnOptions}. */
export const itemKnnDefaults = Object.freeze({ neighbours: 100, weighting: 'binary' } as const);

/**
 * Item-based collaborative filtering: item–item cosine similarity over the training users,
 * the top `neighbours` kept per item as sparse lists at fit time, and an item's score for a
 * viewer is the sum, over the viewer's history items, of its similarity to them.
 *
 * Fitting costs O(Σ_users |row|²) time (co-occurrences accumulated per item through its users
 * into one dense scratch array) and items × neighbours × 8 bytes of memory (8 MB for 10k items
 * at 100 neighbours). Scoring touches only the history's neighbour lists.
 *
 * @throws OndeckError `invalid-argument` for a non-positive or non-integer `neighbours`.
 *
 * @example
 * ```ts
 * const model = trainItemKnn(train, context, { neighbours: 50 });
 * model.scoreItems(history, scores);
 * ```
 */
export function trainItemKnn(train: InteractionMatrix, _context?: TrainContext, options: ItemKnnOptions = {}): ScoringModel {
  const neighbours = options.neighbours ?? itemKnnDefaults.neighbours;
  if (!Number.isInteger(neighbours) || neighbours < 1) {
    throw new OndeckError('invalid-argument', { name: 'neighbours', value: neighbours, reason: `neighbours must be a positive integer, got ${neighbours}` });
  }
  const weighted = (options.weighting ?? itemKnnDefaults.weighting) === 'weighted';
  const itemCount = train.itemIds.length;
  const { neighbourPointers, neighbourItems, neighbourSimilarities } = buildNeighbourLists(train, neighbours, weighted);

  return {
    name: 'ItemKNN',
    scoreItems(history, out) {
      checkScoringArguments(history, out, itemCount);
      out.fill(0);
      for (let h = 0; h < history.indices.length; h++) {
        const item = history.indices[h];
        const queryWeight = weighted ? history.weights[h] : 1;
        for (let e = neighbourPointers[item]; e < neighbourPointers[item + 1]; e++) {
          out[neighbourItems[e]] += queryWeight * neighbourSimilarities[e];
        }
      }
    },
  };
}

/** Top-N cosine neighbours of every item, as CSR lists (best first within each list). */
function buildNeighbourLists(train: InteractionMatrix, neighbours: number, weighted: boolean) {
  const itemCount = train.itemIds.length;
  const itemUsers = transposeMatrix(train);
  const itemNorms = new Float64Array(itemCount);
  for (let item = 0; item < itemCount; item++) {
    let squares = 0;
    for (let e = itemUsers.indptr[item]; e < itemUsers.indptr[item + 1]; e++) {
      squares += weighted ? itemUsers.weights[e] * itemUsers.weights[e] : 1;
    }
    itemNorms[item] = Math.sqrt(squares);
  }

  const perItem = Math.min(neighbours, Math.max(itemCount - 1, 0));
  const neighbourPointers = new Int32Array(itemCount + 1);
  let neighbourItems = new Int32Array(itemCount * perItem);
  let neighbourSimilarities = new Float32Array(itemCount * perItem);
  // One dense accumulator plus the list of entries it touched: resetting only those keeps each
  // item's pass proportional to its co-occurrences, not to the catalog.
  const cooccurrence = new Float64Array(itemCount);
  const touched = new Int32Array(itemCount);
  const isTouched = new Uint8Array(itemCount);
  const chosen = new Int32Array(perItem);
  let written = 0;

  for (let item = 0; item < itemCount; item++) {
    let touchedCount = 0;
    for (let e = itemUsers.indptr[item]; e < itemUsers.indptr[item + 1]; e++) {
      const user = itemUsers.indices[e];
      const userWeight = weighted ? itemUsers.weights[e] : 1;
      for (let f = train.indptr[user]; f < train.indptr[user + 1]; f++) {
        const other = train.indices[f];
        if (other === item) continue;
        if (isTouched[other] === 0) {
          isTouched[other] = 1;
          touched[touchedCount++] = other;
        }
        cooccurrence[other] += userWeight * (weighted ? train.weights[f] : 1);
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const other = touched[t];
      cooccurrence[other] /= itemNorms[item] * itemNorms[other];
    }
    const count = topKOfCandidates(cooccurrence, touched, touchedCount, chosen);
    for (let c = 0; c < count; c++) {
      neighbourItems[written] = chosen[c];
      neighbourSimilarities[written] = cooccurrence[chosen[c]];
      written++;
    }
    neighbourPointers[item + 1] = written;
    for (let t = 0; t < touchedCount; t++) {
      const other = touched[t];
      cooccurrence[other] = 0;
      isTouched[other] = 0;
    }
  }
  // Most items have fewer than N co-occurring items on sparse data: give the slack back.
  if (written < neighbourItems.length) {
    neighbourItems = neighbourItems.slice(0, written);
    neighbourSimilarities = neighbourSimilarities.slice(0, written);
  }
  return { neighbourPointers, neighbourItems, neighbourSimilarities };
}
