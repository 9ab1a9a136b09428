import { describe, expect, it } from 'vitest';
import { pairedDifference } from '../../../scripts/bench/pairedDifference';

describe('pairedDifference', () => {
  it('gives the mean difference and its standard error (hand-computed)', () => {
    // Differences 0, −0.25, 0.5: mean 1/12; squared deviations sum to 0.291667; s² = 0.145833; SE = √(s² / 3).
    const result = pairedDifference([0.5, 0.25, 1], [0.5, 0.5, 0.5]);
    expect(result.count).toBe(3);
    expect(result.mean).toBeCloseTo(1 / 12, 12);
    expect(result.standardError).toBeCloseTo(Math.sqrt(0.2916666666666667 / 2 / 3), 12);
  });

  it('a constant shift has no error however much the users differ', () => {
    const reference = [0.05, 0.9, 0.3, 0.6];
    const result = pairedDifference(reference.map((value) => value - 0.01), reference);
    expect(result.mean).toBeCloseTo(-0.01, 12);
    expect(result.standardError).toBeCloseTo(0, 12);
  });

  it('one pair has no standard error; unequal lengths throw', () => {
    const single = pairedDifference([0.4], [0.1]);
    expect(single.mean).toBeCloseTo(0.3, 12);
    expect(single.standardError).toBeNaN();
    expect(() => pairedDifference([1, 2], [1])).toThrow(RangeError);
  });
});
