import { OndeckError } from '../errors/OndeckError';

/**
 * Catalog coverage: the fraction of the catalog that appears in at least one user's top-K list.
 * A model that shows everyone the same blockbusters scores near K / itemCount; one that spreads
 * recommendations over the long tail approaches 1.
 *
 * @param topLists one ranked list per evaluated user (item indices); only the first `k`
 *   entries of each are counted.
 * @param itemCount catalog size (the denominator); indices outside [0, itemCount) are ignored.
 * @param k cut-off; defaults to the whole of each list.
 * @returns a number in [0, 1] (0 for an empty catalog).
 *
 * @example
 * ```ts
 * catalogCoverage([[0, 1], [1, 2]], 10);    // 3 distinct of 10 → 0.3
 * catalogCoverage([[0, 1], [1, 2]], 10, 1); // {0, 1} → 0.2
 * ```
 */
export function catalogCoverage(topLists: Iterable<ArrayLike<number>>, itemCount: number, k = Infinity): number {
  if (!Number.isInteger(itemCount) || itemCount < 0) {
    throw new OndeckError('invalid-argument', { name: 'itemCount', value: itemCount, reason: `itemCount must be a non-negative integer, got ${itemCount}` });
  }
  if (!(k >= 0)) {
    throw new OndeckError('invalid-argument', { name: 'k', value: k, reason: `K must be ≥ 0, got ${k}` });
  }
  if (itemCount === 0) return 0;
  const seen = new Uint8Array(itemCount);
  let distinct = 0;
  for (const list of topLists) {
    const depth = Math.min(list.length, k);
    for (let position = 0; position < depth; position++) {
      const item = list[position];
      if (item >= 0 && item < itemCount && seen[item] === 0) {
        seen[item] = 1;
        distinct++;
      }
    }
  }
  return distinct / itemCount;
}
