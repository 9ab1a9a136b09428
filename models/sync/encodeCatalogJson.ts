import type { CatalogColumns } from '../artifact/CatalogColumns';

/**
 * catalog.json's bytes in one canonical form: the columns in a fixed key order (the order
 * `buildCatalogColumns` writes), nothing else. The cloud writes published catalogs with it and the
 * device rebuilds a catalog after a delta with it, so both produce the same bytes whatever order
 * the keys of the in-memory object happen to have.
 *
 * @example
 * ```ts
 * files.set('catalog.json', encodeCatalogJson(model.catalog));
 * ```
 */
export function encodeCatalogJson(catalog: CatalogColumns): Uint8Array {
  const canonical: CatalogColumns = {
    ids: catalog.ids,
    titles: catalog.titles,
    genreNames: catalog.genreNames,
    genres: catalog.genres,
    maturityRatings: catalog.maturityRatings,
    maturityAges: catalog.maturityAges,
    years: catalog.years,
    availableFrom: catalog.availableFrom,
    availableUntil: catalog.availableUntil,
    popularity: catalog.popularity,
    clusterOfItem: catalog.clusterOfItem,
    clusters: { names: catalog.clusters.names, centroids: catalog.clusters.centroids },
  };
  const text = JSON.stringify(canonical);
  return encodeUtf8(text);
}

/** The per-row columns of catalog.json, in canonical order (what a delta patches row by row). */
export const CATALOG_ROW_COLUMNS = [
  'ids',
  'titles',
  'genres',
  'maturityRatings',
  'maturityAges',
  'years',
  'availableFrom',
  'availableUntil',
  'popularity',
  'clusterOfItem',
] as const;

/** Name of one per-row column of catalog.json. */
export type CatalogRowColumn = (typeof CATALOG_ROW_COLUMNS)[number];

/**
 * UTF-8 bytes of `text`. `encodeInto` into a buffer sized for mostly-ASCII text is several times
 * faster than `encode` in Chromium for multi-MB strings (`encode` goes through an intermediate
 * copy); engines without `encodeInto` (Chromium < 74) and text that does not fit use `encode`.
 */
function encodeUtf8(text: string): Uint8Array {
  const encoder = new TextEncoder();
  if (typeof encoder.encodeInto !== 'function') return encoder.encode(text);
  // Room for every character plus 1/8 of them taking 3 bytes: one pass for almost any catalog.
  const buffer = new Uint8Array(text.length + (text.length >> 2) + 16);
  const { read, written } = encoder.encodeInto(text, buffer);
  if (read !== text.length) return encoder.encode(text);
  return buffer.slice(0, written);
}
