import type { ItemMetadata } from '../data/ItemMetadata';

/** Options of {@link nameClusters}. */
export interface NameClustersOptions {
  /**
   * Number of clusters (names returned). Defaults to the largest assigned cluster + 1; pass it
   * when trailing clusters may be empty.
   */
  readonly clusterCount?: number;
  /**
   * Genres joined into each name.
   * @defaultValue 2
   */
  readonly genresPerName?: number;
  /**
   * A genre must be carried by at least this share of the cluster's items to name it, so one
   * rare genre on a single member cannot win on over-representation alone.
   * @defaultValue 0.2
   */
  readonly minShare?: number;
}

/** Defaults of {@link NameClustersOptions}. */
export const nameClustersDefaults = Object.freeze({ genresPerName: 2, minShare: 0.2 } as const);

/**
 * A human-readable name for each taste cluster from its most over-represented genres: for every
 * genre, lift = (share of the cluster's items carrying it) / (share of all assigned items
 * carrying it); the `genresPerName` genres of highest lift among those reaching `minShare` are
 * joined with " & " in descending lift, e.g. "Comedy & Romance". When no genre reaches
 * `minShare`, the cluster's most frequent genre is used; a cluster without any genre is named
 * "Cluster N" (1-based). A name already taken gets " (2)", " (3)" … appended.
 * Rows with assignment −1 and MovieLens's "(no genres listed)" are ignored.
 *
 * @param assignment cluster of each item row (as from `trainKMeansClusters`).
 * @param itemIds id of each row, to look up `items`.
 *
 * @example
 * ```ts
 * const { assignment } = trainKMeansClusters(itemFactors, itemIds.length, 64, 8);
 * nameClusters(assignment, itemIds, dataset.items); // ['Comedy & Romance', 'Horror & Thriller', …]
 * ```
 */
export function nameClusters(assignment: Int32Array, itemIds: readonly string[], items: ReadonlyMap<string, ItemMetadata>, options: NameClustersOptions = {}): string[] {
  let clusterCount = options.clusterCount ?? 0;
  if (options.clusterCount === undefined) for (const cluster of assignment) clusterCount = Math.max(clusterCount, cluster + 1);
  const genresPerName = options.genresPerName ?? nameClustersDefaults.genresPerName;
  const minShare = options.minShare ?? nameClustersDefaults.minShare;

  const members = new Array<number>(clusterCount).fill(0);
  const genreCounts = Array.from({ length: clusterCount }, () => new Map<string, number>());
  const overallCounts = new Map<string, number>();
  let assigned = 0;
  for (let row = 0; row < assignment.length; row++) {
    const cluster = assignment[row];
    if (cluster < 0 || cluster >= clusterCount) continue;
    members[cluster]++;
    assigned++;
    for (const genre of distinctGenres(items.get(itemIds[row]))) {
      genreCounts[cluster].set(genre, (genreCounts[cluster].get(genre) ?? 0) + 1);
      overallCounts.set(genre, (overallCounts.get(genre) ?? 0) + 1);
    }
  }

  const names: string[] = [];
  const taken = new Map<string, number>();
  for (let cluster = 0; cluster < clusterCount; cluster++) {
    const ranked = [...genreCounts[cluster]].map(([genre, count]) => ({
      genre,
      count,
      lift: count / members[cluster] / (overallCounts.get(genre)! / assigned),
    }));
    // Deterministic order: lift, then support, then the genre's spelling.
    ranked.sort((a, b) => b.lift - a.lift || b.count - a.count || (a.genre < b.genre ? -1 : a.genre > b.genre ? 1 : 0));
    let chosen = ranked.filter((entry) => entry.count >= minShare * members[cluster]).slice(0, genresPerName);
    if (chosen.length === 0 && ranked.length > 0) chosen = [ranked.reduce((best, entry) => (entry.count > best.count ? entry : best))];
    let name = chosen.length > 0 ? chosen.map((entry) => entry.genre).join(' & ') : `Cluster ${cluster + 1}`;
    const seen = taken.get(name) ?? 0;
    taken.set(name, seen + 1);
    if (seen > 0) name = `${name} (${seen + 1})`;
    names.push(name);
  }
  return names;
}

function distinctGenres(metadata: ItemMetadata | undefined): Set<string> {
  const genres = new Set<string>();
  for (const raw of metadata?.genres ?? []) {
    const genre = raw.trim();
    if (genre !== '' && genre !== '(no genres listed)') genres.add(genre);
  }
  return genres;
}
