import { describe, expect, it } from 'vitest';
import { generateSyntheticDataset, plantedClustersOfUser, type SyntheticDataset } from '../../../models/data/synth';
import { CLUSTER_ANCHOR_GENRES, TV_GENRES } from '../../../models/data/syntheticCatalog';
import { isOndeckError } from '../../../models/errors/OndeckError';

/** Share of each user's total weight that falls on items of their planted clusters. */
function inClusterShares(dataset: SyntheticDataset): Float64Array {
  const { interactions, truth } = dataset;
  const shares = new Float64Array(interactions.userIds.length);
  for (let u = 0; u < shares.length; u++) {
    const clusters = plantedClustersOfUser(truth, u);
    let inside = 0;
    let total = 0;
    for (let e = interactions.indptr[u]; e < interactions.indptr[u + 1]; e++) {
      total += interactions.weights[e];
      if (clusters.includes(truth.plantedClusterOfItem[interactions.indices[e]])) inside += interactions.weights[e];
    }
    shares[u] = inside / total;
  }
  return shares;
}

describe('generateSyntheticDataset', () => {
  const small = { items: 600, users: 300, eventsPerUser: 30 };

  it('is deterministic for a seed and different for another', () => {
    const first = generateSyntheticDataset({ ...small, seed: 5 });
    const again = generateSyntheticDataset({ ...small, seed: 5 });
    const other = generateSyntheticDataset({ ...small, seed: 6 });
    expect(again.interactions).toEqual(first.interactions);
    expect([...again.items.values()]).toEqual([...first.items.values()]);
    expect(again.truth).toEqual(first.truth);
    expect(other.interactions.indices).not.toEqual(first.interactions.indices);
    expect([...other.items.values()].map((item) => item.title)).not.toEqual([...first.items.values()].map((item) => item.title));
  });

  it('draws exactly the requested number of events, summed into a valid CSR matrix', () => {
    const dataset = generateSyntheticDataset({ items: 400, users: 250, totalEvents: 9001, seed: 3 });
    const { interactions, truth, report } = dataset;
    expect(interactions.userIds.length).toBe(250);
    expect(interactions.itemIds.length).toBe(400);
    expect(truth.eventsOfUser.reduce((sum, count) => sum + count, 0)).toBe(9001);
    expect(interactions.indices.length + report.duplicatesAggregated).toBe(9001);
    for (let u = 0; u < 250; u++) {
      const start = interactions.indptr[u];
      const end = interactions.indptr[u + 1];
      expect(end).toBeGreaterThan(start);
      let weightSum = 0;
      for (let e = start; e < end; e++) {
        if (e > start) expect(interactions.indices[e]).toBeGreaterThan(interactions.indices[e - 1]);
        weightSum += interactions.weights[e];
      }
      // Every event weighs 1–3 plays.
      expect(weightSum).toBeGreaterThanOrEqual(truth.eventsOfUser[u]);
      expect(weightSum).toBeLessThanOrEqual(3 * truth.eventsOfUser[u]);
    }
    expect(generateSyntheticDataset({ items: 400, users: 250, seed: 3 }).truth.eventsOfUser.reduce((a, b) => a + b, 0)).toBe(250 * 40);
  });

  it('plants taste clusters: users watch mostly inside their 1–3 clusters', () => {
    for (const seed of [42, 7]) {
      const dataset = generateSyntheticDataset({ seed });
      const { truth } = dataset;
      const shares = inClusterShares(dataset);
      let active = 0;
      let shareSum = 0;
      for (let u = 0; u < shares.length; u++) {
        const clusterCount = truth.userClusterStart[u + 1] - truth.userClusterStart[u];
        expect(clusterCount).toBeGreaterThanOrEqual(1);
        expect(clusterCount).toBeLessThanOrEqual(3);
        shareSum += shares[u];
        if (truth.eventsOfUser[u] >= 20) {
          active++;
          expect(shares[u], `user ${u}`).toBeGreaterThan(0.6);
        }
      }
      expect(active).toBeGreaterThan(1000);
      // By chance alone a user with 1–3 of 12 clusters would land ~15% inside.
      expect(shareSum / shares.length).toBeGreaterThan(0.8);
    }
  });

  it('has a long tail: the top 10% of items take about half of all plays', () => {
    const { interactions } = generateSyntheticDataset({ seed: 42 });
    const plays = new Float64Array(interactions.itemIds.length);
    let total = 0;
    for (let e = 0; e < interactions.indices.length; e++) {
      plays[interactions.indices[e]] += interactions.weights[e];
      total += interactions.weights[e];
    }
    const sorted = Array.from(plays).sort((a, b) => b - a);
    const head = sorted.slice(0, sorted.length / 10).reduce((a, b) => a + b, 0);
    expect(head / total).toBeGreaterThan(0.45);
    // The median item is still watched, far less than the head.
    expect(sorted[sorted.length / 2]).toBeGreaterThan(0);
    expect(sorted[sorted.length / 2] * 20).toBeLessThan(sorted[0]);
  });

  it('builds a TV catalog consistent with the clusters: genres, maturity, years, windows', () => {
    const { items, truth, interactions } = generateSyntheticDataset({ items: 3000, users: 50, seed: 11 });
    let windows = 0;
    interactions.itemIds.forEach((id, column) => {
      const item = items.get(id)!;
      const anchors = CLUSTER_ANCHOR_GENRES[truth.plantedClusterOfItem[column] % CLUSTER_ANCHOR_GENRES.length];
      expect(item.genres.some((genre) => anchors.includes(genre))).toBe(true);
      expect(item.genres.every((genre) => TV_GENRES.includes(genre))).toBe(true);
      expect(item.title.length).toBeGreaterThan(3);
      expect(item.year).toBeGreaterThanOrEqual(1960);
      expect(item.year).toBeLessThanOrEqual(2026);
      if (item.genres.includes('Kids')) expect(['TV-Y', 'TV-Y7', 'TV-G']).toContain(item.maturityRating);
      if (item.genres.includes('Horror')) expect(['TV-MA', 'R', 'TV-14']).toContain(item.maturityRating);
      expect(item.maturityAge).toBeDefined();
      if (item.availableFrom || item.availableUntil) windows++;
      if (item.availableFrom && item.availableUntil) expect(item.availableFrom < item.availableUntil).toBe(true);
    });
    expect(windows).toBeGreaterThan(300);
    expect(windows).toBeLessThan(600);
    expect(truth.clusterGenres[0]).toEqual(['Kids', 'Animation']);
  });

  it('keeps the same catalog when only the audience changes', () => {
    const a = generateSyntheticDataset({ items: 500, users: 100, seed: 9 });
    const b = generateSyntheticDataset({ items: 500, users: 400, eventsPerUser: 10, seed: 9 });
    expect([...b.items.values()]).toEqual([...a.items.values()]);
    expect(b.truth.plantedClusterOfItem).toEqual(a.truth.plantedClusterOfItem);
  });

  it.each([[{ items: 0 }], [{ users: 2.5 }], [{ items: 5, clusters: 6 }], [{ users: 10, totalEvents: 9 }], [{ clusterAffinity: 1.5 }], [{ eventsPerUser: Number.NaN }]])(
    'rejects %o as invalid-argument',
    (options) => {
      let error: unknown;
      try {
        generateSyntheticDataset(options);
      } catch (e) {
        error = e;
      }
      expect(isOndeckError(error, 'invalid-argument')).toBe(true);
    },
  );
});
