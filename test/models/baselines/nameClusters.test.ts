import { describe, it, expect } from 'vitest';
import { nameClusters } from '../../../models/baselines/nameClusters';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';

function catalog(genresById: Record<string, string[]>): Map<string, ItemMetadata> {
  return new Map(Object.entries(genresById).map(([id, genres]) => [id, { id, title: id, genres }]));
}

describe('nameClusters', () => {
  it('names clusters by their most over-represented genres', () => {
    // Cluster 0: a–d, all Comedy (lift (4/4)/(4/8) = 2), three Romance (lift (3/4)/(3/8) = 2), all Drama (lift 1).
    // Cluster 1: e–h, all Horror (lift 2), two Thriller (lift 2, share 0.5), all Drama.
    // Equal lifts fall back to support: Comedy (4) before Romance (3), Horror (4) before Thriller (2).
    const items = catalog({
      a: ['Comedy', 'Romance', 'Drama'],
      b: ['Comedy', 'Romance', 'Drama'],
      c: ['Comedy', 'Romance', 'Drama'],
      d: ['Comedy', 'Drama'],
      e: ['Horror', 'Thriller', 'Drama'],
      f: ['Horror', 'Thriller', 'Drama'],
      g: ['Horror', 'Drama'],
      h: ['Horror', 'Drama'],
    });
    const names = nameClusters(Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], items);
    expect(names).toEqual(['Comedy & Romance', 'Horror & Thriller']);
  });

  it('ignores genres below minShare, rows with −1, and names genre-less clusters by number', () => {
    // Cluster 0 has 5 items; "Western" is on one (share 0.2 < 0.3) despite a huge lift.
    const items = catalog({
      a: ['Action', 'Western'],
      b: ['Action'],
      c: ['Action'],
      d: ['Action'],
      e: ['Action'],
      f: ['Drama'],
      g: ['Drama'],
      z: ['Western'],
    });
    const names = nameClusters(Int32Array.of(0, 0, 0, 0, 0, 1, 1, -1, 2), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'z', 'nometa'], items, {
      genresPerName: 2,
      minShare: 0.3,
    });
    expect(names).toEqual(['Action', 'Drama', 'Cluster 3']);
  });

  it('disambiguates clusters that would get the same name, and honours clusterCount', () => {
    const items = catalog({ a: ['Comedy'], b: ['Comedy'], c: ['Horror'] });
    const names = nameClusters(Int32Array.of(0, 1, 2), ['a', 'b', 'c'], items, { clusterCount: 4 });
    expect(names).toEqual(['Comedy', 'Comedy (2)', 'Horror', 'Cluster 4']);
  });
});
