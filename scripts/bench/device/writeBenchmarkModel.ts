import { buildCatalogColumns } from '../../../models/artifact/CatalogColumns';
import { buildOndeckModel } from '../../../models/node/artifact/buildOndeckModel';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';
import { SeededRandom } from '../../../models/random';

const GENRES = ['Drama', 'Comedy', 'Documentary', 'Animation', 'Thriller', 'Sports', 'News', 'Kids'];

/** Item id of catalog row `index` in a benchmark model. */
export function benchmarkItemId(index: number): string {
  return `item-${index}`;
}

/**
 * Writes a synthetic device model of `itemCount` × `dims` to `directory`: seeded Gaussian item
 * factors (int8-quantised by `buildOndeckModel`, Gramian and ONNX graph included), one genre and
 * a popularity per title, and a single taste cluster. Latency does not depend on whether the
 * factors were trained, so there is no training and no k-means here (`packageModel`'s clustering
 * would take minutes at 500k items).
 *
 * @example
 * ```ts
 * await writeBenchmarkModel(join(tmp, '100k'), { itemCount: 100_000, dims: 64, seed: 1 });
 * ```
 */
export async function writeBenchmarkModel(
  directory: string,
  options: {
    itemCount: number;
    dims: number;
    seed: number;
    /** The id of catalog row `index`. @defaultValue {@link benchmarkItemId} */
    itemIdOf?: (index: number) => string;
  },
): Promise<void> {
  const { itemCount, dims } = options;
  const itemIdOf = options.itemIdOf ?? benchmarkItemId;
  const random = new SeededRandom(options.seed);
  // ALS factors have a few strong directions and a long tail; a per-dimension scale mimics that,
  // so scores spread out the way real ones do (which is what the top-k selection sees).
  const dimensionScale = Float32Array.from({ length: dims }, (_, d) => 0.3 / Math.sqrt(1 + d));
  const itemFactors = new Float32Array(itemCount * dims);
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = random.nextGaussian() * dimensionScale[i % dims];

  const itemIds: string[] = [];
  const items = new Map<string, ItemMetadata>();
  const popularity = new Int32Array(itemCount);
  for (let index = 0; index < itemCount; index++) {
    const id = itemIdOf(index);
    itemIds.push(id);
    items.set(id, { id, title: `Title ${index}`, genres: [GENRES[index % GENRES.length]], year: 1990 + (index % 35) });
    // Zipf-like: a few titles are very popular.
    popularity[index] = Math.floor(10_000 / (1 + random.nextInt(itemCount)));
  }
  const catalog = buildCatalogColumns(itemIds, items, popularity, { names: ['Everything'], centroids: new Array<number>(dims).fill(0) }, new Int32Array(itemCount));
  const model = buildOndeckModel({
    itemFactors,
    dims,
    catalog,
    foldIn: { alpha: 1, unobservedWeight: 0.3, regularization: 0.01, regularizationExponent: 1 },
    training: { algorithm: 'imported', source: 'synthetic' },
  });
  await writeModelDirectory(model, directory);
}
