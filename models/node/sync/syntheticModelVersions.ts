import { DEFAULT_ALS_HYPERPARAMETERS } from '../../als/AlsHyperparameters';
import type { OndeckModel } from '../../artifact/OndeckModel';
import { packageModel } from '../artifact/packageModel';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { SeededRandom } from '../../random';

/** One version of a synthetic catalog as training would hand it to export: float factors + metadata. */
export interface SyntheticModelVersion {
  readonly modelVersion: number;
  readonly lineageId: string;
  readonly dims: number;
  /** Export order (not canonical: each version shuffles it, as a real retrain may). */
  readonly itemIds: readonly string[];
  /** Row-major `itemIds.length × dims`. */
  readonly itemFactors: Float32Array;
  readonly items: ReadonlyMap<string, ItemMetadata>;
  readonly popularity: readonly number[];
  /** Next unused item number, so new titles never reuse an id. */
  readonly nextItemNumber: number;
}

/** Options of {@link syntheticModelVersion}. */
export interface SyntheticModelOptions {
  readonly items: number;
  readonly dims: number;
  /** @defaultValue 1 */
  readonly seed?: number;
  /** @defaultValue 'synthetic-lineage' */
  readonly lineageId?: string;
}

/** Options of {@link nextSyntheticVersion}: a "daily update". */
export interface DailyUpdateOptions {
  /** Share of surviving rows whose factors move enough to change their int8 bytes. @defaultValue 0.02 */
  readonly changedFraction?: number;
  /** New titles, as a share of the catalog. @defaultValue 0.005 */
  readonly addedFraction?: number;
  /** Removed titles, as a share of the catalog. @defaultValue 0.005 */
  readonly removedFraction?: number;
  /** Share of titles whose metadata (title text) is edited. @defaultValue 0.001 */
  readonly editedFraction?: number;
  /** Relative standard deviation of the daily popularity drift of every title. @defaultValue 0.03 */
  readonly popularityDrift?: number;
  /** @defaultValue modelVersion + 1 */
  readonly seed?: number;
}

const GENRES = ['Drama', 'Comedy', 'Thriller', 'Documentary', 'Animation', 'Romance', 'Crime', 'Sci-Fi', 'Horror', 'Family', 'Western', 'Music'];

/**
 * A synthetic first version: `items` titles whose factors come from a dozen planted taste
 * directions, with genres, years, ratings and a long-tailed popularity. For sync tests and the
 * sync benchmark, where what matters is the shape of a daily update, not recommendation quality.
 *
 * @example
 * ```ts
 * const v1 = syntheticModelVersion({ items: 2000, dims: 16 });
 * const v2 = nextSyntheticVersion(v1);
 * const model = packageSyntheticVersion(v2);
 * ```
 */
export function syntheticModelVersion(options: SyntheticModelOptions): SyntheticModelVersion {
  const random = new SeededRandom(options.seed ?? 1);
  const { dims } = options;
  const directions = Array.from({ length: 12 }, () => Float32Array.from({ length: dims }, () => random.nextGaussian()));
  const itemIds: string[] = [];
  const items = new Map<string, ItemMetadata>();
  const popularity: number[] = [];
  const itemFactors = new Float32Array(options.items * dims);
  for (let row = 0; row < options.items; row++) {
    const id = `t${row}`;
    itemIds.push(id);
    const direction = random.nextInt(directions.length);
    items.set(id, syntheticMetadata(id, row, direction, random));
    fillRow(itemFactors, row, dims, directions[direction], random);
    popularity.push(Math.max(1, Math.floor((2000 / (1 + random.nextInt(options.items)) ** 0.5) * (1 + random.next()))));
  }
  return { modelVersion: 1, lineageId: options.lineageId ?? 'synthetic-lineage', dims, itemIds, itemFactors, items, popularity, nextItemNumber: options.items };
}

/**
 * The next day's version of a synthetic catalog: some rows retrained (factors moved), a few titles
 * added and removed, a few titles edited, every popularity drifted, and the export order
 * shuffled. Rows not touched keep their exact float factors, so they quantise to the same bytes,
 * as a warm-started retrain that left them alone would.
 */
export function nextSyntheticVersion(previous: SyntheticModelVersion, options: DailyUpdateOptions = {}): SyntheticModelVersion {
  const random = new SeededRandom(options.seed ?? previous.modelVersion + 1);
  const { dims } = previous;
  const count = previous.itemIds.length;
  const removeCount = Math.round(count * (options.removedFraction ?? 0.005));
  const addCount = Math.round(count * (options.addedFraction ?? 0.005));
  const changeCount = Math.round(count * (options.changedFraction ?? 0.02));
  const editCount = Math.round(count * (options.editedFraction ?? 0.001));
  const drift = options.popularityDrift ?? 0.03;

  const order = random.shuffle(Array.from({ length: count }, (_, row) => row));
  const removed = new Set(order.slice(0, removeCount));
  const changed = new Set(order.slice(removeCount, removeCount + changeCount));
  const edited = new Set(order.slice(removeCount + changeCount, removeCount + changeCount + editCount));
  const rows: { id: string; factors: Float32Array; metadata: ItemMetadata; popularity: number }[] = [];
  for (let row = 0; row < count; row++) {
    if (removed.has(row)) continue;
    const id = previous.itemIds[row];
    const factors = previous.itemFactors.slice(row * dims, (row + 1) * dims);
    if (changed.has(row)) {
      let norm = 0;
      for (const value of factors) norm += value * value;
      const step = 0.08 * Math.sqrt(norm / dims);
      for (let d = 0; d < dims; d++) factors[d] += step * random.nextGaussian();
    }
    const metadata = previous.items.get(id)!;
    const drifted = Math.max(0, Math.round(previous.popularity[row] * (1 + drift * random.nextGaussian())));
    rows.push({ id, factors, metadata: edited.has(row) ? { ...metadata, title: `${metadata.title} (remastered)` } : metadata, popularity: drifted });
  }
  for (let added = 0; added < addCount; added++) {
    const number = previous.nextItemNumber + added;
    const id = `t${number}`;
    const factors = new Float32Array(dims);
    fillRow(
      factors,
      0,
      dims,
      Float32Array.from({ length: dims }, () => random.nextGaussian()),
      random,
    );
    const metadata = syntheticMetadata(id, number, random.nextInt(GENRES.length), random);
    // Now and then a genre the catalog has never had, so canonical genre lists grow.
    const genres = added % 50 === 0 ? [...metadata.genres, `New genre ${previous.modelVersion + 1}`] : metadata.genres;
    rows.push({ id, factors, metadata: { ...metadata, genres }, popularity: random.nextInt(3) });
  }
  random.shuffle(rows);
  const itemFactors = new Float32Array(rows.length * dims);
  rows.forEach((row, index) => itemFactors.set(row.factors, index * dims));
  return {
    modelVersion: previous.modelVersion + 1,
    lineageId: previous.lineageId,
    dims,
    itemIds: rows.map((row) => row.id),
    itemFactors,
    items: new Map(rows.map((row) => [row.id, row.metadata])),
    popularity: rows.map((row) => row.popularity),
    nextItemNumber: previous.nextItemNumber + addCount,
  };
}

/**
 * Packages a synthetic version the way `ondeck export` does (int8 factors, Gramian, k-means taste
 * clusters, catalog, ONNX graph), without cold-start filling.
 */
export function packageSyntheticVersion(version: SyntheticModelVersion, clusters = 8): OndeckModel {
  return packageModel({
    itemIds: version.itemIds,
    itemFactors: version.itemFactors,
    dims: version.dims,
    items: version.items,
    popularity: version.popularity,
    foldIn: DEFAULT_ALS_HYPERPARAMETERS,
    training: { algorithm: 'ials', source: 'synthetic' },
    modelVersion: version.modelVersion,
    lineageId: version.lineageId,
    clusters,
    coldStart: false,
  });
}

function syntheticMetadata(id: string, number: number, direction: number, random: SeededRandom): ItemMetadata {
  const genres = [GENRES[direction % GENRES.length]];
  if (random.next() < 0.4) genres.push(GENRES[random.nextInt(GENRES.length)]);
  const rating = ['G', 'PG', 'PG-13', 'R'][random.nextInt(4)];
  return {
    id,
    title: `Title ${number}`,
    genres: [...new Set(genres)],
    year: 1960 + random.nextInt(65),
    maturityRating: rating,
    maturityAge: { G: 0, PG: 8, 'PG-13': 13, R: 17 }[rating],
  };
}

function fillRow(target: Float32Array, row: number, dims: number, direction: Float32Array, random: SeededRandom): void {
  const scale = 0.2 + random.next();
  for (let d = 0; d < dims; d++) target[row * dims + d] = scale * (direction[d] + 0.5 * random.nextGaussian());
}
