import type { TopKResult } from '../ScoringBackend';

/** One range's top-K, indices local to the range that starts at row `start`. */
export interface PartResult {
  readonly start: number;
  readonly result: TopKResult;
}

/**
 * The top `count` of the union of per-range top-K lists, in the backends' order (score
 * descending, ties by lower row first), with indices made global. Each list is that range's exact
 * top-K in the same order, so the merge is the exact top-K of the whole table: a row missing from
 * its range's list has `count` rows at least as good ahead of it there.
 *
 * @example
 * ```ts
 * const { indices, scores } = mergePartResults([{ start: 0, result: first }, { start: 50_000, result: second }], 20);
 * ```
 */
export function mergePartResults(parts: readonly PartResult[], count: number): TopKResult {
  const available = parts.reduce((sum, part) => sum + part.result.indices.length, 0);
  const size = Math.min(count, available);
  const indices = new Int32Array(size);
  const scores = new Float32Array(size);
  const cursors = new Array<number>(parts.length).fill(0);
  for (let k = 0; k < size; k++) {
    let bestPart = -1;
    let bestScore = 0;
    let bestIndex = 0;
    for (let p = 0; p < parts.length; p++) {
      const { start, result } = parts[p];
      const at = cursors[p];
      if (at >= result.indices.length) continue;
      const score = result.scores[at];
      const index = start + result.indices[at];
      if (bestPart < 0 || score > bestScore || (score === bestScore && index < bestIndex)) {
        bestPart = p;
        bestScore = score;
        bestIndex = index;
      }
    }
    indices[k] = bestIndex;
    scores[k] = bestScore;
    cursors[bestPart]++;
  }
  return { indices, scores };
}
