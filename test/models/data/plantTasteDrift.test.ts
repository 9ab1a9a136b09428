import { describe, expect, it } from 'vitest';
import { generateSyntheticDataset, type SyntheticDataset } from '../../../models/data/synth';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { thrownBy } from '../../support/thrownBy';

const small = { items: 600, users: 500, eventsPerUser: 40, seed: 5 };

/**
 * Over the users with several clusters and at least 20 titles: the mean share of titles from the
 * user's last drift cluster among their earliest 20% of titles and among their latest 20%.
 */
function lastClusterShares(dataset: SyntheticDataset): { early: number; late: number; users: number } {
  const { interactions, truth } = dataset;
  const times = interactions.times!;
  let early = 0;
  let late = 0;
  let users = 0;
  for (let u = 0; u < interactions.userIds.length; u++) {
    const first = truth.userClusterStart[u];
    const last = truth.userClusterStart[u + 1];
    const start = interactions.indptr[u];
    const length = interactions.indptr[u + 1] - start;
    if (last - first < 2 || length < 20) continue;
    const lastCluster = truth.driftClusterOrder[last - 1];
    const byTime = Array.from({ length }, (_, i) => start + i).sort((a, b) => times[a] - times[b]);
    const fifth = Math.floor(length / 5);
    const share = (entries: number[]): number => entries.filter((e) => truth.plantedClusterOfItem[interactions.indices[e]] === lastCluster).length / entries.length;
    early += share(byTime.slice(0, fifth));
    late += share(byTime.slice(length - fifth));
    users++;
  }
  return { early: early / users, late: late / users, users };
}

describe('synthetic taste drift', () => {
  it('times every entry within 2024–2026, the same way for a seed', () => {
    const dataset = generateSyntheticDataset(small);
    const times = dataset.interactions.times!;
    expect(times).toHaveLength(dataset.interactions.indices.length);
    const [from, until] = [Date.UTC(2024, 0, 1) / 1000, Date.UTC(2027, 0, 1) / 1000];
    for (const time of times) {
      expect(Number.isInteger(time)).toBe(true);
      expect(time).toBeGreaterThanOrEqual(from);
      expect(time).toBeLessThan(until);
    }
    expect(generateSyntheticDataset(small).interactions.times).toEqual(times);
    expect(generateSyntheticDataset({ ...small, seed: 6 }).interactions.times).not.toEqual(times);
  });

  it('orders each user clusters: the last drift cluster grows from the first fifth of titles in time to the last', () => {
    const { early, late, users } = lastClusterShares(generateSyntheticDataset(small));
    expect(users).toBeGreaterThan(100);
    expect(late - early).toBeGreaterThan(0.5);
  });

  it('plants no drift at 0, and changes only the times, never who watched what', () => {
    const drifting = generateSyntheticDataset(small);
    const flat = generateSyntheticDataset({ ...small, drift: 0 });
    const { early, late } = lastClusterShares(flat);
    expect(Math.abs(late - early)).toBeLessThan(0.08);
    const { times: driftTimes, ...driftMatrix } = drifting.interactions;
    const { times: flatTimes, ...flatMatrix } = flat.interactions;
    expect(flatMatrix).toEqual(driftMatrix);
    expect(flatTimes).not.toEqual(driftTimes);
    expect(flat.truth.driftClusterOrder).toEqual(drifting.truth.driftClusterOrder);
  });

  it('drift orders are permutations of each user planted clusters', () => {
    const { truth } = generateSyntheticDataset(small);
    for (let u = 0; u < small.users; u++) {
      const range = [truth.userClusterStart[u], truth.userClusterStart[u + 1]] as const;
      expect(Array.from(truth.driftClusterOrder.subarray(...range)).sort()).toEqual(Array.from(truth.userClusters.subarray(...range)).sort());
    }
  });

  it.each([-0.1, 1.5, Number.NaN])('rejects drift %d as invalid-argument', (drift) => {
    const error = thrownBy(() => generateSyntheticDataset({ ...small, drift }));
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
  });
});
