import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { DEFAULT_RECENCY_HALF_LIFE_DAYS, recencyDecay, weightByRecency } from '../../../models/scoring/recencyDecay';
import { thrownBy } from '../../support/thrownBy';

const day = 86_400;

describe('recencyDecay', () => {
  it('halves every half-life, 30 days by default, and never rises above 1 for a time in the future', () => {
    expect(DEFAULT_RECENCY_HALF_LIFE_DAYS).toBe(30);
    expect(recencyDecay(0)).toBe(1);
    expect(recencyDecay(30 * day)).toBeCloseTo(0.5, 12);
    expect(recencyDecay(60 * day, 30)).toBeCloseTo(0.25, 12);
    expect(recencyDecay(7 * day, 7)).toBeCloseTo(0.5, 12);
    expect(recencyDecay(-5 * day)).toBe(1);
  });
});

describe('weightByRecency', () => {
  const history = { indices: Int32Array.from([4, 9, 2]), weights: Float32Array.from([1, 2, 4]) };

  it('multiplies each weight by its decay, ages counted from the newest time unless `now` is given', () => {
    const times = [1000 * day, 970 * day, 940 * day];
    expect(Array.from(weightByRecency(history, times).weights)).toEqual([1, 1, 1]);
    expect(Array.from(weightByRecency(history, times, 30, 1030 * day).weights)).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(weightByRecency(history, times, 15).weights)).toEqual([1, 0.5, 0.25]);
    expect(Array.from(weightByRecency(history, times).indices)).toEqual([4, 9, 2]);
  });

  it.each([
    [[1, 2], 'times'],
    [[1, Number.NaN, 3], 'times'],
  ])('refuses times %o', (times, name) => {
    const error = thrownBy(() => weightByRecency(history, times));
    expect(isOndeckError(error, 'invalid-argument') && error.details.name).toBe(name);
  });

  it('refuses a half-life that is not a finite number of days > 0', () => {
    for (const halfLife of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        isOndeckError(
          thrownBy(() => weightByRecency(history, [1, 2, 3], halfLife)),
          'invalid-argument',
        ),
      ).toBe(true);
    }
  });
});
