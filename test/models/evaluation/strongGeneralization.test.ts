import { describe, expect, it } from 'vitest';
import { trainPopularity } from '../../../models/baselines/trainPopularity';
import type { Dataset } from '../../../models/data/Dataset';
import type { InteractionMatrix } from '../../../models/data/InteractionMatrix';
import { alsCandidate } from '../../../models/node/evaluation/alsCandidate';
import { evaluateStrongGeneralization, type ModelEvaluation } from '../../../models/evaluation/evaluateStrongGeneralization';
import { splitHeldOutUsers } from '../../../models/evaluation/splitHeldOutUsers';
import { plantedBlocks } from '../../support/plantedBlocks';

const { matrix } = plantedBlocks({ blocks: 4, usersPerBlock: 60, itemsPerBlock: 30, density: 0.25, seed: 7 });
const userCount = matrix.indptr.length - 1;

function positivesOf(m: InteractionMatrix, user: number): number[] {
  return Array.from(m.indices.subarray(m.indptr[user], m.indptr[user + 1]));
}

function usersWithAtLeast(m: InteractionMatrix, minPositives: number): number[] {
  const users: number[] = [];
  for (let u = 0; u < m.indptr.length - 1; u++) if (m.indptr[u + 1] - m.indptr[u] >= minPositives) users.push(u);
  return users;
}

describe('splitHeldOutUsers', () => {
  const options = { folds: 5, minPositives: 5, seed: 3 };
  const folds = splitHeldOutUsers(matrix, options);
  const eligible = usersWithAtLeast(matrix, 5);

  it('the planted data has users on both sides of minPositives (so the rule is exercised)', () => {
    expect(eligible.length).toBeGreaterThan(100);
    expect(eligible.length).toBeLessThan(userCount);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    expect(splitHeldOutUsers(matrix, options)).toEqual(folds);
    const other = splitHeldOutUsers(matrix, { ...options, seed: 4 });
    expect(other.map((fold) => fold.heldOut.map((user) => user.user))).not.toEqual(folds.map((fold) => fold.heldOut.map((user) => user.user)));
  });

  it('holds out every eligible user exactly once across the folds, and no one else', () => {
    expect(folds).toHaveLength(5);
    const heldOut = folds.flatMap((fold) => fold.heldOut.map((user) => user.user));
    expect(new Set(heldOut).size).toBe(heldOut.length);
    expect(heldOut.slice().sort((a, b) => a - b)).toEqual(eligible);
    // Folds are balanced to within one user.
    const sizes = folds.map((fold) => fold.heldOut.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('trains each fold on exactly the users it does not hold out, including the small ones', () => {
    const small = new Set(Array.from({ length: userCount }, (_, u) => u).filter((u) => !eligible.includes(u)));
    for (const fold of folds) {
      const heldOut = new Set(fold.heldOut.map((user) => user.user));
      const train = Array.from(fold.trainUsers);
      expect(train.some((u) => heldOut.has(u))).toBe(false);
      expect(train.length + heldOut.size).toBe(userCount);
      expect(new Set(train).size).toBe(train.length);
      for (const u of small) expect(train).toContain(u);
    }
  });

  it('splits each held-out user into disjoint fold-in and truth parts covering the positives, ≈80/20', () => {
    let foldInTotal = 0;
    let positivesTotal = 0;
    for (const fold of folds) {
      for (const { user, history, truth } of fold.heldOut) {
        const positives = positivesOf(matrix, user);
        const foldIn = Array.from(history.indices);
        const truthItems = Array.from(truth);
        expect(foldIn.length).toBeGreaterThan(0);
        expect(truthItems.length).toBeGreaterThan(0);
        expect(foldIn.filter((item) => truthItems.includes(item))).toEqual([]);
        expect([...foldIn, ...truthItems].sort((a, b) => a - b)).toEqual(positives);
        expect(foldIn).toEqual(foldIn.slice().sort((a, b) => a - b));
        expect(truthItems).toEqual(truthItems.slice().sort((a, b) => a - b));
        expect(foldIn.length).toBe(Math.min(positives.length - 1, Math.max(1, Math.round(positives.length * 0.8))));
        // Weights travel with their items.
        foldIn.forEach((item, k) => {
          const entry = matrix.indptr[user] + positives.indexOf(item);
          expect(history.weights[k]).toBe(matrix.weights[entry]);
        });
        foldInTotal += foldIn.length;
        positivesTotal += positives.length;
      }
    }
    expect(foldInTotal / positivesTotal).toBeGreaterThan(0.75);
    expect(foldInTotal / positivesTotal).toBeLessThan(0.85);
  });

  it('never holds out users below a higher minPositives', () => {
    const strict = splitHeldOutUsers(matrix, { folds: 3, minPositives: 9, seed: 1 });
    const heldOut = strict.flatMap((fold) => fold.heldOut.map((user) => user.user)).sort((a, b) => a - b);
    expect(heldOut).toEqual(usersWithAtLeast(matrix, 9));
    for (const fold of strict) {
      for (let u = 0; u < userCount; u++) {
        if (matrix.indptr[u + 1] - matrix.indptr[u] < 9) expect(Array.from(fold.trainUsers)).toContain(u);
      }
    }
  });
});

describe('evaluateStrongGeneralization on planted blocks', () => {
  const dataset: Dataset = {
    interactions: matrix,
    items: new Map(),
    report: { format: 'synthetic', files: [], linesRead: 0, skippedLines: 0, belowThreshold: 0, duplicatesAggregated: 0, warnings: [] },
  };
  const splitOptions = { folds: 5, seed: 11 };
  let results: ModelEvaluation[];
  const byName = (name: string): ModelEvaluation => {
    const row = results.find((result) => result.name === name);
    if (!row) throw new Error(`no row ${name}`);
    return row;
  };

  it('reports one row per model with the held-out user count', async () => {
    results = await evaluateStrongGeneralization(
      dataset,
      [{ name: 'Popularity', train: (train) => trainPopularity(train) }, alsCandidate({ hyper: { factors: 8, regularization: 0.05 }, epochs: 6, threads: 1 })],
      { ...splitOptions, maxFolds: 2 },
    );
    expect(results.map((result) => result.name)).toEqual(['Popularity', 'iALS float', 'iALS int8 on-device']);
    const expectedUsers = splitHeldOutUsers(matrix, splitOptions)
      .slice(0, 2)
      .reduce((sum, fold) => sum + fold.heldOut.length, 0);
    expect(expectedUsers).toBeGreaterThan(50);
    for (const result of results) expect(result.users).toBe(expectedUsers);
  });

  it('iALS finds the planted block; popularity is near chance', () => {
    const popularity = byName('Popularity');
    const als = byName('iALS float');
    // Chance: ~20 of the ~114 unseen items, i.e. recall ≈ 0.18 whatever the block.
    expect(popularity.recallAt20).toBeLessThan(0.35);
    expect(als.recallAt20).toBeGreaterThan(0.6);
    expect(als.recallAt20).toBeGreaterThan(2.5 * popularity.recallAt20);
    expect(als.ndcgAt100).toBeGreaterThan(popularity.ndcgAt100);
  });

  it('the int8 on-device row is within 2% of the float row on NDCG@100', () => {
    const float = byName('iALS float');
    const int8 = byName('iALS int8 on-device');
    expect(Math.abs(int8.ndcgAt100 - float.ndcgAt100)).toBeLessThanOrEqual(0.02 * float.ndcgAt100);
  });

  it('Recall@K curves are non-decreasing in K and agree with the headline recalls', () => {
    for (const result of results) {
      expect(result.recallCurve.map((point) => point.k)).toEqual([1, 5, 10, 20, 50, 100]);
      for (let i = 1; i < result.recallCurve.length; i++) {
        expect(result.recallCurve[i].recall).toBeGreaterThanOrEqual(result.recallCurve[i - 1].recall);
      }
      expect(result.recallCurve.find((point) => point.k === 20)?.recall).toBeCloseTo(result.recallAt20, 12);
      expect(result.recallCurve.find((point) => point.k === 50)?.recall).toBeCloseTo(result.recallAt50, 12);
      for (const value of [result.recallAt20, result.recallAt50, result.ndcgAt100, result.precisionAt10, result.mapAt100, result.coverageAt20]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });

  it('fails with empty-data when nobody has enough positives to hold out', async () => {
    await expect(evaluateStrongGeneralization(dataset, [{ name: 'Popularity', train: (train) => trainPopularity(train) }], { minPositives: 1000 })).rejects.toMatchObject({
      code: 'empty-data',
    });
  });
});

describe('genre agreement@10', () => {
  // Planted blocks with one genre per block: a model ranking the folded-in titles' own block agrees
  // fully, one ranking the next block never does; without genres the metric is absent.
  const blockOfItem = (id: string): number => Number(/^b(\d+)-/.exec(id)![1]);
  const withGenres: Dataset = {
    interactions: matrix,
    items: new Map(matrix.itemIds.map((id) => [id, { id, title: id, genres: [`genre-${blockOfItem(id)}`] }])),
    report: { format: 'synthetic', files: [], linesRead: 0, skippedLines: 0, belowThreshold: 0, duplicatesAggregated: 0, warnings: [] },
  };
  const blockRanker = (name: string, shift: number) => ({
    name,
    train: () => ({
      name,
      scoreItems(history: { indices: Int32Array }, out: Float32Array) {
        const block = (Math.floor(history.indices[0]! / 30) + shift) % 4;
        for (let i = 0; i < out.length; i++) out[i] = Math.floor(i / 30) === block ? 1 + i / 1000 : 0;
      },
    }),
  });

  it('is 1 for a model that stays in the folded-in genre, 0 for one that leaves it, absent without genres', async () => {
    const options = { folds: 5, seed: 11, maxFolds: 1 };
    const rows = await evaluateStrongGeneralization(withGenres, [blockRanker('same block', 0), blockRanker('next block', 1)], options);
    expect(rows.map((row) => [row.name, row.genreAgreementAt10])).toEqual([
      ['same block', 1],
      ['next block', 0],
    ]);
    const withoutGenres = await evaluateStrongGeneralization({ ...withGenres, items: new Map() }, [blockRanker('same block', 0)], options);
    expect(withoutGenres[0]!.genreAgreementAt10).toBeUndefined();
  });
});
