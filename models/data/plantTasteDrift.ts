import type { InteractionMatrix } from './InteractionMatrix';
import { SeededRandom } from '../random';

/** The planted clusters {@link plantTasteDrift} orders a viewer's titles by. */
export interface DriftClusters {
  /** Taste cluster of each item, by column index. */
  readonly plantedClusterOfItem: Int32Array;
  /** Clusters of user `u` are `userClusters[userClusterStart[u] .. userClusterStart[u+1]]`. */
  readonly userClusterStart: Int32Array;
  readonly userClusters: Int32Array;
}

/** What {@link plantTasteDrift} planted. */
export interface PlantedTasteDrift {
  /** Epoch seconds of each entry, aligned with the matrix's `indices`. */
  readonly times: Float64Array;
  /**
   * Each user's clusters in the order their taste moves through them, earliest first, aligned
   * with `userClusterStart` (a permutation of that user's `userClusters`).
   */
  readonly driftClusterOrder: Int32Array;
}

/** 2024-01-01T00:00:00Z: viewers start watching within the two years after it. */
const FIRST_START_SECONDS = Date.UTC(2024, 0, 1) / 1000;
const DAY_SECONDS = 86_400;

/**
 * Gives every entry of a synthetic matrix a time so that a viewer's taste drifts: each viewer's
 * clusters are put in a random order, and the titles of the j-th of k clusters fall mostly in the
 * j-th k-th of the viewer's active period (e.g. Kids first, then Drama), so the last titles in
 * time lean to a different taste than the first. Titles outside the viewer's clusters (the
 * popularity draws) and every title of a one-cluster viewer fall anywhere in the period.
 *
 * Only times are drawn, from a stream of their own: the matrix (who watched what, how much) is
 * exactly the one without drift, so adding times changed no other synthetic result.
 *
 * A viewer is active for 60–365 days starting some time in 2024–2025; an entry's position in that
 * period is `drift × (j + u) / k + (1 − drift) × v` for uniform u, v: at 0 times are uniform
 * (no drift), at 1 the clusters follow one another without overlap.
 *
 * @param drift in [0, 1].
 * @example
 * ```ts
 * const { times, driftClusterOrder } = plantTasteDrift(matrix, truth, 0.8, 42);
 * ```
 */
export function plantTasteDrift(matrix: InteractionMatrix, clusters: DriftClusters, drift: number, seed: number): PlantedTasteDrift {
  const random = new SeededRandom((seed ^ 0x2c1b3c6d) >>> 0);
  const { plantedClusterOfItem, userClusterStart, userClusters } = clusters;
  const users = matrix.indptr.length - 1;
  const times = new Float64Array(matrix.indices.length);
  const driftClusterOrder = Int32Array.from(userClusters);
  for (let u = 0; u < users; u++) {
    const first = userClusterStart[u];
    const order = random.shuffle(driftClusterOrder.subarray(first, userClusterStart[u + 1]));
    const k = order.length;
    const start = FIRST_START_SECONDS + random.nextInt(2 * 365 * DAY_SECONDS);
    const span = (60 + random.nextInt(306)) * DAY_SECONDS;
    for (let e = matrix.indptr[u]; e < matrix.indptr[u + 1]; e++) {
      const position = k < 2 ? -1 : order.indexOf(plantedClusterOfItem[matrix.indices[e]]);
      const phase = position === -1 ? random.next() : (position + random.next()) / k;
      times[e] = start + Math.floor((drift * phase + (1 - drift) * random.next()) * span);
    }
  }
  return { times, driftClusterOrder };
}
