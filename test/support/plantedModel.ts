import { trainAls } from '../../models/node/als/trainAls';
import { itemUserCounts } from '../../models/data/InteractionMatrix';
import type { ItemMetadata } from '../../models/data/ItemMetadata';
import { packageModel } from '../../models/node/artifact/packageModel';
import type { OndeckModel } from '../../models/artifact/OndeckModel';
import { plantedBlocks } from './plantedBlocks';

/** Genre, maturity and availability of each planted block (block 3 is adults-only). */
export const BLOCK_GENRES = ['Comedy', 'Documentary', 'Animation', 'Horror'] as const;
export const BLOCK_MATURITY = [
  { label: 'PG', age: 8 },
  { label: 'TV-G', age: 0 },
  { label: 'TV-Y', age: 0 },
  { label: 'R', age: 17 },
] as const;

/**
 * A small trained, packaged model over 4 planted taste blocks with metadata that makes every
 * filter testable: a genre per block, maturity per block, and in block 0 a title that is not
 * yet available (`b0-i1`) and one that has expired (`b0-i2`).
 */
export async function plantedModel(): Promise<{ model: OndeckModel; blockOf: (itemId: string) => number }> {
  const planted = plantedBlocks({ blocks: 4, usersPerBlock: 50, itemsPerBlock: 30, density: 0.3, seed: 21 });
  const items = new Map<string, ItemMetadata>();
  for (const id of planted.matrix.itemIds) {
    const block = planted.blockOfItem(id);
    items.set(id, {
      id,
      title: `Title ${id}`,
      genres: [BLOCK_GENRES[block]],
      maturityRating: BLOCK_MATURITY[block].label,
      maturityAge: BLOCK_MATURITY[block].age,
      year: 2000 + block,
      ...(id === 'b0-i1' ? { availableFrom: '2100-01-01' } : {}),
      ...(id === 'b0-i2' ? { availableUntil: '2000-01-01' } : {}),
    });
  }
  const als = await trainAls(planted.matrix, { hyper: { factors: 8, regularization: 0.05 }, epochs: 10, seed: 3 });
  const model = packageModel({
    itemIds: als.itemIds,
    itemFactors: als.itemFactors,
    dims: als.dims,
    items,
    popularity: itemUserCounts(planted.matrix),
    foldIn: als.hyper,
    training: { algorithm: 'ials' },
    clusters: 4,
  });
  return { model, blockOf: planted.blockOfItem };
}
