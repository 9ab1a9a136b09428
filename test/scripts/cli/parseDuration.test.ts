import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../scripts/cli/parseDuration';
import { parseTuneBudget } from '../../../scripts/cli/tuneObjective';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and milliseconds; a bare number is seconds', () => {
    expect(['90', '90s', '1.5m', '1h', '500ms', '10M', '5d'].map((text) => parseDuration('budget', text))).toEqual([90, 90, 90, 3600, 0.5, 600, 432_000]);
  });

  it('refuses anything else, naming the flag', () => {
    for (const text of ['', 'soon', '-5s', '0', '10 minutes', '1e3']) expect(() => parseDuration('tune-budget', text)).toThrow(/--tune-budget/);
  });

  it('formats for people', () => {
    expect([4.25, 45.4, 200, 3900].map(formatDuration)).toEqual(['4.3 s', '45 s', '3 min 20 s', '1 h 5 min']);
  });
});

describe('parseTuneBudget', () => {
  it('is ten training runs by default, Nx runs, or a duration', () => {
    expect(parseTuneBudget(undefined)).toEqual({ trainings: 10 });
    expect(parseTuneBudget('3x')).toEqual({ trainings: 3 });
    expect(parseTuneBudget('10m')).toEqual({ seconds: 600 });
    expect(() => parseTuneBudget('0x')).toThrow(/--tune-budget/);
  });
});
