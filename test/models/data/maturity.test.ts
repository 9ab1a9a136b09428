import { describe, expect, it } from 'vitest';
import { maturityAgeOf } from '../../../models/data/maturity';

describe('maturityAgeOf', () => {
  it.each([
    ['G', 0],
    ['PG', 8],
    ['PG-13', 13],
    ['R', 17],
    ['NC-17', 18],
    ['TV-Y', 0],
    ['TV-Y7', 7],
    ['TV-Y7-FV', 7],
    ['TV-G', 0],
    ['TV-PG', 8],
    ['TV-14', 14],
    ['TV-MA', 17],
    ['tv_ma', 17],
    [' TV 14 ', 14],
    ['pg-13', 13],
    ['12', 12],
    ['16+', 16],
    ['0', 0],
    ['FSK 16', 16],
    ['FSK16', 16],
    ['PEGI 18', 18],
    ['12A', 12],
    ['U', 0],
  ])('%s → %d', (label, age) => {
    expect(maturityAgeOf(label)).toBe(age);
  });

  it.each(['', 'NR', 'Unrated', 'X-rated?', '99', 'TV-Z'])('%s → undefined', (label) => {
    expect(maturityAgeOf(label)).toBeUndefined();
  });
});
