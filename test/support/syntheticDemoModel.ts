import { generateSyntheticDataset } from '../../models/data/synth';
import { itemUserCounts } from '../../models/data/InteractionMatrix';
import { trainAls } from '../../models/node/als/trainAls';
import { packageModel } from '../../models/node/artifact/packageModel';
import type { OndeckModel } from '../../models/artifact/OndeckModel';

/** A small model of the built-in synthetic TV catalog (titles, genres, maturity), quick to train. */
export async function syntheticDemoModel(): Promise<OndeckModel> {
  const dataset = generateSyntheticDataset({ items: 1500, users: 800, eventsPerUser: 25, seed: 9 });
  const als = await trainAls(dataset.interactions, { hyper: { factors: 32 }, epochs: 6, seed: 9 });
  return packageModel({
    itemIds: als.itemIds,
    itemFactors: als.itemFactors,
    dims: als.dims,
    items: dataset.items,
    popularity: itemUserCounts(dataset.interactions),
    foldIn: als.hyper,
    training: { algorithm: 'ials', source: 'synthetic' },
    clusters: 8,
  });
}
