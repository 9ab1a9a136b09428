import { describe, expect, it } from 'vitest';
import type { CatalogColumns } from '../../../models/artifact/CatalogColumns';
import { shareRepeatedCatalogValues } from '../../../worker/model/shareRepeatedCatalogValues';

const catalog = (genres: number[][]): CatalogColumns => ({
  ids: genres.map((_, row) => `t${row}`),
  titles: genres.map((_, row) => `Title ${row}`),
  genreNames: ['Drama', 'Comedy', 'Kids'],
  genres,
  maturityRatings: genres.map(() => null),
  maturityAges: genres.map(() => null),
  years: genres.map(() => 2020),
  availableFrom: genres.map(() => null),
  availableUntil: genres.map(() => null),
  popularity: genres.map(() => 1),
  clusterOfItem: genres.map(() => 0),
  clusters: { names: ['all'], centroids: [0] },
});

describe('shareRepeatedCatalogValues', () => {
  it('keeps every genre list equal and points equal lists at one array', () => {
    const input = catalog([[0], [1, 2], [0], [], [1, 2], [2, 1], []]);
    const shared = shareRepeatedCatalogValues(input);
    expect(shared.genres).toEqual(input.genres);
    expect(shared.genres[2]).toBe(shared.genres[0]);
    expect(shared.genres[4]).toBe(shared.genres[1]);
    expect(shared.genres[6]).toBe(shared.genres[3]);
    // Order matters: [2, 1] is another list.
    expect(shared.genres[5]).not.toBe(shared.genres[1]);
    // A one-genre list is not confused with a multi-genre list whose text looks alike.
    expect(shareRepeatedCatalogValues(catalog([[12], [1, 2]])).genres).toEqual([[12], [1, 2]]);
    expect(shared.ids).toBe(input.ids);
  });
});
