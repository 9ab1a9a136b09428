import type { QuantizedFactors } from '../quantize';
import type { PopularityPrior } from './PopularityPrior';
import type { ScoringBackend, TopKResult } from './ScoringBackend';
import { scoreInt8Row } from './scoreInt8Rows';
import { sortedContains } from './sortedContains';

/** One viewer's query with a popularity prior (see {@link topKWithPrior}). */
export interface PriorQuery {
  /** Ranks the fold-in scores; any backend (they agree within 1e-5 relative). */
  readonly backend: ScoringBackend;
  /** The int8 table the backend holds, which the final scores are computed from. */
  readonly factors: QuantizedFactors;
  readonly userVector: Float32Array;
  readonly prior: PopularityPrior;
  /** The prior's weight for this viewer (`prior.weightFor(historyLength)`), > 0. */
  readonly priorWeight: number;
}

/**
 * Bound on how far a backend's fold-in score may sit from the `js` kernel's for the same row, as a
 * share of the largest score returned: the backends agree within 1e-5 relative (ScoringBackend's
 * contract); ten times that keeps the search exact with room to spare, at the cost of a few more
 * rows looked at.
 */
const BACKEND_AGREEMENT = 1e-4;

/**
 * The best `count` items for `fold-in score + priorWeight × prior`, exactly, whatever the backend,
 * without scoring the whole catalog in JavaScript. Where the prior enters the score matters: every
 * backend would have to add it identically, and the backends' graphs are theirs. So the backend is
 * only asked for candidates, and the ranking is made here, from scores computed here:
 *
 * 1. The backend's top `depth` fold-in scores (excluded titles skipped in place); `depth` starts at
 *    `2 × count + 16`.
 * 2. Each candidate is rescored as `fround(fround(js fold-in score) + priorWeight × prior)`, the
 *    `js` kernel's score bit for bit ({@link scoreInt8Row}), plus the prior.
 * 3. Titles outside the candidates have a fold-in score of at most the lowest returned one
 *    (`threshold`), so their total is at most `threshold + priorWeight × prior`. The titles are
 *    walked by prior, highest first, scoring each, until that bound falls below the current
 *    `count`-th best: nothing further down can enter.
 *
 * The answer is the exact top-`count` of the combined js score (ties: lower index first), so the
 * `js`, `wasm` and `webgpu` backends give the same items and the same scores. `allowed` filters
 * titles (the device's filters); when fewer than `count` candidates pass, the backend is asked
 * four times deeper.
 *
 * @param exclude item indices never returned: sorted ascending (the backends' contract).
 * @example
 * ```ts
 * const picks = await topKWithPrior({ backend, factors, userVector, prior, priorWeight: prior.weightFor(3) }, 20, watched);
 * ```
 */
export async function topKWithPrior(query: PriorQuery, count: number, exclude: Int32Array = new Int32Array(0), allowed?: (item: number) => boolean): Promise<TopKResult> {
  const { backend, factors, userVector, prior, priorWeight } = query;
  const rows = factors.rows;
  const values = prior.values;
  const combined = (item: number): number => Math.fround(Math.fround(scoreInt8Row(factors, userVector, item)) + priorWeight * values[item]);
  if (count === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
  let depth = Math.min(rows, 2 * count + 16);
  for (;;) {
    const candidates = await backend.topK(userVector, depth, exclude);
    const best = new WorstFirstHeap(count);
    for (let i = 0; i < candidates.indices.length; i++) {
      const item = candidates.indices[i];
      if (!allowed || allowed(item)) best.offer(item, combined(item));
    }
    // Fewer than asked: the backend returned every title left, so every one was scored.
    if (candidates.indices.length < depth || depth >= rows) return best.sorted();
    if (best.size < count) {
      depth = Math.min(rows, depth * 4);
      continue;
    }
    const threshold = candidates.scores[candidates.scores.length - 1];
    let largest = 0;
    for (let i = 0; i < candidates.scores.length; i++) largest = Math.max(largest, Math.abs(candidates.scores[i]));
    // The backend's scores against ours, and the float32 rounding of the sum.
    const margin = BACKEND_AGREEMENT * largest + 1e-6 * priorWeight;
    const seen = new Set<number>(candidates.indices);
    const order = prior.order();
    for (let k = 0; k < order.length; k++) {
      const item = order[k];
      if (threshold + margin + priorWeight * values[item] < best.worstScore()) break;
      if (seen.has(item) || sortedContains(exclude, item) || (allowed && !allowed(item))) continue;
      best.offer(item, combined(item));
    }
    return best.sorted();
  }
}

/** The best `capacity` (item, score) pairs seen, as a binary heap whose root is the worst of them. */
class WorstFirstHeap {
  private readonly items: Int32Array;
  private readonly scores: Float64Array;
  size = 0;

  constructor(private readonly capacity: number) {
    this.items = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  /** The worst kept score; −∞ while the heap is not full (anything still enters). */
  worstScore(): number {
    return this.size < this.capacity ? -Infinity : this.scores[0];
  }

  offer(item: number, score: number): void {
    if (this.size < this.capacity) {
      this.items[this.size] = item;
      this.scores[this.size] = score;
      this.siftUp(this.size++);
    } else if (this.worse(this.items[0], this.scores[0], item, score)) {
      this.items[0] = item;
      this.scores[0] = score;
      this.siftDown(0);
    }
  }

  /** Best first (ties: lower index first). */
  sorted(): TopKResult {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b] - this.scores[a] || this.items[a] - this.items[b]);
    return { indices: Int32Array.from(order, (i) => this.items[i]), scores: Float32Array.from(order, (i) => this.scores[i]) };
  }

  /** Whether (a, aScore) ranks below (b, bScore): a lower score, or the same score and a higher index. */
  private worse(a: number, aScore: number, b: number, bScore: number): boolean {
    return aScore < bScore || (aScore === bScore && a > b);
  }

  private siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.worse(this.items[at], this.scores[at], this.items[parent], this.scores[parent])) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(at: number): void {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let worst = at;
      if (left < this.size && this.worse(this.items[left], this.scores[left], this.items[worst], this.scores[worst])) worst = left;
      if (right < this.size && this.worse(this.items[right], this.scores[right], this.items[worst], this.scores[worst])) worst = right;
      if (worst === at) return;
      this.swap(at, worst);
      at = worst;
    }
  }

  private swap(a: number, b: number): void {
    const item = this.items[a];
    const score = this.scores[a];
    this.items[a] = this.items[b];
    this.scores[a] = this.scores[b];
    this.items[b] = item;
    this.scores[b] = score;
  }
}
