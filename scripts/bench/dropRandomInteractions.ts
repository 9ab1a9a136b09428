import type { InteractionMatrix } from '../../models/data/InteractionMatrix';
import { SeededRandom } from '../../models/random';

/**
 * A copy of `matrix` without `round(fraction × entries)` of its entries, chosen uniformly at
 * random (seeded). Users and items keep their rows and columns (a user may end up with none), the
 * kept entries keep their weights and their ascending order. The benchmarks use it for
 * "yesterday's log": today's log is the full matrix, so a retrain sees the events of one more day.
 *
 * @param fraction share of the entries to drop, in [0, 1].
 * @throws RangeError when `fraction` is outside [0, 1].
 * @example
 * ```ts
 * const yesterday = dropRandomInteractions(today, 0.02, 7); // 2% fewer events, same users and items
 * ```
 */
export function dropRandomInteractions(matrix: InteractionMatrix, fraction: number, seed: number): InteractionMatrix {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`dropRandomInteractions: fraction must be in [0, 1], got ${fraction}`);
  const entries = matrix.indices.length;
  const dropCount = Math.round(fraction * entries);
  // An exact count (a partial Fisher–Yates over entry positions), not a coin per entry, so the
  // size of "the new day" does not depend on the seed.
  const positions = Int32Array.from({ length: entries }, (_, entry) => entry);
  const random = new SeededRandom(seed);
  const dropped = new Uint8Array(entries);
  for (let i = 0; i < dropCount; i++) {
    const j = i + random.nextInt(entries - i);
    const chosen = positions[j];
    positions[j] = positions[i];
    positions[i] = chosen;
    dropped[chosen] = 1;
  }
  const users = matrix.indptr.length - 1;
  const indptr = new Int32Array(users + 1);
  const indices = new Int32Array(entries - dropCount);
  const weights = new Float32Array(entries - dropCount);
  let kept = 0;
  for (let user = 0; user < users; user++) {
    for (let entry = matrix.indptr[user]; entry < matrix.indptr[user + 1]; entry++) {
      if (dropped[entry]) continue;
      indices[kept] = matrix.indices[entry];
      weights[kept] = matrix.weights[entry];
      kept++;
    }
    indptr[user + 1] = kept;
  }
  return { userIds: matrix.userIds, itemIds: matrix.itemIds, indptr, indices, weights };
}
