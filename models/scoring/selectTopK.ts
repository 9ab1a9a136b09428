import { topKIndices } from './topKIndices';
import type { TopKResult } from './ScoringBackend';

/**
 * The `count` best entries of `scores` (highest first, ties by lower index), skipping the indices in
 * `exclude`, with their scores. The selection itself is {@link topKIndices} (a size-`count` min-heap:
 * memory O(count), never O(items)), shared with the evaluation so both rank identically.
 *
 * @example
 * ```ts
 * const { indices, scores: best } = selectTopK(scores, 20, new Int32Array([3, 17]));
 * ```
 */
export function selectTopK(scores: ArrayLike<number>, count: number, exclude?: Int32Array): TopKResult {
  const indices = topKIndices(scores, count, exclude);
  const best = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) best[i] = scores[indices[i]];
  return { indices, scores: best };
}
