import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../models/contract/types';
import type { OndeckError } from '../../../models/errors/OndeckError';
import { DEFAULT_PROFILE, ViewerProfiles } from '../../../worker/engine/ViewerProfiles';
import { createMemoryStorage } from '../../../worker/storage/createMemoryStorage';
import { STATE_KEYS } from '../../../worker/storage/OndeckDatabaseSchema';

const catalog = new Map(['a', 'b', 'c', 'd'].map((id, index) => [id, index]));
const indexOfItem = (itemId: string): number | undefined => catalog.get(itemId);

async function openViewers(historyLimit = 3) {
  const storage = createMemoryStorage();
  const errors: OndeckError[] = [];
  const viewers = new ViewerProfiles({ storage, historyLimit, onError: (error) => errors.push(error) });
  await viewers.restore();
  return { storage, viewers, errors };
}

describe('ViewerProfiles', () => {
  it('creates the default profile on a first start and remembers the current one across restarts', async () => {
    const { storage, viewers } = await openViewers();
    expect(viewers.current).toEqual(DEFAULT_PROFILE);
    const kids = await viewers.create({ name: 'Kids', maturityLimit: 7 });
    await viewers.switchTo(kids.id);
    expect(await storage.getState(STATE_KEYS.currentProfile)).toBe(kids.id);
    const again = new ViewerProfiles({ storage, historyLimit: 3, onError: () => undefined });
    await again.restore();
    expect(again.current).toEqual(kids);
  });

  it('stores known titles, counts unknown ones, and keeps only the newest historyLimit entries', async () => {
    const { storage, viewers } = await openViewers(3);
    const now = Date.now();
    for (const [order, itemId] of ['a', 'zz', 'b', 'c', 'd'].entries()) await viewers.track({ type: 'play', itemId, time: now - (5 - order) * 60_000 }, indexOfItem);
    expect(viewers.unknownItemsTracked).toBe(1);
    expect(viewers.historyLength).toBe(3);
    expect((await storage.loadHistory('default')).map((entry) => entry.itemId)).toEqual(['b', 'c', 'd']);
    expect(viewers.viewer(indexOfItem).recent).toEqual([3, 2, 1]);
  });

  it('rebuilds the interpreted history after an event, a profile switch or a model change, and reuses it otherwise', async () => {
    const { viewers } = await openViewers();
    await viewers.track({ type: 'complete', itemId: 'a' }, indexOfItem);
    const first = viewers.viewer(indexOfItem);
    expect(viewers.viewer(indexOfItem)).toBe(first);
    viewers.modelChanged();
    const afterModel = viewers.viewer(indexOfItem);
    expect(afterModel).not.toBe(first);
    await viewers.track({ type: 'complete', itemId: 'b' }, indexOfItem);
    expect(viewers.viewer(indexOfItem)).not.toBe(afterModel);
  });

  it('skips and reports damaged stored records when a profile is opened', async () => {
    // As a damaged database hands them back: one good record, one whose time is not a number.
    const history = [
      { itemId: 'a', type: 'play', time: Date.now() },
      { itemId: 'b', type: 'play', time: Number.NaN },
    ] as HistoryEntry[];
    const storage = createMemoryStorage({ profiles: [DEFAULT_PROFILE], histories: new Map([['default', history]]), state: new Map(), unreadable: [] });
    const errors: OndeckError[] = [];
    const viewers = new ViewerProfiles({ storage, historyLimit: 10, onError: (error) => errors.push(error) });
    await viewers.restore();
    expect(viewers.historyLength).toBe(1);
    expect(viewers.invalidHistoryRecordsSkipped).toBe(1);
    expect(errors.map((error) => error.code)).toEqual(['history-record-invalid']);
  });

  it('recreates the default profile, empty, when it is deleted, and refuses unknown ids', async () => {
    const { viewers } = await openViewers();
    await viewers.track({ type: 'play', itemId: 'a' }, indexOfItem);
    await viewers.delete('default');
    expect(viewers.current).toEqual(DEFAULT_PROFILE);
    expect(viewers.historyLength).toBe(0);
    await expect(viewers.switchTo('nobody')).rejects.toMatchObject({ code: 'unknown-profile' });
    await expect(viewers.delete('nobody')).rejects.toMatchObject({ code: 'unknown-profile' });
  });
});
