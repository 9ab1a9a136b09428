import type { ItemMetadata } from '../data/ItemMetadata';
import { OndeckError } from '../errors/OndeckError';

/**
 * catalog.json: item metadata in columns aligned with the factor rows (row i of every column is
 * item i). Columns compress far better than one object per item and decode without allocating
 * per-field objects on a TV.
 */
export interface CatalogColumns {
  readonly ids: readonly string[];
  readonly titles: readonly string[];
  /** Distinct genre names; `genres[i]` holds indices into it. */
  readonly genreNames: readonly string[];
  readonly genres: readonly (readonly number[])[];
  readonly maturityRatings: readonly (string | null)[];
  /** Minimum viewer age per item; null when unknown (kids profiles exclude unknown ages). */
  readonly maturityAges: readonly (number | null)[];
  readonly years: readonly (number | null)[];
  readonly availableFrom: readonly (string | null)[];
  readonly availableUntil: readonly (string | null)[];
  /** Training users who interacted with the item (for "Trending"-style rows and tie breaks). */
  readonly popularity: readonly number[];
  /** Taste cluster of each item (index into `clusters.names`). */
  readonly clusterOfItem: readonly number[];
  readonly clusters: TasteClusters;
}

/** Taste clusters over item factors (k-means), named after their over-represented genres. */
export interface TasteClusters {
  readonly names: readonly string[];
  /** k × dims centroids, row-major, as plain numbers. */
  readonly centroids: readonly number[];
}

/**
 * Columns for `itemIds` (in factor-row order) from the metadata map.
 *
 * @example
 * ```ts
 * const catalog = buildCatalogColumns(model.itemIds, dataset.items, popularity, clusters, assignment);
 * ```
 */
export function buildCatalogColumns(
  itemIds: readonly string[],
  items: ReadonlyMap<string, ItemMetadata>,
  popularity: ArrayLike<number>,
  clusters: TasteClusters,
  clusterOfItem: ArrayLike<number>,
): CatalogColumns {
  const genreIndex = new Map<string, number>();
  const genreNames: string[] = [];
  const column = <T>(pick: (item: ItemMetadata | undefined) => T): T[] => itemIds.map((id) => pick(items.get(id)));
  return {
    ids: itemIds.slice(),
    titles: column((item) => item?.title ?? ''),
    genreNames,
    genres: column((item) =>
      (item?.genres ?? []).map((name) => {
        let index = genreIndex.get(name);
        if (index === undefined) {
          index = genreNames.length;
          genreIndex.set(name, index);
          genreNames.push(name);
        }
        return index;
      }),
    ),
    maturityRatings: column((item) => item?.maturityRating ?? null),
    maturityAges: column((item) => item?.maturityAge ?? null),
    years: column((item) => item?.year ?? null),
    availableFrom: column((item) => item?.availableFrom ?? null),
    availableUntil: column((item) => item?.availableUntil ?? null),
    popularity: Array.from(popularity),
    clusterOfItem: Array.from(clusterOfItem),
    clusters,
  };
}

/**
 * Checks a parsed catalog.json: every column present and `itemCount` long, genre and cluster
 * indices in range. Throws `model-corrupt` naming the first problem.
 */
export function validateCatalogColumns(value: unknown, itemCount: number, dims: number): CatalogColumns {
  const fail = (reason: string): never => {
    throw new OndeckError('model-corrupt', { file: 'catalog.json', reason });
  };
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const catalog = value as Record<string, unknown>;
  const columns = ['ids', 'titles', 'genres', 'maturityRatings', 'maturityAges', 'years', 'availableFrom', 'availableUntil', 'popularity', 'clusterOfItem'];
  for (const name of columns) {
    const column = catalog[name];
    if (!Array.isArray(column)) fail(`column "${name}" is missing`);
    else if (column.length !== itemCount) fail(`column "${name}" has ${column.length} rows, expected ${itemCount}`);
  }
  if (!Array.isArray(catalog.genreNames)) fail('genreNames is missing');
  // Plain loops: this runs once per model load or update, cold, on 100k-row columns.
  const ids = catalog.ids as unknown[];
  for (let row = 0; row < ids.length; row++) if (typeof ids[row] !== 'string') fail('ids must be strings');
  if (new Set(ids).size !== ids.length) fail('ids are not unique');
  const genreCount = (catalog.genreNames as unknown[]).length;
  const genres = catalog.genres as unknown[];
  for (let row = 0; row < genres.length; row++) {
    const list = genres[row];
    if (!Array.isArray(list)) fail(`genres of row ${row} out of range`);
    for (let i = 0; i < (list as unknown[]).length; i++) {
      const genre = (list as unknown[])[i];
      if (!(Number.isInteger(genre) && (genre as number) >= 0 && (genre as number) < genreCount)) fail(`genres of row ${row} out of range`);
    }
  }
  const clusters = catalog.clusters as TasteClusters | undefined;
  if (!clusters || !Array.isArray(clusters.names) || !Array.isArray(clusters.centroids)) return fail('clusters missing');
  if (clusters.centroids.length !== clusters.names.length * dims) fail(`cluster centroids must be ${clusters.names.length} × ${dims}`);
  const clusterCount = clusters.names.length;
  const clusterOfItem = catalog.clusterOfItem as unknown[];
  for (let row = 0; row < clusterOfItem.length; row++) {
    const cluster = clusterOfItem[row];
    if (!(Number.isInteger(cluster) && (cluster as number) >= -1 && (cluster as number) < clusterCount)) fail(`cluster of row ${row} out of range`);
  }
  return catalog as unknown as CatalogColumns;
}
