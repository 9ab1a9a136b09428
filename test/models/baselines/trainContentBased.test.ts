import { describe, it, expect } from 'vitest';
import { trainContentBased } from '../../../models/baselines/trainContentBased';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';
import { topKIndices } from '../../../models/scoring/topKIndices';
import { historyOf, matrixOf } from '../../support/matrixOf';

function metadata(id: string, genres: string[], tags?: string[]): [string, ItemMetadata] {
  return [id, { id, title: id, genres, tags }];
}

describe('trainContentBased', () => {
  it('scores the cosine between the history profile and each item (hand-computed)', () => {
    // i0 {Comedy, Romance}, i1 {Comedy}, i2 {Horror}, i3 {Romance, Horror}, i4 no metadata.
    // Every genre has df 2 of N = 4, so all idf are equal: i0 = (C, R)/√2, i1 = C, i2 = H, i3 = (R, H)/√2.
    const items = new Map([metadata('i0', ['Comedy', 'Romance']), metadata('i1', ['Comedy']), metadata('i2', ['Horror']), metadata('i3', ['Romance', 'Horror'])]);
    const model = trainContentBased(matrixOf(5, [[0]]), { items, seed: 1 });
    const scores = new Float32Array(5);
    // Profile = i1 = C: cos with i0 = 1/√2, i1 = 1, others 0.
    model.scoreItems(historyOf([1]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([0.7071, 1, 0, 0, 0]);
    // Profile = i0 = (C + R)/√2: i1 → 1/√2, i3 → (1/√2)·(1/√2) = 0.5, i2 → 0.
    model.scoreItems(historyOf([0]), scores);
    expect(Array.from(scores, (s) => Number(s.toFixed(4)))).toEqual([1, 0.7071, 0, 0.5, 0]);
    // Weighted profile 3·i1 + 1·i2 = (C: 3, H: 1), norm √10: i0 → 3/√20 = 0.6708, i3 → 1/√20 = 0.2236.
    model.scoreItems(historyOf([1, 2], [3, 1]), scores);
    expect(scores[0]).toBeCloseTo(3 / Math.sqrt(20), 5);
    expect(scores[3]).toBeCloseTo(1 / Math.sqrt(20), 5);
    expect(scores[4]).toBe(0);
  });

  it('prefers items sharing the history’s genres and tags on a planted catalog', () => {
    // 30 items: ids 0–9 comedies tagged "funny", 10–19 horror tagged "scary", 20–29 dramas.
    const kinds = [
      ['Comedy', 'funny'],
      ['Horror', 'scary'],
      ['Drama', 'moving'],
    ];
    const items = new Map(Array.from({ length: 30 }, (_, i) => metadata(`i${i}`, [kinds[Math.floor(i / 10)][0]], [kinds[Math.floor(i / 10)][1]])));
    const model = trainContentBased(matrixOf(30, [[0]]), { items, seed: 1 });
    const history = historyOf([10, 11, 12]);
    const scores = new Float32Array(30);
    model.scoreItems(history, scores);
    const top = topKIndices(scores, 7, history.indices);
    expect(Array.from(top).every((item) => item >= 10 && item < 20)).toBe(true);
  });

  it('scores everything 0 for a history without known terms', () => {
    const items = new Map([metadata('i0', ['Comedy']), metadata('i1', ['Comedy'])]);
    const model = trainContentBased(matrixOf(3, [[0]]), { items, seed: 1 });
    const scores = new Float32Array(3).fill(7);
    model.scoreItems(historyOf([2]), scores);
    expect(Array.from(scores)).toEqual([0, 0, 0]);
  });
});
