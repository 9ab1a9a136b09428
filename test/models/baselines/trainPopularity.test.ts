import { describe, it, expect } from 'vitest';
import { trainPopularity } from '../../../models/baselines/trainPopularity';
import { topKIndices } from '../../../models/scoring/topKIndices';
import { historyOf, matrixOf } from '../../support/matrixOf';

describe('trainPopularity', () => {
  // Users per item: i0 → 1, i1 → 3, i2 → 0, i3 → 3, i4 → 2 (weights do not count).
  const train = matrixOf(
    5,
    [
      [0, 1, 3],
      [1, 3, 4],
      [1, 3, 4],
    ],
    [
      [5, 5, 5],
      [1, 1, 1],
      [9, 1, 1],
    ],
  );
  const model = trainPopularity(train, { items: new Map(), seed: 1 });

  it('scores each item by its number of training users, whatever the history', () => {
    const scores = new Float32Array(5);
    model.scoreItems(historyOf([2]), scores);
    expect(Array.from(scores)).toEqual([1, 3, 0, 3, 2]);
  });

  it('ranks most popular first, ties by lower index', () => {
    const scores = new Float32Array(5);
    model.scoreItems(historyOf([]), scores);
    expect(Array.from(topKIndices(scores, 5))).toEqual([1, 3, 4, 0, 2]);
    expect(model.name).toBe('Popularity');
  });
});
