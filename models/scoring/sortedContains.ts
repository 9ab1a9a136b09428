/**
 * Whether `sorted` (ascending; repeats allowed) holds `value`, by binary search: O(log n) per
 * lookup and no Set to build, which matters where a list (a query's `exclude`, a user's held-out
 * items) is consulted once per candidate and thrown away.
 *
 * @example
 * ```ts
 * sortedContains(Int32Array.from([2, 5, 9]), 5); // true
 * sortedContains(Int32Array.from([2, 5, 9]), 6); // false
 * ```
 */
export function sortedContains(sorted: Int32Array, value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    // `>>> 1`, not `>> 1`: both are non-negative here, and an unsigned shift stays right even
    // when their sum passes 2³¹ (an array of over a billion entries).
    const middle = (low + high) >>> 1;
    const candidate = sorted[middle];
    if (candidate === value) return true;
    if (candidate < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
