import { describe, it, expect } from 'vitest';
import { trainKMeansClusters } from '../../../models/baselines/trainKMeansClusters';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { SeededRandom } from '../../../models/random';

/**
 * `clusters` well-separated Gaussian blobs in `dims` dimensions: random unit directions, points
 * = direction·scale + noise, rows shuffled. Returns the planted label of each row.
 */
function blobs(clusters: number, perCluster: number, dims: number, noise: number, seed: number) {
  const random = new SeededRandom(seed);
  const centres = Array.from({ length: clusters }, () => {
    const v = Array.from({ length: dims }, () => random.nextGaussian());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  const order = random.shuffle(Array.from({ length: clusters * perCluster }, (_, i) => i));
  const rows = clusters * perCluster;
  const factors = new Float32Array(rows * dims);
  const labels = new Int32Array(rows);
  order.forEach((source, row) => {
    const label = Math.floor(source / perCluster);
    labels[row] = label;
    // Different lengths per row: the metrics work on directions, as taste clusters should.
    const scale = 0.5 + 2 * random.next();
    for (let d = 0; d < dims; d++) factors[row * dims + d] = scale * (centres[label][d] + noise * random.nextGaussian());
  });
  return { factors, labels, rows };
}

/**
 * Purity with a one-to-one constraint: each planted label is matched to its majority cluster,
 * and the score is the fraction of rows in their label's cluster — 0 if two labels claim the same
 * cluster, so merging blobs cannot score well.
 */
function matchedPurity(assignment: Int32Array, labels: Int32Array, k: number): number {
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let r = 0; r < labels.length; r++) counts[labels[r]][assignment[r]]++;
  const claimed = new Set<number>();
  let correct = 0;
  for (let label = 0; label < k; label++) {
    const best = counts[label].indexOf(Math.max(...counts[label]));
    if (claimed.has(best)) return 0;
    claimed.add(best);
    correct += counts[label][best];
  }
  return correct / labels.length;
}

describe('trainKMeansClusters', () => {
  const cases = (['cosine', 'euclidean'] as const).flatMap((metric) => Array.from({ length: 10 }, (_, s) => [metric, s + 1] as const));
  it.each(cases)('recovers planted blobs (%s, seed %i) with purity ≥ 0.95', (metric, seed) => {
    const k = 5;
    const dims = 16;
    const { factors, labels, rows } = blobs(k, 60, dims, 0.15, seed);
    const clusters = trainKMeansClusters(factors, rows, dims, k, { seed, metric });
    expect(matchedPurity(clusters.assignment, labels, k)).toBeGreaterThanOrEqual(0.95);
    expect(clusters.centroids.length).toBe(k * dims);
    expect(clusters.inertia).toBeGreaterThan(0);
    expect(Array.from(clusters.sizes).reduce((a, b) => a + b, 0)).toBe(rows);
    for (let c = 0; c < k; c++) expect(clusters.sizes[c]).toBe(clusters.assignment.filter((a) => a === c).length);
    if (metric === 'cosine') {
      for (let c = 0; c < k; c++) {
        const centroid = clusters.centroids.subarray(c * dims, (c + 1) * dims);
        expect(Math.hypot(...centroid)).toBeCloseTo(1, 5);
      }
    }
  });

  it('is reproducible from its seed', () => {
    const { factors, rows } = blobs(4, 30, 8, 0.6, 9);
    const first = trainKMeansClusters(factors, rows, 8, 4, { seed: 11 });
    const second = trainKMeansClusters(factors, rows, 8, 4, { seed: 11 });
    expect(Array.from(second.assignment)).toEqual(Array.from(first.assignment));
    expect(Array.from(second.centroids)).toEqual(Array.from(first.centroids));
  });

  it('assigns −1 to all-zero rows and leaves them out of the sizes', () => {
    const { factors, rows } = blobs(2, 10, 4, 0.1, 5);
    const withZero = new Float32Array((rows + 1) * 4);
    withZero.set(factors);
    const clusters = trainKMeansClusters(withZero, rows + 1, 4, 2);
    expect(clusters.assignment[rows]).toBe(-1);
    expect(clusters.sizes[0] + clusters.sizes[1]).toBe(rows);
  });

  it('keeps every cluster non-empty even when k equals the number of rows', () => {
    const { factors, rows } = blobs(3, 3, 4, 0.01, 6);
    const clusters = trainKMeansClusters(factors, rows, 4, rows);
    expect(Array.from(clusters.sizes).every((size) => size === 1)).toBe(true);
  });

  it('keeps the restart of lowest inertia', () => {
    const { factors, rows } = blobs(6, 20, 8, 0.4, 12);
    const single = trainKMeansClusters(factors, rows, 8, 6, { seed: 3, restarts: 1 });
    const best = trainKMeansClusters(factors, rows, 8, 6, { seed: 3, restarts: 6 });
    // The first restart replays the single run (same seeded stream), so the best can only be lower.
    expect(best.inertia).toBeLessThanOrEqual(single.inertia);
  });

  it('rejects a wrong array length and an impossible k', () => {
    const expectCode = (call: () => unknown, code: 'dimension-mismatch' | 'invalid-argument') => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isOndeckError(caught, code)).toBe(true);
    };
    expectCode(() => trainKMeansClusters(new Float32Array(10), 3, 4, 2), 'dimension-mismatch');
    expectCode(() => trainKMeansClusters(new Float32Array(8).fill(1), 2, 4, 3), 'invalid-argument');
    expectCode(() => trainKMeansClusters(new Float32Array(8).fill(1), 2, 4, 0), 'invalid-argument');
  });
});
