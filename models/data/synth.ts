import { OndeckError } from '../errors/OndeckError';
import { SeededRandom } from '../random';
import type { Dataset } from './Dataset';
import type { InteractionMatrix } from './InteractionMatrix';
import type { ItemMetadata } from './ItemMetadata';
import { fillAliasTable } from './fillAliasTable';
import { plantTasteDrift } from './plantTasteDrift';
import { CLUSTER_ANCHOR_GENRES, syntheticItem } from './syntheticCatalog';

/** Options of {@link generateSyntheticDataset}. */
export interface SyntheticOptions {
  /**
   * Catalog size (columns).
   * @defaultValue 5000
   */
  readonly items?: number;
  /**
   * Number of viewers (rows); every one gets at least one event.
   * @defaultValue 2000
   */
  readonly users?: number;
  /**
   * Mean events per viewer (activity is long-tailed around it). Ignored when `totalEvents` is set.
   * @defaultValue 40
   */
  readonly eventsPerUser?: number;
  /** Exact number of events to draw (before duplicate aggregation); at least `users`. */
  readonly totalEvents?: number;
  /**
   * Everything is a function of the seed: same seed and options, same dataset.
   * @defaultValue 42
   */
  readonly seed?: number;
  /**
   * Number of planted taste clusters; each is anchored on 1–2 genres.
   * @defaultValue 12
   */
  readonly clusters?: number;
  /**
   * Share of each viewer's events drawn from their own clusters; the rest come from the whole
   * catalog by popularity.
   * @defaultValue 0.8
   */
  readonly clusterAffinity?: number;
  /**
   * Zipf exponent of item popularity: item of popularity rank r is drawn ∝ (r+1)^-exponent.
   * At 0.8 the top 10% of a 5000-title catalog take over half the plays.
   * @defaultValue 0.8
   */
  readonly popularityExponent?: number;
  /**
   * How strongly a viewer's taste drifts over time, in [0, 1]: at 0 the times of a viewer's
   * titles are uniform over their active period; above it a viewer with several clusters watches
   * them one after another (see `plantTasteDrift`). Times never change which titles are watched.
   * @defaultValue 0.8
   */
  readonly drift?: number;
}

/** Defaults of {@link SyntheticOptions}. */
export const SYNTHETIC_DEFAULTS = Object.freeze({
  items: 5000,
  users: 2000,
  eventsPerUser: 40,
  seed: 42,
  clusters: 12,
  clusterAffinity: 0.8,
  popularityExponent: 0.8,
  drift: 0.8,
});

/** The structure a synthetic dataset was generated from, for tests that check it is recovered. */
export interface SyntheticTruth {
  readonly clusterCount: number;
  /** Taste cluster of each item, by column index. */
  readonly plantedClusterOfItem: Int32Array;
  /** Clusters of user (row) `u` are `userClusters[userClusterStart[u] .. userClusterStart[u+1]]`, 1–3 each. */
  readonly userClusterStart: Int32Array;
  readonly userClusters: Int32Array;
  /** The genres each cluster is anchored on. */
  readonly clusterGenres: readonly (readonly string[])[];
  /** Unnormalised Zipf popularity each item was drawn with, by column index. */
  readonly itemPopularity: Float64Array;
  /** Events drawn per user before duplicates were summed; adds up to the total event count. */
  readonly eventsOfUser: Int32Array;
  /**
   * Each user's clusters in the order their taste drifts through them, earliest first, aligned
   * with `userClusterStart` (see `plantTasteDrift`).
   */
  readonly driftClusterOrder: Int32Array;
}

/** A generated {@link Dataset} plus the planted truth behind it. */
export interface SyntheticDataset extends Dataset {
  readonly truth: SyntheticTruth;
}

/**
 * Generates a seeded, TV-like catalog and viewing log with planted structure:
 * - Items `i1…iN`: each in one taste cluster; genres anchored on the cluster's genres, maturity
 *   ratings consistent with them, years 1960–2026, some availability windows, generated titles
 *   (see `syntheticItem`), and a Zipf-like popularity from a random rank (independent of cluster).
 * - Users `u1…uM`: 1–3 taste clusters each; `round(clusterAffinity × n)` of a user's n events are
 *   drawn from their clusters by popularity, the rest from the whole catalog by popularity.
 *   Event weights are play-like counts 1–3; repeats of an item are summed.
 * - Times (`interactions.times`, epoch seconds in 2024–2026) with taste drift: a viewer of several
 *   clusters watches them one after another, so their latest titles lean to another taste than
 *   their first (`drift`, see `plantTasteDrift`).
 *
 * Built straight into CSR typed arrays (no per-event objects) with O(1) alias-table draws, so 10M
 * events over 1M items take seconds and about as much memory as the matrix itself. The catalog depends only on `seed`,
 * `items` and `clusters`; changing `users` or event counts keeps the same titles.
 *
 * @returns the dataset, with `truth` holding the planted clusters (see {@link SyntheticTruth}).
 * @throws OndeckError `invalid-argument` for sizes that are not positive integers, fewer items
 *   than clusters, or fewer events than users.
 *
 * @example
 * ```ts
 * const { interactions, items, truth } = generateSyntheticDataset({ items: 1000, users: 500, seed: 7 });
 * truth.plantedClusterOfItem[0]; // cluster of column 0
 * ```
 */
export function generateSyntheticDataset(options: SyntheticOptions = {}): SyntheticDataset {
  const itemCount = positiveInteger('items', options.items ?? SYNTHETIC_DEFAULTS.items);
  const userCount = positiveInteger('users', options.users ?? SYNTHETIC_DEFAULTS.users);
  const clusterCount = positiveInteger('clusters', options.clusters ?? SYNTHETIC_DEFAULTS.clusters);
  const seed = options.seed ?? SYNTHETIC_DEFAULTS.seed;
  const affinity = options.clusterAffinity ?? SYNTHETIC_DEFAULTS.clusterAffinity;
  const exponent = options.popularityExponent ?? SYNTHETIC_DEFAULTS.popularityExponent;
  const drift = options.drift ?? SYNTHETIC_DEFAULTS.drift;
  if (!Number.isInteger(seed)) throw new OndeckError('invalid-argument', { name: 'seed', value: seed, reason: `seed must be an integer, got ${seed}` });
  if (!(affinity >= 0 && affinity <= 1))
    throw new OndeckError('invalid-argument', { name: 'clusterAffinity', value: affinity, reason: `clusterAffinity must be in [0, 1], got ${affinity}` });
  if (!(drift >= 0 && drift <= 1)) throw new OndeckError('invalid-argument', { name: 'drift', value: drift, reason: `drift must be in [0, 1], got ${drift}` });
  if (!(exponent >= 0 && Number.isFinite(exponent)))
    throw new OndeckError('invalid-argument', { name: 'popularityExponent', value: exponent, reason: `popularityExponent must be a finite number >= 0, got ${exponent}` });
  if (clusterCount > itemCount)
    throw new OndeckError('invalid-argument', { name: 'clusters', value: clusterCount, reason: `cannot plant ${clusterCount} clusters in ${itemCount} items` });
  // item * 4 + weight must fit an Int32 sort key (see drawUserEvents).
  if (itemCount > 100_000_000) throw new OndeckError('invalid-argument', { name: 'items', value: itemCount, reason: 'at most 100,000,000 items' });
  const totalEvents =
    options.totalEvents !== undefined
      ? positiveInteger('totalEvents', options.totalEvents)
      : Math.round(userCount * positiveNumber('eventsPerUser', options.eventsPerUser ?? SYNTHETIC_DEFAULTS.eventsPerUser));
  if (totalEvents < userCount) {
    throw new OndeckError('invalid-argument', { name: 'totalEvents', value: totalEvents, reason: `${totalEvents} events cannot give each of ${userCount} users one` });
  }

  // Separate streams: the catalog must not change when only the number of users does.
  const catalogRandom = new SeededRandom(seed);
  const eventRandom = new SeededRandom((seed ^ 0x5bd1e995) >>> 0);

  const plantedClusterOfItem = assignClusters(itemCount, clusterCount, catalogRandom);
  const itemIds: string[] = new Array(itemCount);
  const items = new Map<string, ItemMetadata>();
  for (let i = 0; i < itemCount; i++) {
    const id = `i${i + 1}`;
    itemIds[i] = id;
    items.set(id, syntheticItem(id, plantedClusterOfItem[i], catalogRandom));
  }
  const itemPopularity = zipfPopularity(itemCount, exponent, catalogRandom);
  const sampler = buildSampler(plantedClusterOfItem, clusterCount, itemPopularity);

  const eventsOfUser = splitEvents(totalEvents, userCount, eventRandom);
  const { userClusterStart, userClusters, userClusterWeights } = assignUserClusters(userCount, clusterCount, eventRandom);
  const interactions = drawEvents({ eventsOfUser, userClusterStart, userClusters, userClusterWeights, sampler, affinity, itemIds, random: eventRandom });
  const { times, driftClusterOrder } = plantTasteDrift(interactions.matrix, { plantedClusterOfItem, userClusterStart, userClusters }, drift, seed);

  const clusterGenres = Array.from({ length: clusterCount }, (_, c) => CLUSTER_ANCHOR_GENRES[c % CLUSTER_ANCHOR_GENRES.length]);
  return {
    interactions: { ...interactions.matrix, times },
    items,
    report: {
      format: 'synthetic',
      files: [],
      linesRead: 0,
      skippedLines: 0,
      belowThreshold: 0,
      duplicatesAggregated: interactions.duplicates,
      warnings: [],
    },
    truth: { clusterCount, plantedClusterOfItem, userClusterStart, userClusters, clusterGenres, itemPopularity, eventsOfUser, driftClusterOrder },
  };
}

/**
 * The planted clusters of user (row) `user`.
 *
 * @example
 * ```ts
 * const clusters = plantedClustersOfUser(dataset.truth, 0); // e.g. Int32Array [3, 7]
 * ```
 */
export function plantedClustersOfUser(truth: SyntheticTruth, user: number): Int32Array {
  return truth.userClusters.subarray(truth.userClusterStart[user], truth.userClusterStart[user + 1]);
}

/** Every cluster gets at least one item; the rest are spread uniformly at random. */
function assignClusters(itemCount: number, clusterCount: number, random: SeededRandom): Int32Array {
  const clusterOfItem = new Int32Array(itemCount);
  for (let i = 0; i < itemCount; i++) clusterOfItem[i] = i < clusterCount ? i : random.nextInt(clusterCount);
  return random.shuffle(clusterOfItem);
}

/** Zipf weights over a random popularity ranking, so popularity is independent of id and cluster. */
function zipfPopularity(itemCount: number, exponent: number, random: SeededRandom): Float64Array {
  const rank = new Int32Array(itemCount);
  for (let i = 0; i < itemCount; i++) rank[i] = i;
  random.shuffle(rank);
  const popularity = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) popularity[i] = (rank[i] + 1) ** -exponent;
  return popularity;
}

/** Alias tables per cluster and over the catalog, for O(1) popularity-weighted draws. */
interface PopularitySampler {
  /** Items grouped by cluster: cluster c holds `clusterItems[clusterStart[c] .. clusterStart[c+1]]`. */
  readonly clusterStart: Int32Array;
  readonly clusterItems: Int32Array;
  /** Alias table over each cluster's range of `clusterItems` (slots index `clusterItems`). */
  readonly clusterProbability: Float64Array;
  readonly clusterAlias: Int32Array;
  /** Alias table over all items in column order. */
  readonly globalProbability: Float64Array;
  readonly globalAlias: Int32Array;
}

function buildSampler(clusterOfItem: Int32Array, clusterCount: number, popularity: Float64Array): PopularitySampler {
  const itemCount = clusterOfItem.length;
  const clusterStart = new Int32Array(clusterCount + 1);
  for (let i = 0; i < itemCount; i++) clusterStart[clusterOfItem[i] + 1]++;
  for (let c = 0; c < clusterCount; c++) clusterStart[c + 1] += clusterStart[c];
  const cursor = clusterStart.slice(0, clusterCount);
  const clusterItems = new Int32Array(itemCount);
  for (let i = 0; i < itemCount; i++) clusterItems[cursor[clusterOfItem[i]]++] = i;
  const popularityBySlot = new Float64Array(itemCount);
  for (let k = 0; k < itemCount; k++) popularityBySlot[k] = popularity[clusterItems[k]];
  const clusterProbability = new Float64Array(itemCount);
  const clusterAlias = new Int32Array(itemCount);
  for (let c = 0; c < clusterCount; c++) {
    fillAliasTable(popularityBySlot, clusterStart[c], clusterStart[c + 1], clusterProbability, clusterAlias);
  }
  const globalProbability = new Float64Array(itemCount);
  const globalAlias = new Int32Array(itemCount);
  fillAliasTable(popularity, 0, itemCount, globalProbability, globalAlias);
  return { clusterStart, clusterItems, clusterProbability, clusterAlias, globalProbability, globalAlias };
}

/**
 * Long-tailed activity (log-normal shares) scaled so the counts add up to exactly `total`, with
 * at least one event per user.
 */
function splitEvents(total: number, userCount: number, random: SeededRandom): Int32Array {
  const shares = new Float64Array(userCount);
  let shareSum = 0;
  for (let u = 0; u < userCount; u++) shareSum += shares[u] = Math.exp(0.8 * random.nextGaussian());
  const counts = new Int32Array(userCount);
  let assigned = 0;
  for (let u = 0; u < userCount; u++) assigned += counts[u] = Math.max(1, Math.floor((shares[u] / shareSum) * total));
  // Rounding leaves a small surplus or deficit; settle it one event at a time across users.
  let u = random.nextInt(userCount);
  while (assigned < total) {
    counts[u]++;
    assigned++;
    u = (u + 1) % userCount;
  }
  while (assigned > total) {
    if (counts[u] > 1) {
      counts[u]--;
      assigned--;
    }
    u = (u + 1) % userCount;
  }
  return counts;
}

/** 1 (50%), 2 (30%) or 3 (20%) distinct clusters per user, the first one weighted most. */
function assignUserClusters(userCount: number, clusterCount: number, random: SeededRandom) {
  const userClusterStart = new Int32Array(userCount + 1);
  const chosen: number[] = [];
  const weights: number[] = [];
  for (let u = 0; u < userCount; u++) {
    const draw = random.next();
    const wanted = Math.min(clusterCount, draw < 0.5 ? 1 : draw < 0.8 ? 2 : 3);
    const start = chosen.length;
    while (chosen.length - start < wanted) {
      const cluster = random.nextInt(clusterCount);
      let seen = false;
      for (let k = start; k < chosen.length; k++) if (chosen[k] === cluster) seen = true;
      if (seen) continue;
      chosen.push(cluster);
      weights.push(chosen.length - start === 1 ? 1 : 0.3 + 0.7 * random.next());
    }
    userClusterStart[u + 1] = chosen.length;
  }
  return { userClusterStart, userClusters: Int32Array.from(chosen), userClusterWeights: Float64Array.from(weights) };
}

interface EventDraw {
  readonly eventsOfUser: Int32Array;
  readonly userClusterStart: Int32Array;
  readonly userClusters: Int32Array;
  readonly userClusterWeights: Float64Array;
  readonly sampler: PopularitySampler;
  readonly affinity: number;
  readonly itemIds: string[];
  readonly random: SeededRandom;
}

/** Draws every user's events straight into CSR arrays, summing repeats of an item. */
function drawEvents(draw: EventDraw): { matrix: InteractionMatrix; duplicates: number } {
  const { eventsOfUser, userClusterStart, userClusters, userClusterWeights, sampler, affinity, random } = draw;
  const userCount = eventsOfUser.length;
  const itemCount = draw.itemIds.length;
  let total = 0;
  let largest = 0;
  for (let u = 0; u < userCount; u++) {
    total += eventsOfUser[u];
    if (eventsOfUser[u] > largest) largest = eventsOfUser[u];
  }
  const indptr = new Int32Array(userCount + 1);
  const indices = new Int32Array(total);
  const weights = new Float32Array(total);
  // One sortable Int32 per event: item * 4 + weight (1–3). Sorting it groups repeats of an item.
  const keys = new Int32Array(largest);
  let out = 0;
  for (let u = 0; u < userCount; u++) {
    const count = eventsOfUser[u];
    const inClusters = Math.round(affinity * count);
    const first = userClusterStart[u];
    const last = userClusterStart[u + 1];
    let weightSum = 0;
    for (let k = first; k < last; k++) weightSum += userClusterWeights[k];
    for (let e = 0; e < count; e++) {
      let item: number;
      if (e < inClusters) {
        let pick = random.next() * weightSum;
        let k = first;
        while (k < last - 1 && (pick -= userClusterWeights[k]) >= 0) k++;
        const cluster = userClusters[k];
        const start = sampler.clusterStart[cluster];
        let slot = start + random.nextInt(sampler.clusterStart[cluster + 1] - start);
        if (random.next() >= sampler.clusterProbability[slot]) slot = sampler.clusterAlias[slot];
        item = sampler.clusterItems[slot];
      } else {
        item = random.nextInt(itemCount);
        if (random.next() >= sampler.globalProbability[item]) item = sampler.globalAlias[item];
      }
      const weightDraw = random.next();
      keys[e] = item * 4 + (weightDraw < 0.6 ? 1 : weightDraw < 0.85 ? 2 : 3);
    }
    const userKeys = keys.subarray(0, count);
    userKeys.sort();
    let previous = -1;
    for (let e = 0; e < count; e++) {
      const item = userKeys[e] >> 2;
      const weight = userKeys[e] & 3;
      if (item === previous) {
        weights[out - 1] += weight;
      } else {
        indices[out] = item;
        weights[out] = weight;
        out++;
        previous = item;
      }
    }
    indptr[u + 1] = out;
  }
  const userIds: string[] = new Array(userCount);
  for (let u = 0; u < userCount; u++) userIds[u] = `u${u + 1}`;
  return {
    matrix: { userIds, itemIds: draw.itemIds, indptr, indices: indices.slice(0, out), weights: weights.slice(0, out) },
    duplicates: total - out,
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new OndeckError('invalid-argument', { name, value, reason: `${name} must be a positive integer, got ${value}` });
  return value;
}

function positiveNumber(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new OndeckError('invalid-argument', { name, value, reason: `${name} must be a finite number > 0, got ${value}` });
  return value;
}
