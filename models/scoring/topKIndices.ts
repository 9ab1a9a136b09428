/**
 * Partial selection of the best-scoring items: a binary min-heap of size k over one pass of the
 * scores, O(n log k), one output allocation. The cloud evaluation and the device's `recommend()`
 * both rank with this function, so the two can never disagree on order or ties.
 *
 * Order: higher score first; equal scores by lower index first; NaN is never selected;
 * -Infinity is an ordinary (lowest) score and is selected if nothing better is left.
 */

/**
 * Indices of the `k` highest scores, best first.
 *
 * @param scores one score per item.
 * @param k how many to return; fewer come back when fewer items are eligible.
 * @param exclude indices never to return (the viewer's history, filtered titles). An
 *   `Int32Array` may be in any order and contain duplicates or out-of-range values; an
 *   ascending one is used as is, otherwise it is copied and sorted (it is short).
 * @returns a new `Int32Array` of length `min(k, eligible items)`.
 *
 * @example
 * ```ts
 * topKIndices(Float32Array.from([0.1, 0.9, 0.5, 0.9]), 3);          // [1, 3, 2]
 * topKIndices(Float32Array.from([0.1, 0.9, 0.5, 0.9]), 3, new Set([1])); // [3, 2, 0]
 * ```
 */
export function topKIndices(scores: ArrayLike<number>, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array {
  const limit = Math.max(0, Math.min(Math.floor(k), scores.length));
  const heap = new Int32Array(limit);
  if (limit === 0) return heap;
  const skip = exclude === undefined ? undefined : sortedExclusions(exclude);
  const size = fillHeap(scores, 0, scores.length, skip, heap, limit);
  sortHeapBestFirst(scores, heap, size);
  return size === limit ? heap : heap.slice(0, size);
}

/**
 * The same selection restricted to a list of candidate indices (for models that only touch a
 * sparse subset, such as the neighbours of a kNN query), writing into caller-owned buffers so a
 * query allocates nothing.
 *
 * @param scores score by index (only `scores[candidates[i]]` is read).
 * @param candidates candidate indices; the first `candidateCount` entries are used. Listing an
 *   index twice may return it twice.
 * @param into receives the selected indices best first; its length is the k.
 * @returns how many entries of `into` were filled (≤ `into.length`).
 *
 * @example
 * ```ts
 * const chosen = new Int32Array(2);
 * const count = topKOfCandidates(similarity, touchedUsers, touchedCount, chosen);
 * ```
 */
export function topKOfCandidates(scores: ArrayLike<number>, candidates: Int32Array, candidateCount: number, into: Int32Array): number {
  const limit = into.length;
  if (limit === 0) return 0;
  let size = 0;
  for (let c = 0; c < candidateCount; c++) {
    const index = candidates[c];
    const score = scores[index];
    if (score !== score) continue;
    if (size < limit) {
      into[size] = index;
      siftUp(scores, into, size);
      size++;
    } else if (isBetter(score, index, scores[into[0]], into[0])) {
      into[0] = index;
      siftDown(scores, into, 0, size);
    }
  }
  sortHeapBestFirst(scores, into, size);
  return size;
}

/** One pass over [start, end): keeps the best `limit` in a min-heap (worst at the root). */
function fillHeap(scores: ArrayLike<number>, start: number, end: number, skip: Int32Array | undefined, heap: Int32Array, limit: number): number {
  let size = 0;
  let skipAt = 0;
  const skipCount = skip === undefined ? 0 : skip.length;
  for (let index = start; index < end; index++) {
    if (skipAt < skipCount) {
      // `skip` is ascending, so a single cursor walks it alongside the scan.
      while (skipAt < skipCount && skip![skipAt] < index) skipAt++;
      if (skipAt < skipCount && skip![skipAt] === index) continue;
    }
    const score = scores[index];
    if (score !== score) continue;
    if (size < limit) {
      heap[size] = index;
      siftUp(scores, heap, size);
      size++;
    } else {
      // Indices arrive in ascending order, so a score equal to the root's loses the tie: only a
      // strictly greater score can enter, which is the fast path that skips most items.
      const worst = heap[0];
      if (score > scores[worst]) {
        heap[0] = index;
        siftDown(scores, heap, 0, size);
      }
    }
  }
  return size;
}

/** True when (scoreA, indexA) ranks above (scoreB, indexB). */
function isBetter(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
  return scoreA > scoreB || (scoreA === scoreB && indexA < indexB);
}

function siftUp(scores: ArrayLike<number>, heap: Int32Array, position: number): void {
  const index = heap[position];
  const score = scores[index];
  while (position > 0) {
    const parent = (position - 1) >> 1;
    const parentIndex = heap[parent];
    // Min-heap on rank: the parent must be worse than (or equal to) the child.
    if (!isBetter(scores[parentIndex], parentIndex, score, index)) break;
    heap[position] = parentIndex;
    position = parent;
  }
  heap[position] = index;
}

function siftDown(scores: ArrayLike<number>, heap: Int32Array, position: number, size: number): void {
  const index = heap[position];
  const score = scores[index];
  for (;;) {
    let child = 2 * position + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size && isBetter(scores[heap[child]], heap[child], scores[heap[right]], heap[right])) child = right;
    const childIndex = heap[child];
    if (!isBetter(score, index, scores[childIndex], childIndex)) break;
    heap[position] = childIndex;
    position = child;
  }
  heap[position] = index;
}

/**
 * Heapsort in place: repeatedly moving the worst (root) to the end leaves the array ordered
 * best first, with no second buffer.
 */
function sortHeapBestFirst(scores: ArrayLike<number>, heap: Int32Array, size: number): void {
  for (let end = size - 1; end > 0; end--) {
    const worst = heap[0];
    heap[0] = heap[end];
    heap[end] = worst;
    siftDown(scores, heap, 0, end);
  }
}

/** Exclusions as an ascending array (a cursor walks it during the scan instead of hashing). */
function sortedExclusions(exclude: Int32Array | ReadonlySet<number>): Int32Array {
  if (exclude instanceof Int32Array) {
    for (let i = 1; i < exclude.length; i++) {
      if (exclude[i] < exclude[i - 1]) return exclude.slice().sort();
    }
    return exclude;
  }
  const sorted = new Int32Array(exclude.size);
  let at = 0;
  for (const index of exclude) sorted[at++] = index;
  return sorted.sort();
}
