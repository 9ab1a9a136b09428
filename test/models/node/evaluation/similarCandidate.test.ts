import { describe, expect, it } from 'vitest';
import type { ScoringModel } from '../../../../models/scoring/ScoringModel';
import { similarCandidate } from '../../../../models/node/evaluation/similarCandidate';
import { historyOf, matrixOf } from '../../../support/matrixOf';

// Two tastes that never meet: viewers of the first 20 titles never watch the last 20, and title 0
// is by far the most popular. "More like this" of a title of the second taste must stay in it,
// whichever similarity ranks it.
const ITEMS = 40;
const rows: number[][] = [];
for (let u = 0; u < 120; u++) {
  const block = u % 2;
  const titles = new Set<number>(block === 0 ? [0] : []);
  for (let k = 0; k < 6; k++) titles.add(block * 20 + ((u * 7 + k * 3) % 20));
  rows.push([...titles]);
}

describe('similarCandidate', () => {
  it('ranks titles of the seed title own taste first with each similarity: dot, dot over norms to 0.25 and 0.5, cosine, the fold-in of [X]', async () => {
    const models = (await similarCandidate({ hyper: { factors: 8 }, epochs: 10, threads: 1 }).train(matrixOf(ITEMS, rows), { items: new Map(), seed: 7 })) as ScoringModel[];
    expect(models.map((model) => model.name)).toEqual(['like X: dot (shipped)', 'like X: dot / norm^0.25', 'like X: dot / norm^0.5', 'like X: cosine', 'like X: fold-in of X']);
    const scores = new Float32Array(ITEMS);
    for (const model of models) {
      await model.scoreItems(historyOf([25]), scores);
      const top = Array.from(scores.keys())
        .filter((item) => item !== 25)
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, 10);
      expect(
        top.every((item) => item >= 20),
        `${model.name}: ${top.join(',')}`,
      ).toBe(true);
    }
  });
});
