import { describe, it, expect } from 'vitest';
import { catalogCoverage } from '../../../models/evaluation/catalogCoverage';
import { isOndeckError } from '../../../models/errors/OndeckError';

describe('catalogCoverage', () => {
  it('counts distinct items over all lists', () => {
    // Items {0, 1, 2} of 10 appear somewhere → 0.3.
    expect(
      catalogCoverage(
        [
          [0, 1],
          [1, 2],
        ],
        10,
      ),
    ).toBeCloseTo(0.3, 12);
  });

  it('only counts the first K of each list', () => {
    // K = 1: items {0, 1} → 0.2.
    expect(catalogCoverage([Int32Array.of(0, 1), Int32Array.of(1, 2)], 10, 1)).toBeCloseTo(0.2, 12);
  });

  it('is 1 when every item is recommended to someone, 0 without lists', () => {
    expect(
      catalogCoverage(
        [
          [0, 1],
          [2, 3],
          [3, 0],
        ],
        4,
      ),
    ).toBe(1);
    expect(catalogCoverage([], 4)).toBe(0);
    expect(catalogCoverage([[0]], 0)).toBe(0);
  });

  it('ignores out-of-range indices and accepts any iterable', () => {
    function* lists() {
      yield [0, -1, 99];
      yield [0];
    }
    expect(catalogCoverage(lists(), 5)).toBeCloseTo(0.2, 12);
  });

  it('rejects a bad item count or K', () => {
    for (const call of [() => catalogCoverage([], -1), () => catalogCoverage([], 1.5), () => catalogCoverage([], 3, -1)]) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isOndeckError(caught, 'invalid-argument')).toBe(true);
    }
  });
});
