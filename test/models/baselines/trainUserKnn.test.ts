import { describe, it, expect } from 'vitest';
import { trainUserKnn } from '../../../models/baselines/trainUserKnn';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { historyOf, matrixOf } from '../../support/matrixOf';

const context = { items: new Map(), seed: 1 };
// u0 = {i0, i1}, u1 = {i1, i2}, u2 = {i3}.
const train = matrixOf(4, [[0, 1], [1, 2], [3]]);

describe('trainUserKnn', () => {
  it('votes with cosine similarities, hand-computed', () => {
    // Query {i1}: cos(q, u0) = 1 / (√1·√2) = 0.7071, cos(q, u1) = 0.7071, cos(q, u2) = 0.
    // Scores = 0.7071·u0 + 0.7071·u1 = [0.7071, 1.4142, 0.7071, 0].
    const scores = new Float32Array(4);
    trainUserKnn(train, context).scoreItems(historyOf([1]), scores);
    expect(scores[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scores[1]).toBeCloseTo(Math.SQRT2, 6);
    expect(scores[2]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scores[3]).toBe(0);
  });

  it('keeps only the top neighbours (ties to the lower user index)', () => {
    // neighbours = 1: u0 and u1 tie at 0.7071, u0 wins → only u0's items get a vote.
    const scores = new Float32Array(4);
    trainUserKnn(train, context, { neighbours: 1 }).scoreItems(historyOf([1]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([0.7071, 0.7071, 0, 0]);
  });

  it('uses the interaction weights in weighted mode', () => {
    // u0 = {i0: 3, i1: 4} (norm 5), u1 = {i1: 1}. Query {i1: 2} (norm 2).
    // cos(q, u0) = 2·4 / (2·5) = 0.8, cos(q, u1) = 2·1 / (2·1) = 1.
    // Scores: i0 = 0.8·3 = 2.4, i1 = 0.8·4 + 1·1 = 4.2.
    const weighted = matrixOf(2, [[0, 1], [1]], [[3, 4], [1]]);
    const scores = new Float32Array(2);
    trainUserKnn(weighted, context, { weighting: 'weighted' }).scoreItems(historyOf([1], [2]), scores);
    expect(scores[0]).toBeCloseTo(2.4, 5);
    expect(scores[1]).toBeCloseTo(4.2, 5);
  });

  it('rejects a bad neighbour count', () => {
    for (const neighbours of [0, -2, 1.5]) {
      let caught: unknown;
      try {
        trainUserKnn(train, context, { neighbours });
      } catch (error) {
        caught = error;
      }
      expect(isOndeckError(caught, 'invalid-argument')).toBe(true);
    }
  });
});
