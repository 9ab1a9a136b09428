import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../models/random';
import { selectTopK } from '../../../models/scoring/selectTopK';
import { referenceTopK } from '../../support/scoringFixtures';

describe('selectTopK', () => {
  it('returns the best scores first, ties by lower index', () => {
    const result = selectTopK(Float32Array.from([3, 1, 3, 2, 5]), 3);
    expect(Array.from(result.indices)).toEqual([4, 0, 2]);
    expect(Array.from(result.scores)).toEqual([5, 3, 3]);
  });

  it('skips excluded indices, duplicates included, without returning fewer than asked', () => {
    const result = selectTopK(Float32Array.from([3, 1, 3, 2, 5]), 3, Int32Array.from([0, 4, 4]));
    expect(Array.from(result.indices)).toEqual([2, 3, 1]);
  });

  it('returns everything left when count exceeds the items, and nothing for count 0', () => {
    expect(Array.from(selectTopK(Float32Array.from([1, 2]), 10, Int32Array.from([1])).indices)).toEqual([0]);
    expect(selectTopK(Float32Array.from([1, 2]), 0).indices.length).toBe(0);
    expect(selectTopK(new Float32Array(0), 5).indices.length).toBe(0);
  });

  it('agrees with a full sort on data full of ties', () => {
    const random = new SeededRandom(9);
    for (let trial = 0; trial < 50; trial++) {
      const size = 1 + random.nextInt(300);
      // Integer scores in a small range: most scores are tied.
      const scores = Float32Array.from({ length: size }, () => random.nextInt(7) - 3);
      const exclude = Int32Array.from({ length: random.nextInt(20) }, () => random.nextInt(size)).sort();
      const count = random.nextInt(size + 5);
      const result = selectTopK(scores, count, exclude);
      expect(Array.from(result.indices)).toEqual(referenceTopK(scores, count, exclude));
      expect(Array.from(result.scores)).toEqual(Array.from(result.indices, (i) => scores[i]));
    }
  });
});
