import { describe, expect, it } from 'vitest';
import { recencyWeights } from '../../../models/evaluation/recencyWeights';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { thrownBy } from '../../support/thrownBy';

describe('recencyWeights', () => {
  it('halves per half-life, counting titles from the newest, whatever the order of the input', () => {
    expect(Array.from(recencyWeights(Float64Array.of(300, 100, 200), 1))).toEqual([1, 0.25, 0.5]);
    const weights = recencyWeights(Float64Array.of(5, 40, 10, 30, 20), 2);
    // Ages: 40 → 0, 30 → 1, 20 → 2, 10 → 3, 5 → 4.
    expect(Array.from(weights)).toEqual([2 ** -2, 1, 2 ** -1.5, 2 ** -0.5, 2 ** -1].map(Math.fround));
  });

  it('counts titles, not seconds: a gap of a year weighs as a gap of a minute', () => {
    expect(Array.from(recencyWeights(Float64Array.of(0, 31_536_000, 31_536_060), 20))).toEqual(Array.from(recencyWeights(Float64Array.of(0, 60, 120), 20)));
  });

  it('takes the later position as newer among equal times', () => {
    expect(Array.from(recencyWeights(Float64Array.of(7, 7, 7), 1))).toEqual([0.25, 0.5, 1]);
  });

  it('reaches ½ at the half-life: with 20, the 21st newest title', () => {
    const times = Float64Array.from({ length: 30 }, (_, i) => 1000 + i);
    expect(recencyWeights(times, 20)[29 - 20]).toBeCloseTo(0.5, 7);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the half-life %d', (halfLife) => {
    const error = thrownBy(() => recencyWeights(Float64Array.of(1), halfLife));
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
  });
});
