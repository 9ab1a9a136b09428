import { describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../../../../models/data/synth';
import { tuneAlsWithinBudget, type TuningBudget } from '../../../../models/node/evaluation/tuneAlsWithinBudget';

describe('tuneAlsWithinBudget', () => {
  // Six planted taste clusters: one factor can only rank by popularity, so the start is clearly wrong.
  const dataset = generateSyntheticDataset({ items: 300, users: 500, eventsPerUser: 25, clusters: 6, seed: 4 });
  const grid = { factors: [1, 8, 16], regularization: [0.003, 0.01, 0.03], unobservedWeight: [0.1, 0.3], alpha: [1] };
  const options = { items: dataset.items, start: { factors: 1 }, grid, candidates: 9, epochs: 6, threads: 1, seed: 7, budgetSeconds: 120 };

  it('finds a configuration far better than a one-factor start on planted clusters, by successive halving', async () => {
    const tuning = await tuneAlsWithinBudget(dataset.interactions, options);
    expect(tuning.best.hyper.factors).toBeGreaterThanOrEqual(8);
    // Compared at the same rung (full epochs): the start is carried there as the reference.
    expect(tuning.start.rung).toBe(tuning.best.rung);
    expect(tuning.best.epochs).toBe(6);
    expect(tuning.best.ndcgAt100).toBeGreaterThan(tuning.start.ndcgAt100 + 0.02);
    // Long histories are where one factor (popularity, in effect) fails most: 0.30 against 0.45 here.
    expect(tuning.best.byView.random).toBeGreaterThan(tuning.start.byView.random + 0.1);
    // 9 candidates at 1 epoch, 3 at 2, 1 at 6, and the start at each later rung.
    expect(tuning.trials.map((trial) => trial.epochs)).toEqual([...Array(9).fill(1), 2, 2, 2, 2, 6, 6].slice(0, tuning.trials.length));
    expect(tuning.trials.filter((trial) => trial.rung === 0)).toHaveLength(9);
    expect(tuning.skipped).toBe(0);
    expect(tuning.budget.candidates).toBe(9);
    // New profiles are left to the popularity prior, tuned after: only long histories score.
    expect(Object.keys(tuning.best.byView)).toEqual(['temporal', 'random']);
  }, 20_000);

  it('is deterministic for a seed', async () => {
    const scores = async (seed: number): Promise<string[]> =>
      (await tuneAlsWithinBudget(dataset.interactions, { ...options, seed, candidates: 4, epochs: 2 })).trials.map((trial) => `${JSON.stringify(trial.hyper)} ${trial.ndcgAt100}`);
    expect(await scores(11)).toEqual(await scores(11));
  }, 20_000);

  it('stops at a tiny budget and keeps the best found so far (the start)', async () => {
    const tuning = await tuneAlsWithinBudget(dataset.interactions, { ...options, budgetSeconds: 0.001 });
    expect(tuning.trials).toHaveLength(1);
    // Rung 0 shrinks to its smallest size (3); the two others, and the start's place in rung 1.
    expect(tuning.budget.candidates).toBe(3);
    expect(tuning.skipped).toBe(3);
    expect(tuning.best).toBe(tuning.trials[0]);
    expect(tuning.best.hyper.factors).toBe(1);
  }, 20_000);

  it('measures one training on the first trial and budgets ten of them by default', async () => {
    const budgets: TuningBudget[] = [];
    const tuning = await tuneAlsWithinBudget(dataset.interactions, { ...options, budgetSeconds: undefined, candidates: 3, epochs: 2, onBudget: (budget) => budgets.push(budget) });
    expect(budgets).toHaveLength(1);
    expect(budgets[0].trainingSeconds).toBeGreaterThan(0);
    expect(budgets[0].runSeconds).toBe(budgets[0].trainingSeconds);
    expect(budgets[0].seconds).toBeCloseTo(10 * (budgets[0].runSeconds ?? 0), 6);
    expect(tuning.budget).toEqual(budgets[0]);
  }, 20_000);
});
