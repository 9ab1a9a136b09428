import { describe, expect, it } from 'vitest';
import { DEFAULT_ALS_HYPERPARAMETERS } from '../../../../models/als/AlsHyperparameters';
import { halvingSchedule } from '../../../../models/node/evaluation/halvingSchedule';
import { DEFAULT_TUNING_GRID } from '../../../../models/node/evaluation/tuneAls';

describe('halvingSchedule', () => {
  it('starts from the start, draws distinct grid points, and trains each rung three times longer', () => {
    const schedule = halvingSchedule(DEFAULT_ALS_HYPERPARAMETERS, DEFAULT_TUNING_GRID, 15, { seed: 42 });
    expect(schedule.rungEpochs).toEqual([2, 5, 15]);
    expect(schedule.rungSizes).toEqual([27, 9, 3]);
    expect(schedule.candidates[0]).toEqual(DEFAULT_ALS_HYPERPARAMETERS);
    expect(new Set(schedule.candidates.map((candidate) => JSON.stringify(candidate))).size).toBe(27);
    for (const candidate of schedule.candidates) expect(DEFAULT_TUNING_GRID.factors).toContain(candidate.factors);
  });

  it('is the same for a seed and differs across seeds', () => {
    const draw = (seed: number): string => JSON.stringify(halvingSchedule(DEFAULT_ALS_HYPERPARAMETERS, DEFAULT_TUNING_GRID, 15, { seed }).candidates);
    expect(draw(1)).toBe(draw(1));
    expect(draw(1)).not.toBe(draw(2));
  });

  it('collapses rungs of equal length for short trainings', () => {
    expect(halvingSchedule(DEFAULT_ALS_HYPERPARAMETERS, DEFAULT_TUNING_GRID, 1, { seed: 1, candidates: 5 })).toMatchObject({ rungEpochs: [1], rungSizes: [5] });
  });
});
