import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { trainAls } from '../../../../models/node/als/trainAls';
import { plantedBlocks } from '../../../support/plantedBlocks';
import { isOndeckError } from '../../../../models/errors/OndeckError';

const workerScript = join(import.meta.dirname, '../../../../dist/alsThreadWorker.js');
const planted = plantedBlocks({ blocks: 4, usersPerBlock: 60, itemsPerBlock: 40, density: 0.25, seed: 7 });

function score(model: { userFactors: Float32Array; itemFactors: Float32Array; dims: number }, user: number, item: number): number {
  let sum = 0;
  for (let d = 0; d < model.dims; d++) sum += model.userFactors[user * model.dims + d] * model.itemFactors[item * model.dims + d];
  return sum;
}

describe('trainAls', () => {
  it("recovers planted taste blocks: every user's top 10 unseen items come from their own block", async () => {
    // λ large enough that viewers with only 5–6 titles do not overfit to noise.
    const model = await trainAls(planted.matrix, { hyper: { factors: 8, regularization: 0.05 }, epochs: 10, seed: 1 });
    const { userIds, itemIds, indptr, indices } = planted.matrix;
    for (let u = 0; u < userIds.length; u++) {
      const seen = new Set(indices.subarray(indptr[u], indptr[u + 1]));
      const ranked = itemIds
        .map((_, i) => i)
        .filter((i) => !seen.has(i))
        .sort((a, b) => score(model, u, b) - score(model, u, a));
      const blocks = ranked.slice(0, 10).map((i) => planted.blockOfItem(itemIds[i]));
      expect(blocks).toEqual(new Array(10).fill(planted.blockOfUser(userIds[u])));
    }
  });

  it('lowers the loss epoch after epoch', async () => {
    const model = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 6 });
    for (let e = 1; e < model.lossHistory.length; e++) expect(model.lossHistory[e]).toBeLessThanOrEqual(model.lossHistory[e - 1] + 1e-9);
    expect(model.lossHistory[5]).toBeLessThan(model.lossHistory[0]);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 3, seed: 5 });
    const b = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 3, seed: 5 });
    const c = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 3, seed: 6 });
    expect(Buffer.from(a.itemFactors.buffer).equals(Buffer.from(b.itemFactors.buffer))).toBe(true);
    expect(Buffer.from(a.itemFactors.buffer).equals(Buffer.from(c.itemFactors.buffer))).toBe(false);
  });

  it('gives bit-identical factors on 2 threads and on 1', async () => {
    const single = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 3, seed: 3 });
    const threaded = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 3, seed: 3, threads: 2, workerScript });
    expect(Buffer.from(threaded.itemFactors.buffer).equals(Buffer.from(single.itemFactors.buffer))).toBe(true);
    expect(Buffer.from(threaded.userFactors.buffer).equals(Buffer.from(single.userFactors.buffer))).toBe(true);
  });

  it('conjugate gradient converges to the exact (Cholesky) solution', async () => {
    const exact = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 25, solver: 'cholesky', seed: 2 });
    const iterative = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 25, solver: 'cg', cgSteps: 8, seed: 2 });
    // Compare predictions (the factors themselves are only defined up to a rotation).
    let maxDifference = 0;
    for (let u = 0; u < 30; u++)
      for (let i = 0; i < planted.matrix.itemIds.length; i++) {
        maxDifference = Math.max(maxDifference, Math.abs(score(exact, u, i) - score(iterative, u, i)));
      }
    expect(maxDifference).toBeLessThan(0.02);
  });

  it('warm start keeps the latent basis: a retrain on the same data barely moves item factors', async () => {
    const first = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 15, seed: 11 });
    const warm = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 2, seed: 99, warmStart: first });
    const cold = await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 15, seed: 99 });
    const distance = (a: Float32Array, b: Float32Array): number => {
      let sum = 0,
        norm = 0;
      for (let i = 0; i < a.length; i++) {
        sum += (a[i] - b[i]) ** 2;
        norm += a[i] ** 2;
      }
      return Math.sqrt(sum / norm);
    };
    expect(distance(first.itemFactors, warm.itemFactors)).toBeLessThan(0.1);
    expect(distance(first.itemFactors, cold.itemFactors)).toBeGreaterThan(0.5);
  });

  it('rejects bad hyperparameters with a typed error', async () => {
    for (const hyper of [{ factors: 0 }, { regularization: -1 }, { unobservedWeight: Number.NaN }, { alpha: -2 }]) {
      const error = await trainAls(planted.matrix, { hyper, epochs: 1 }).catch((e: unknown) => e);
      expect(isOndeckError(error, 'invalid-argument')).toBe(true);
    }
  });
});
