import { describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../../../../models/data/synth';
import { evaluateColdStartItems } from '../../../../models/node/evaluation/evaluateColdStartItems';

describe('evaluateColdStartItems', () => {
  it('finds titles hidden from training far better than chance through their content', async () => {
    // Synthetic titles carry genres anchored on their planted taste cluster, so content predicts taste.
    const dataset = generateSyntheticDataset({ items: 800, users: 600, eventsPerUser: 30, seed: 5 });
    const result = await evaluateColdStartItems(dataset, { hyper: { factors: 16, regularization: 0.05 }, epochs: 6, coldShare: 0.2 });
    expect(result.coldItems).toBeGreaterThan(20);
    expect(result.users).toBeGreaterThan(20);
    const hybrid = result.recallAt20['Hybrid (iALS + content factors)'];
    expect(result.recallAt20.Random).toBeCloseTo(20 / result.coldItems, 10);
    expect(hybrid).toBeGreaterThan(1.5 * result.recallAt20.Random);
  });
});
