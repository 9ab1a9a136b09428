import { describe, it, expect } from 'vitest';
import { buildItemContentFeatures } from '../../../models/baselines/buildItemContentFeatures';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';
import { isOndeckError } from '../../../models/errors/OndeckError';

function catalog(entries: [string, string[], string[]?][]): Map<string, ItemMetadata> {
  return new Map(entries.map(([id, genres, tags]) => [id, { id, title: id, genres, tags }]));
}

/** Row r as a term → weight map. */
function rowOf(features: ReturnType<typeof buildItemContentFeatures>, row: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let e = features.indptr[row]; e < features.indptr[row + 1]; e++) out[features.vocabulary[features.indices[e]]] = features.values[e];
  return out;
}

describe('buildItemContentFeatures', () => {
  const items = catalog([
    ['a', ['Comedy']],
    ['b', ['Comedy', 'Drama']],
    ['c', ['Comedy', '(no genres listed)'], [' Funny ']],
  ]);

  it('weights terms by smoothed IDF and L2-normalises each row (hand-computed)', () => {
    // N = 3 items with terms; with minDocumentFrequency 1:
    // Comedy: df 3 → idf = ln(4/4) + 1 = 1;  Drama: df 1 → idf = ln(4/2) + 1 = 1.693147
    // Row b = (1, 1.693147) / √(1 + 2.866747) = (1, 1.693147) / 1.966405 = (0.508542, 0.861037).
    const features = buildItemContentFeatures(['a', 'b', 'c'], items, { minDocumentFrequency: 1 });
    expect(features.vocabulary).toEqual(['genre:Comedy', 'genre:Drama', 'tag:funny']);
    expect(Array.from(features.documentFrequency)).toEqual([3, 1, 1]);
    const idfDrama = Math.log(2) + 1;
    const norm = Math.sqrt(1 + idfDrama ** 2);
    expect(rowOf(features, 0)).toEqual({ 'genre:Comedy': 1 });
    const b = rowOf(features, 1);
    expect(b['genre:Comedy']).toBeCloseTo(1 / norm, 6);
    expect(b['genre:Drama']).toBeCloseTo(idfDrama / norm, 6);
    expect(b['genre:Comedy']).toBeCloseTo(0.508542, 5);
    // c: "(no genres listed)" is not a term; the tag is trimmed and lower-cased.
    expect(Object.keys(rowOf(features, 2))).toEqual(['genre:Comedy', 'tag:funny']);
  });

  it('drops terms carried by a single item by default', () => {
    const features = buildItemContentFeatures(['a', 'b', 'c'], items);
    expect(features.vocabulary).toEqual(['genre:Comedy']);
    expect(rowOf(features, 1)).toEqual({ 'genre:Comedy': 1 });
  });

  it('gives items without metadata an empty row, in the order of itemIds', () => {
    const features = buildItemContentFeatures(['missing', 'b', 'a'], items, { minDocumentFrequency: 1 });
    expect(features.itemCount).toBe(3);
    expect(features.indptr[1] - features.indptr[0]).toBe(0);
    expect(rowOf(features, 2)).toEqual({ 'genre:Comedy': 1 });
    // Sorted term indices within each row.
    for (let r = 0; r < 3; r++) {
      for (let e = features.indptr[r] + 1; e < features.indptr[r + 1]; e++) expect(features.indices[e]).toBeGreaterThan(features.indices[e - 1]);
    }
  });

  it('keeps a genre and a tag with the same spelling apart', () => {
    const features = buildItemContentFeatures(
      ['x', 'y'],
      catalog([
        ['x', ['Comedy'], ['comedy']],
        ['y', ['Comedy'], ['comedy']],
      ]),
    );
    expect(features.vocabulary).toEqual(['genre:Comedy', 'tag:comedy']);
  });

  it('rejects a bad minDocumentFrequency', () => {
    let caught: unknown;
    try {
      buildItemContentFeatures(['a'], items, { minDocumentFrequency: 0 });
    } catch (error) {
      caught = error;
    }
    expect(isOndeckError(caught, 'invalid-argument')).toBe(true);
  });
});
