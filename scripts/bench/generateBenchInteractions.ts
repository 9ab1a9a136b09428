import type { InteractionMatrix } from '../../models/data/InteractionMatrix';
import { SeededRandom } from '../../models/random';

/** Shape of the synthetic interaction matrix {@link generateBenchInteractions} builds. */
export interface BenchInteractionOptions {
  /** Distinct (user, item) entries to produce, after duplicate events are summed. */
  readonly entries: number;
  /** Catalogue size. */
  readonly items: number;
  /** Mean events per viewer (log-normal lengths, so a long tail of heavy viewers). */
  readonly meanUserLength: number;
  /** Item popularity ∝ 1 / rank^exponent. */
  readonly zipfExponent: number;
  readonly seed: number;
}

/**
 * A TV-like interaction matrix for speed benchmarks, built straight into CSR (10M entries in a
 * few seconds): viewers with log-normal history lengths pick titles from a Zipf popularity
 * curve; a title picked twice by a viewer becomes one entry of weight 2. Popular titles are
 * scattered over the item indices, as ids from a real catalogue would be.
 *
 * @example
 * ```ts
 * const matrix = generateBenchInteractions({ entries: 1_000_000, items: 5000, meanUserLength: 40, zipfExponent: 0.9, seed: 1 });
 * ```
 */
export function generateBenchInteractions(options: BenchInteractionOptions): InteractionMatrix {
  const random = new SeededRandom(options.seed);
  const items = options.items;
  // Cumulative popularity by rank, then a random rank → item index map.
  const cumulative = new Float64Array(items);
  let total = 0;
  for (let rank = 0; rank < items; rank++) {
    total += 1 / Math.pow(rank + 1, options.zipfExponent);
    cumulative[rank] = total;
  }
  const itemOfRank = random.shuffle(Int32Array.from({ length: items }, (_, i) => i));
  const pickItem = (): number => {
    const goal = random.next() * total;
    let low = 0;
    let high = items - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] <= goal) low = middle + 1;
      else high = middle;
    }
    return itemOfRank[low];
  };

  const indices = new Int32Array(options.entries);
  const weights = new Float32Array(options.entries);
  const indptr: number[] = [0];
  // Log-normal with the requested mean: exp(μ + σ²/2) = mean.
  const sigma = 1;
  const mu = Math.log(options.meanUserLength) - (sigma * sigma) / 2;
  const picks = new Int32Array(Math.max(1, Math.floor(items / 2)));
  let filled = 0;
  while (filled < options.entries) {
    const length = Math.min(picks.length, Math.max(1, Math.round(Math.exp(mu + sigma * random.nextGaussian()))));
    for (let k = 0; k < length; k++) picks[k] = pickItem();
    const history = picks.subarray(0, length).sort();
    for (let k = 0; k < length && filled < options.entries; k++) {
      if (k > 0 && history[k] === history[k - 1]) {
        weights[filled - 1] += 1;
        continue;
      }
      indices[filled] = history[k];
      weights[filled] = 1;
      filled++;
    }
    indptr.push(filled);
  }
  return {
    userIds: Array.from({ length: indptr.length - 1 }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
    indptr: Int32Array.from(indptr),
    indices,
    weights,
  };
}
