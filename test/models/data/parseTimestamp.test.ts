import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../models/data/parseTimestamp';

describe('parseTimestamp', () => {
  it.each([
    [964982703, 964982703],
    ['964982703', 964982703],
    [' 1700000000.5 ', 1700000000.5],
    ['-86400', -86400],
    ['2024-05-01T10:00:00Z', 1714557600],
    ['2024-05-01T10:00:00', 1714557600], // no zone: UTC
    ['2024-05-01 12:00:00+02:00', 1714557600],
    ['2024-05-01T12:00:00+0200', 1714557600],
    ['2024-05-01T10:00Z', 1714557600],
    ['2024-05-01', 1714521600],
  ])('reads %j as %d epoch seconds', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });

  it.each([[''], ['  '], ['NaN'], ['Infinity'], ['yesterday'], ['May 1, 2024'], ['2024-05-01T10'], [Number.NaN], [Number.POSITIVE_INFINITY], [null], [undefined], [true], [{}]])(
    'refuses %j',
    (value) => {
      expect(parseTimestamp(value)).toBeUndefined();
    },
  );
});
