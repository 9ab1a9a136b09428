import { describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../../../../models/data/synth';
import { priorValidationViews } from '../../../../models/evaluation/priorValidationViews';
import { tuneDevicePrior } from '../../../../models/node/evaluation/tuneDevicePrior';

describe('tuneDevicePrior', () => {
  const dataset = generateSyntheticDataset({ items: 300, users: 500, eventsPerUser: 25, clusters: 6, seed: 4 });
  const options = { items: dataset.items, hyper: { factors: 16 }, epochs: 5, threads: 1, seed: 1 };

  it('holds out viewers the tuning model never trains on, shown as new profiles of 1, 3, 5 titles and long histories', () => {
    const { trainUsers, views } = priorValidationViews(dataset.interactions);
    expect(views.map((view) => view.name)).toEqual(['short-1', 'short-3', 'short-5', 'temporal', 'random']);
    const trained = new Set(trainUsers);
    const viewers = views[0].users.map((user) => user.user);
    expect(viewers.length).toBeGreaterThan(50);
    for (const view of views) {
      // The same viewers in every view, none of them trained on.
      expect(view.users.map((user) => user.user)).toEqual(viewers);
      for (const user of view.users) expect(trained.has(user.user)).toBe(false);
    }
    expect(views[1].users.every((user) => user.history.indices.length === 3)).toBe(true);
  });

  it('picks a prior that beats the fold-in alone on new profiles of this long-tailed catalog', async () => {
    const tuning = await tuneDevicePrior(dataset.interactions, options);
    expect(tuning.best.parameters.weight).toBeGreaterThan(0);
    expect(tuning.best.ndcgAt100).toBeGreaterThan(tuning.withoutPrior.ndcgAt100);
    expect(tuning.best.byView['short-1']).toBeGreaterThan(tuning.withoutPrior.byView['short-1']);
    expect(tuning.trials.length).toBeGreaterThan(10);
  }, 60_000);

  it('tunes data without times on random-order new profiles and a random split', () => {
    const { times: _times, ...untimed } = dataset.interactions;
    const { views } = priorValidationViews(untimed);
    expect(views.map((view) => view.name)).toEqual(['short-1 (random order)', 'short-3 (random order)', 'short-5 (random order)', 'random']);
    expect(views[2].users.every((user) => user.history.indices.length === 5 && user.truth.length > 0)).toBe(true);
  });
});
