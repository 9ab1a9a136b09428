import { describe, expect, it } from 'vitest';
import { popularityOrder } from '../../../worker/engine/popularityOrder';

/** The order by definition: popularity descending, ties by row ascending. */
const reference = (popularity: number[]): number[] => popularity.map((_, row) => row).sort((a, b) => popularity[b] - popularity[a] || a - b);

describe('popularityOrder', () => {
  it('orders by popularity, most popular first, ties by row (packed-key path)', () => {
    expect(Array.from(popularityOrder([3, 9, 3, 0, 9]))).toEqual([1, 4, 0, 2, 3]);
    let state = 7;
    const popularity = Array.from({ length: 5000 }, () => (state = (state * 48271) % 2147483647) % 40);
    expect(Array.from(popularityOrder(popularity))).toEqual(reference(popularity));
    // The largest popularity the packed key holds still sorts exactly.
    expect(Array.from(popularityOrder([2 ** 31 - 1, 0, 2 ** 31 - 2]))).toEqual([0, 2, 1]);
  });

  it('falls back to a comparator for values a packed key cannot hold', () => {
    for (const popularity of [
      [1.5, 2, 1.5],
      [-1, 4, 0],
      [2 ** 31, 5, 2 ** 31],
    ]) {
      expect(Array.from(popularityOrder(popularity))).toEqual(reference(popularity));
    }
    expect(popularityOrder([]).length).toBe(0);
  });
});
