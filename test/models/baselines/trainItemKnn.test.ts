import { describe, it, expect } from 'vitest';
import { trainItemKnn } from '../../../models/baselines/trainItemKnn';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { historyOf, matrixOf } from '../../support/matrixOf';

const context = { items: new Map(), seed: 1 };
// Users: u0 = {i0, i1}, u1 = {i1, i2}, u2 = {i3}. Item columns: i0 = {u0}, i1 = {u0, u1}, i2 = {u1}, i3 = {u2}.
// cos(i0, i1) = 1 / (1·√2) = 0.7071, cos(i1, i2) = 0.7071, cos(i0, i2) = 0, i3 shares no user.
const train = matrixOf(4, [[0, 1], [1, 2], [3]]);

describe('trainItemKnn', () => {
  it('sums the history items’ cosine similarities, hand-computed', () => {
    const model = trainItemKnn(train, context);
    const scores = new Float32Array(4);
    model.scoreItems(historyOf([0]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([0, 0.7071, 0, 0]);
    // {i0, i2}: i1 collects 0.7071 from both.
    model.scoreItems(historyOf([0, 2]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([0, 1.4142, 0, 0]);
    // {i1}: both neighbours of i1.
    model.scoreItems(historyOf([1]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([0.7071, 0, 0.7071, 0]);
  });

  it('keeps only the top neighbours per item (ties to the lower item index)', () => {
    // neighbours = 1: i1's list is {i0} (i0 and i2 tie, i0 wins).
    const scores = new Float32Array(4);
    trainItemKnn(train, context, { neighbours: 1 }).scoreItems(historyOf([1]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([0.7071, 0, 0, 0]);
  });

  it('uses weights in weighted mode, for similarities and history', () => {
    // i0 = {u0: 3}, i1 = {u0: 4, u1: 3} (norm 5). cos(i0, i1) = 3·4 / (3·5) = 0.8.
    // History {i0 with weight 2}: score(i1) = 2 · 0.8 = 1.6.
    const weighted = matrixOf(2, [[0, 1], [1]], [[3, 4], [3]]);
    const scores = new Float32Array(2);
    trainItemKnn(weighted, context, { weighting: 'weighted' }).scoreItems(historyOf([0], [2]), scores);
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBeCloseTo(1.6, 5);
  });

  it('rejects a bad neighbour count', () => {
    let caught: unknown;
    try {
      trainItemKnn(train, context, { neighbours: 0 });
    } catch (error) {
      caught = error;
    }
    expect(isOndeckError(caught, 'invalid-argument')).toBe(true);
  });
});
