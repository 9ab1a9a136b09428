import type { TopKResult } from './ScoringBackend';

/**
 * The `count` best entries of `scores` (highest first, ties by lower index), skipping the indices in
 * `exclude` (ascending). One pass with a size-`count` min-heap: memory is O(count), never O(items),
 * and exclusions are skipped in place, so no over-fetching is needed.
 *
 * Scores must not be NaN (the backends refuse non-finite user vectors).
 *
 * @example
 * ```ts
 * const { indices, scores: best } = selectTopK(scores, 20, new Int32Array([3, 17]));
 * ```
 */
export function selectTopK(scores: ArrayLike<number>, count: number, exclude?: Int32Array): TopKResult {
  const itemCount = scores.length;
  const capacity = Math.min(count, itemCount);
  const heapScores = new Float64Array(capacity);
  const heapIndices = new Int32Array(capacity);
  let size = 0;
  const excludeLength = exclude ? exclude.length : 0;
  let excludeCursor = 0;
  let nextExcluded = excludeLength > 0 ? exclude![0] : -1;

  if (capacity > 0) {
    for (let index = 0; index < itemCount; index++) {
      if (index === nextExcluded) {
        // Advance past duplicates too; the list is ascending.
        while (excludeCursor < excludeLength && exclude![excludeCursor] <= index) excludeCursor++;
        nextExcluded = excludeCursor < excludeLength ? exclude![excludeCursor] : -1;
        continue;
      }
      const score = scores[index];
      if (size < capacity) {
        siftUp(heapScores, heapIndices, size, score, index);
        size++;
      } else if (score > heapScores[0]) {
        // Indices arrive in ascending order, so an equal score is never better than the root
        // (lower index wins ties): strictly greater is the right test.
        siftDown(heapScores, heapIndices, size, score, index);
      }
    }
  }

  // Popping the min-heap yields worst-first: fill the output from the back.
  const outIndices = new Int32Array(size);
  const outScores = new Float32Array(size);
  for (let position = size - 1; position >= 0; position--) {
    outIndices[position] = heapIndices[0];
    outScores[position] = heapScores[0];
    const lastScore = heapScores[position];
    const lastIndex = heapIndices[position];
    if (position > 0) siftDown(heapScores, heapIndices, position, lastScore, lastIndex);
  }
  return { indices: outIndices, scores: outScores };
}

/** True when (scoreA, indexA) ranks below (scoreB, indexB). */
function isWorse(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && indexA > indexB);
}

function siftUp(heapScores: Float64Array, heapIndices: Int32Array, slot: number, score: number, index: number): void {
  while (slot > 0) {
    const parent = (slot - 1) >> 1;
    if (!isWorse(score, index, heapScores[parent], heapIndices[parent])) break;
    heapScores[slot] = heapScores[parent];
    heapIndices[slot] = heapIndices[parent];
    slot = parent;
  }
  heapScores[slot] = score;
  heapIndices[slot] = index;
}

/** Puts (score, index) at the root of a heap of `size` entries and restores the heap order. */
function siftDown(heapScores: Float64Array, heapIndices: Int32Array, size: number, score: number, index: number): void {
  let slot = 0;
  for (;;) {
    let child = 2 * slot + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size && isWorse(heapScores[right], heapIndices[right], heapScores[child], heapIndices[child])) child = right;
    if (!isWorse(heapScores[child], heapIndices[child], score, index)) break;
    heapScores[slot] = heapScores[child];
    heapIndices[slot] = heapIndices[child];
    slot = child;
  }
  heapScores[slot] = score;
  heapIndices[slot] = index;
}
