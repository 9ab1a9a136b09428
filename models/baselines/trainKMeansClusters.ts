import { OndeckError } from '../errors/OndeckError';
import { SeededRandom } from '../random';

/** Result of {@link trainKMeansClusters}. */
export interface KMeansClusters {
  /** Number of clusters. */
  readonly k: number;
  /** Values per centroid (the factor dimension). */
  readonly dims: number;
  /** Row-major `k × dims` centroids; unit length under the `'cosine'` metric. */
  readonly centroids: Float32Array;
  /** Cluster of each input row, or −1 for an all-zero (or non-finite) row, which has no direction. */
  readonly assignment: Int32Array;
  /** Number of rows in each cluster. */
  readonly sizes: Int32Array;
  /** Lloyd iterations of the kept run (assignment + update rounds). */
  readonly iterations: number;
  /**
   * Objective of the kept run over the non-zero rows: Σ (1 − cosine to the centroid) under
   * `'cosine'`, Σ squared distance under `'euclidean'`.
   */
  readonly inertia: number;
}

/** Options of {@link trainKMeansClusters}. */
export interface KMeansOptions {
  /**
   * Seed of the k-means++ initialisation (the same seed gives the same clusters).
   * @defaultValue 1
   */
  readonly seed?: number;
  /**
   * Both metrics run on L2-normalised rows, so a title's taste direction counts, not its factor
   * norm (which mostly tracks popularity).
   * `'cosine'`: spherical k-means, rows go to the centroid of highest cosine and centroids are
   * re-normalised means. `'euclidean'`: plain Lloyd on the normalised rows (nearest centroid in
   * squared distance, centroids are means).
   * @defaultValue 'cosine'
   */
  readonly metric?: 'cosine' | 'euclidean';
  /**
   * Upper bound on Lloyd iterations; it stops earlier when no row changes cluster.
   * @defaultValue 100
   */
  readonly maxIterations?: number;
  /**
   * Independent seedings (from the same seeded stream); the run of lowest inertia is kept.
   * Lloyd's iterations cannot move a centre from one blob to another, so a bad seeding is only
   * fixed by starting again; each restart costs one full clustering.
   * @defaultValue 4
   */
  readonly restarts?: number;
}

/** Defaults of {@link KMeansOptions}. */
export const kMeansDefaults = Object.freeze({ seed: 1, metric: 'cosine', maxIterations: 100, restarts: 4 } as const);

/**
 * Taste clusters: k-means over item factor vectors (row-major `rows × dims`), k-means++
 * initialisation (greedy variant) seeded through `SeededRandom`, best of `restarts` runs. Rows are
 * L2-normalised first (see {@link KMeansOptions.metric}); all-zero rows are left out and
 * assigned −1. A cluster that empties during the iterations is re-seeded with the row farthest
 * from its own centroid. Cost per run ≈ iterations × rows × k × dims multiply-adds.
 *
 * @throws OndeckError `dimension-mismatch` when `factors.length ≠ rows × dims`;
 *   `invalid-argument` when k is not an integer in [1, non-zero rows], or for a bad option.
 *
 * @example
 * ```ts
 * const clusters = trainKMeansClusters(itemFactors, itemCount, 64, 12, { seed: 7 });
 * const names = nameClusters(clusters.assignment, itemIds, items); // "Comedy & Romance", …
 * ```
 */
export function trainKMeansClusters(factors: Float32Array, rows: number, dims: number, k: number, options: KMeansOptions = {}): KMeansClusters {
  if (factors.length !== rows * dims) {
    throw new OndeckError('dimension-mismatch', { what: 'factor array length (rows × dims)', expected: rows * dims, got: factors.length });
  }
  const metric = options.metric ?? kMeansDefaults.metric;
  const maxIterations = options.maxIterations ?? kMeansDefaults.maxIterations;
  const restarts = options.restarts ?? kMeansDefaults.restarts;
  const random = new SeededRandom(options.seed ?? kMeansDefaults.seed);
  const cosine = metric === 'cosine';
  if (metric !== 'cosine' && metric !== 'euclidean') {
    throw new OndeckError('invalid-argument', { name: 'metric', value: metric, reason: `metric must be 'cosine' or 'euclidean', got ${String(metric)}` });
  }
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new OndeckError('invalid-argument', { name: 'restarts', value: restarts, reason: `restarts must be a positive integer, got ${restarts}` });
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new OndeckError('invalid-argument', { name: 'maxIterations', value: maxIterations, reason: `maxIterations must be a positive integer, got ${maxIterations}` });
  }

  // Unit-length working copy in float64; zero rows are flagged and skipped throughout.
  const points = new Float64Array(rows * dims);
  const usable = new Uint8Array(rows);
  let usableCount = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * dims;
    let squares = 0;
    for (let d = 0; d < dims; d++) squares += factors[base + d] * factors[base + d];
    if (!(squares > 0) || !Number.isFinite(squares)) continue;
    const inverseNorm = 1 / Math.sqrt(squares);
    for (let d = 0; d < dims; d++) points[base + d] = factors[base + d] * inverseNorm;
    usable[r] = 1;
    usableCount++;
  }
  if (!Number.isInteger(k) || k < 1 || k > usableCount) {
    throw new OndeckError('invalid-argument', { name: 'k', value: k, reason: `k must be an integer between 1 and the ${usableCount} non-zero rows, got ${k}` });
  }

  let best: LloydRun | undefined;
  for (let restart = 0; restart < restarts; restart++) {
    const run = runLloyd(points, usable, rows, dims, k, cosine, maxIterations, random);
    if (best === undefined || run.inertia < best.inertia) best = run;
  }
  const { centroids, assignment, iterations, inertia } = best!;
  const sizes = new Int32Array(k);
  for (let r = 0; r < rows; r++) if (assignment[r] >= 0) sizes[assignment[r]]++;
  return { k, dims, centroids: Float32Array.from(centroids), assignment, sizes, iterations, inertia };
}

interface LloydRun {
  readonly centroids: Float64Array;
  readonly assignment: Int32Array;
  readonly iterations: number;
  readonly inertia: number;
}

/** One seeding plus Lloyd iterations until no row changes cluster (or maxIterations). */
function runLloyd(points: Float64Array, usable: Uint8Array, rows: number, dims: number, k: number, cosine: boolean, maxIterations: number, random: SeededRandom): LloydRun {
  const centroids = initialiseCentroids(points, usable, rows, dims, k, random);
  const assignment = new Int32Array(rows).fill(-1);
  const sizes = new Int32Array(k);
  const sums = new Float64Array(k * dims);
  let iterations = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    iterations++;
    let changed = 0;
    for (let r = 0; r < rows; r++) {
      if (usable[r] === 0) continue;
      const nearest = nearestCentroid(points, r, centroids, k, dims, cosine);
      if (nearest !== assignment[r]) {
        assignment[r] = nearest;
        changed++;
      }
    }
    if (changed === 0) break;
    updateCentroids(points, usable, assignment, rows, dims, k, cosine, centroids, sums, sizes);
  }
  let inertia = 0;
  for (let r = 0; r < rows; r++) {
    if (usable[r] === 0) continue;
    const base = assignment[r] * dims;
    inertia += cosine ? 1 - dot(points, r * dims, centroids, base, dims) : squaredDistance(points, r * dims, centroids, base, dims);
  }
  return { centroids, assignment, iterations, inertia };
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, with the greedy variant scikit-learn uses): the
 * first centre uniformly, then for each next one draw 2 + ⌊ln k⌋ candidates with probability ∝
 * squared distance to the nearest centre so far and keep the candidate that lowers the total of
 * those distances most. Plain k-means++ too often seeds two centres in one blob, which Lloyd's
 * iterations cannot undo.
 */
function initialiseCentroids(points: Float64Array, usable: Uint8Array, rows: number, dims: number, k: number, random: SeededRandom): Float64Array {
  const centroids = new Float64Array(k * dims);
  const candidatesPerStep = 2 + Math.floor(Math.log(k));
  const nearestDistance = new Float64Array(rows);
  const candidateDistance = new Float64Array(rows);
  const bestDistance = new Float64Array(rows);
  const first = pickUsable(usable, rows, random.nextInt(countUsable(usable)));
  centroids.set(points.subarray(first * dims, first * dims + dims), 0);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    if (usable[r] === 0) continue;
    nearestDistance[r] = squaredDistance(points, r * dims, centroids, 0, dims);
    total += nearestDistance[r];
  }
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestTotal = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < candidatesPerStep; attempt++) {
      const candidate = total > 0 ? sampleByDistance(nearestDistance, usable, rows, random.next() * total) : pickUsable(usable, rows, random.nextInt(countUsable(usable)));
      let candidateTotal = 0;
      for (let r = 0; r < rows; r++) {
        if (usable[r] === 0) continue;
        const distance = Math.min(nearestDistance[r], squaredDistance(points, r * dims, points, candidate * dims, dims));
        candidateDistance[r] = distance;
        candidateTotal += distance;
      }
      if (candidateTotal < bestTotal) {
        bestTotal = candidateTotal;
        bestCandidate = candidate;
        bestDistance.set(candidateDistance);
      }
    }
    centroids.set(points.subarray(bestCandidate * dims, bestCandidate * dims + dims), c * dims);
    nearestDistance.set(bestDistance);
    total = bestTotal;
  }
  return centroids;
}

/** The usable row at which the running sum of `distance` passes `target`. */
function sampleByDistance(distance: Float64Array, usable: Uint8Array, rows: number, target: number): number {
  let chosen = -1;
  for (let r = 0; r < rows; r++) {
    if (usable[r] === 0 || distance[r] === 0) continue;
    chosen = r;
    target -= distance[r];
    if (target < 0) break;
  }
  return chosen;
}

function nearestCentroid(points: Float64Array, row: number, centroids: Float64Array, k: number, dims: number, cosine: boolean): number {
  const base = row * dims;
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    // Both metrics compare a monotone "closeness": the cosine, or minus the squared distance.
    const value = cosine ? dot(points, base, centroids, c * dims, dims) : -squaredDistance(points, base, centroids, c * dims, dims);
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

function updateCentroids(
  points: Float64Array,
  usable: Uint8Array,
  assignment: Int32Array,
  rows: number,
  dims: number,
  k: number,
  cosine: boolean,
  centroids: Float64Array,
  sums: Float64Array,
  sizes: Int32Array,
): void {
  sums.fill(0);
  sizes.fill(0);
  for (let r = 0; r < rows; r++) {
    const cluster = assignment[r];
    if (cluster < 0) continue;
    sizes[cluster]++;
    const base = r * dims;
    const target = cluster * dims;
    for (let d = 0; d < dims; d++) sums[target + d] += points[base + d];
  }
  for (let c = 0; c < k; c++) {
    const target = c * dims;
    if (sizes[c] === 0) {
      // An empty cluster takes over the row worst served by its current centroid, which both
      // revives it and lowers the objective most.
      const farthest = farthestRow(points, usable, assignment, rows, dims, centroids);
      centroids.set(points.subarray(farthest * dims, farthest * dims + dims), target);
      // Claim the row now, so a second empty cluster in this round picks a different one.
      assignment[farthest] = c;
      continue;
    }
    let squares = 0;
    for (let d = 0; d < dims; d++) {
      const mean = sums[target + d] / sizes[c];
      centroids[target + d] = mean;
      squares += mean * mean;
    }
    if (cosine && squares > 0) {
      const inverseNorm = 1 / Math.sqrt(squares);
      for (let d = 0; d < dims; d++) centroids[target + d] *= inverseNorm;
    }
  }
}

function farthestRow(points: Float64Array, usable: Uint8Array, assignment: Int32Array, rows: number, dims: number, centroids: Float64Array): number {
  let farthest = -1;
  let farthestDistance = -1;
  for (let r = 0; r < rows; r++) {
    if (usable[r] === 0) continue;
    const distance = squaredDistance(points, r * dims, centroids, assignment[r] * dims, dims);
    if (distance > farthestDistance) {
      farthestDistance = distance;
      farthest = r;
    }
  }
  return farthest;
}

function countUsable(usable: Uint8Array): number {
  let count = 0;
  for (let r = 0; r < usable.length; r++) count += usable[r];
  return count;
}

/** The `ordinal`-th usable row. */
function pickUsable(usable: Uint8Array, rows: number, ordinal: number): number {
  for (let r = 0; r < rows; r++) {
    if (usable[r] === 0) continue;
    if (ordinal === 0) return r;
    ordinal--;
  }
  return -1;
}

function dot(a: Float64Array, aBase: number, b: Float64Array, bBase: number, dims: number): number {
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += a[aBase + d] * b[bBase + d];
  return sum;
}

function squaredDistance(a: Float64Array, aBase: number, b: Float64Array, bBase: number, dims: number): number {
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const difference = a[aBase + d] - b[bBase + d];
    sum += difference * difference;
  }
  return sum;
}
