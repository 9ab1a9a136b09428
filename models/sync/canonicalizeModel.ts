import type { CatalogColumns } from '../artifact/CatalogColumns';
import type { OndeckModel } from '../artifact/OndeckModel';
import { OndeckError } from '../errors/OndeckError';
import { gramian } from '../linalg/gramian';
import { buildScoringGraph } from '../onnx/buildScoringGraph';
import { dequantizeRows } from '../quantize';
import { relativeRowDistance } from './relativeRowDistance';

/** Options of {@link canonicalizeModel}. */
export interface CanonicalizeOptions {
  /**
   * Relative change of an item's popularity (training users) below which the previous value is
   * kept. Popularity drifts a little for most titles every day; shipping every drift would make
   * the catalog the largest part of a delta, while recommendations only use popularity to rank
   * "popular" rows and cold viewers, where a few percent does not matter. A value moves once its
   * change exceeds `max(1, tolerance × previous)`, and always when it crosses zero (a cold title's
   * first viewers). 0 ships exact counts.
   * @defaultValue 0.1
   */
  readonly popularityTolerance?: number;
  /**
   * Keep A's int8 row (bytes and scale) for a surviving item whose dequantised row moved by at
   * most this relative L2 distance ({@link relativeRowDistance}). Retraining, even warm-started,
   * nudges every float a little, and int8 rounding turns almost any nudge into changed bytes: with
   * 0 a retrain ships nearly every row. A tolerance of the order of the quantisation error itself
   * (~0.5–1%) keeps rows that did not really move, so only items whose taste actually changed are
   * shipped. The published model then holds A's row for those items, within the tolerance of B's.
   * @defaultValue 0 (only byte-identical rows are kept)
   */
  readonly rowTolerance?: number;
}

/**
 * Rewrites model B (a new export of the same lineage) in the canonical form against the
 * previously published model A, so that B's snapshot and the A→B delta describe one and the same
 * B and the delta stays small:
 *
 * - rows: A's surviving items in A's order, then B's new items in B's order;
 * - `genreNames`: A's list, then genres new in B in order of first use (genre indices of
 *   surviving items keep their meaning);
 * - taste clusters: A's centroids and names are kept for the whole lineage. An item whose int8
 *   row did not change keeps its cluster; a changed or new item goes to the centroid of highest
 *   cosine. Re-running k-means every day would renumber and rename clusters and move thousands of
 *   titles between shelves for no reason; a new lineage (a cold retrain) clusters afresh;
 * - popularity: see {@link CanonicalizeOptions.popularityTolerance};
 * - rows that barely moved: see {@link CanonicalizeOptions.rowTolerance};
 * - Gramian recomputed over the reordered table and scoring.onnx rebuilt from it, so both are
 *   exactly what a device rebuilds from a delta.
 *
 * The manifest is B's own (version, lineage, hyperparameters); file hashes are recomputed when the
 * files are encoded (`encodeModelFiles`).
 *
 * @throws OndeckError `dimension-mismatch` when A and B have different dims.
 * @example
 * ```ts
 * const canonical = canonicalizeModel(previous, next);
 * const delta = computeDelta(encodeModelFiles(previous), encodeModelFiles(canonical));
 * ```
 */
export function canonicalizeModel(previous: OndeckModel, next: OndeckModel, options: CanonicalizeOptions = {}): OndeckModel {
  const dims = next.factors.dims;
  if (previous.factors.dims !== dims) throw new OndeckError('dimension-mismatch', { what: 'model factors', expected: previous.factors.dims, got: dims });
  const tolerance = options.popularityTolerance ?? 0.1;
  const previousCatalog = previous.catalog;
  const nextCatalog = next.catalog;

  // Canonical order: the source row in B of each canonical row.
  const nextRowOfId = new Map<string, number>();
  nextCatalog.ids.forEach((id, row) => nextRowOfId.set(id, row));
  const sourceRows: number[] = [];
  const previousRows: number[] = [];
  previousCatalog.ids.forEach((id, row) => {
    const source = nextRowOfId.get(id);
    if (source !== undefined) {
      sourceRows.push(source);
      previousRows.push(row);
    }
  });
  const survivors = sourceRows.length;
  const previousIds = new Set(previousCatalog.ids);
  nextCatalog.ids.forEach((id, row) => {
    if (!previousIds.has(id)) sourceRows.push(row);
  });
  const rows = sourceRows.length;

  const values = new Int8Array(rows * dims);
  const scales = new Float32Array(rows);
  sourceRows.forEach((source, row) => {
    values.set(next.factors.values.subarray(source * dims, (source + 1) * dims), row * dims);
    scales[row] = next.factors.scales[source];
  });
  const rowTolerance = options.rowTolerance ?? 0;
  if (rowTolerance > 0) {
    for (let row = 0; row < survivors; row++) {
      const before = previousRows[row];
      if (relativeRowDistance(previous.factors.values, previous.factors.scales[before], before, values, scales[row], row, dims) > rowTolerance) continue;
      values.set(previous.factors.values.subarray(before * dims, (before + 1) * dims), row * dims);
      scales[row] = previous.factors.scales[before];
    }
  }
  const factors = { rows, dims, values, scales };
  const unchanged = (row: number): boolean => {
    if (row >= survivors) return false;
    const before = previousRows[row];
    if (!Object.is(previous.factors.scales[before], scales[row])) return false;
    for (let d = 0; d < dims; d++) if (previous.factors.values[before * dims + d] !== values[row * dims + d]) return false;
    return true;
  };

  const genreNames = previousCatalog.genreNames.slice();
  const genreIndex = new Map(genreNames.map((name, index) => [name, index]));
  const genres = sourceRows.map((source) =>
    nextCatalog.genres[source].map((index) => {
      const name = nextCatalog.genreNames[index];
      let canonical = genreIndex.get(name);
      if (canonical === undefined) {
        canonical = genreNames.length;
        genreIndex.set(name, canonical);
        genreNames.push(name);
      }
      return canonical;
    }),
  );

  const centroids = previousCatalog.clusters.centroids;
  const clusterCount = previousCatalog.clusters.names.length;
  const clusterOfItem = sourceRows.map((_, row) =>
    unchanged(row) ? previousCatalog.clusterOfItem[previousRows[row]] : nearestCentroid(values, row, dims, centroids, clusterCount),
  );

  const popularity = sourceRows.map((source, row) => {
    const current = nextCatalog.popularity[source];
    if (row >= survivors) return current;
    const before = previousCatalog.popularity[previousRows[row]];
    const keep = before > 0 && current > 0 && Math.abs(current - before) <= Math.max(1, tolerance * before);
    return tolerance > 0 && keep ? before : current;
  });

  const pick = <T>(column: readonly T[]): T[] => sourceRows.map((source) => column[source]);
  const catalog: CatalogColumns = {
    ids: pick(nextCatalog.ids),
    titles: pick(nextCatalog.titles),
    genreNames,
    genres,
    maturityRatings: pick(nextCatalog.maturityRatings),
    maturityAges: pick(nextCatalog.maturityAges),
    years: pick(nextCatalog.years),
    availableFrom: pick(nextCatalog.availableFrom),
    availableUntil: pick(nextCatalog.availableUntil),
    popularity,
    clusterOfItem,
    clusters: { names: previousCatalog.clusters.names.slice(), centroids: centroids.slice() },
  };
  return {
    manifest: { ...next.manifest, itemCount: rows, files: {} },
    factors,
    gramian: gramian(dequantizeRows(factors), rows, dims),
    catalog,
    scoringGraph: buildScoringGraph(factors),
  };
}

/** Cluster of highest cosine for one int8 row (the row's scale and norm do not change the argmax); −1 for a zero row. */
function nearestCentroid(values: Int8Array, row: number, dims: number, centroids: readonly number[], clusterCount: number): number {
  let best = -1;
  let bestScore = -Infinity;
  let zero = true;
  for (let d = 0; d < dims; d++) if (values[row * dims + d] !== 0) zero = false;
  if (zero) return -1;
  for (let cluster = 0; cluster < clusterCount; cluster++) {
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const c = centroids[cluster * dims + d];
      dot += values[row * dims + d] * c;
      norm += c * c;
    }
    // Centroids of spherical k-means are unit length already; dividing keeps other k-means honest.
    const score = norm > 0 ? dot / Math.sqrt(norm) : -Infinity;
    if (score > bestScore) {
      bestScore = score;
      best = cluster;
    }
  }
  return best;
}
