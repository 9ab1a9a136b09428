import { OndeckError } from '../errors/OndeckError';
import { itemUserCounts, transposeMatrix, userCount, type InteractionMatrix } from '../data/InteractionMatrix';
import type { ScoringModel, TrainContext } from '../scoring/ScoringModel';
import { invertSymmetricPositiveDefinite } from '../linalg/invertSymmetricPositiveDefinite';
import { checkScoringArguments } from './checkScoringArguments';

/** Options of {@link trainEase}. */
export interface EaseOptions {
  /**
   * L2 regularisation λ added to the diagonal of the item Gram matrix. Steck 2019 uses a few
   * hundred on MovieLens; larger values shrink scores towards popularity.
   * @defaultValue 500
   */
  readonly regularization?: number;
  /**
   * Refuse to train when more items than this have training interactions: the dense
   * items × items weight matrix costs n² × 4 bytes to keep (1.6 GB at 20,000) and twice that
   * in float64 while it is computed. Use ALS for larger catalogs.
   * @defaultValue 20000
   */
  readonly maxItems?: number;
  /**
   * `'binary'`: every interaction counts 1 (X is 0/1, the EASE paper's setting);
   * `'weighted'`: the interaction weights are used as the entries of X.
   * @defaultValue 'binary'
   */
  readonly weighting?: 'binary' | 'weighted';
  /**
   * How a viewer's history enters the scores, x·B: `'binary'` (every history title counts 1) or
   * `'weighted'` (the history's weights). Separate from `weighting` so a model fitted on 0/1 data
   * can take a weighted input, e.g. recent titles weighted more (`easeCandidate`).
   * @defaultValue the value of `weighting`
   */
  readonly queryWeighting?: 'binary' | 'weighted';
  /**
   * How to compute P = (XᵀX + λI)⁻¹:
   * `'items'` inverts the n × n item Gram directly (n³/2 multiply-adds);
   * `'users'` uses the Woodbury identity P = (I − Xᵀ(XXᵀ + λI)⁻¹X) / λ, which inverts an
   * m × m user Gram instead (m³/2 + m·nnz + nnz·n), far cheaper when there are fewer users
   * than items (ml-latest-small: ~600 users, ~9,000 items);
   * `'auto'` picks the one with the lower operation count. Both give the same B up to rounding.
   * @defaultValue 'auto'
   */
  readonly solver?: 'auto' | 'items' | 'users';
}

/** Defaults of {@link EaseOptions}. */
export const easeDefaults = Object.freeze({ regularization: 500, maxItems: 20_000, weighting: 'binary', solver: 'auto' } as const);

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the item–item weight
 * matrix B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, so diag(B) = 0, and a viewer's scores
 * are s = x·B, computed sparsely as the sum of B's rows for the history items.
 *
 * Only items with at least one training interaction enter B (the others would have an all-zero
 * row and column anyway); they score **−Infinity**, so they rank after every item the model
 * knows about, and history entries on them are ignored.
 *
 * Memory: B is kept as float32, n² × 4 bytes over the n active items (324 MB at 9,000); the
 * float64 work matrix needs twice that while training.
 *
 * @throws OndeckError `invalid-argument` when more than `maxItems` items have interactions
 *   (use ALS), or for a non-positive `regularization`; `training-failed` if the Gram matrix is
 *   numerically not positive definite.
 *
 * @example
 * ```ts
 * const model = trainEase(train, context, { regularization: 300 });
 * model.scoreItems(history, scores);
 * ```
 */
export function trainEase(train: InteractionMatrix, _context?: TrainContext, options: EaseOptions = {}): ScoringModel {
  const regularization = options.regularization ?? easeDefaults.regularization;
  const maxItems = options.maxItems ?? easeDefaults.maxItems;
  const weighted = (options.weighting ?? easeDefaults.weighting) === 'weighted';
  const weightedQuery = (options.queryWeighting ?? options.weighting ?? easeDefaults.weighting) === 'weighted';
  const solver = options.solver ?? easeDefaults.solver;
  if (!(regularization > 0) || !Number.isFinite(regularization)) {
    throw new OndeckError('invalid-argument', { name: 'regularization', value: regularization, reason: `EASE's λ must be a finite number > 0, got ${regularization}` });
  }
  if (solver !== 'auto' && solver !== 'items' && solver !== 'users') {
    throw new OndeckError('invalid-argument', { name: 'solver', value: solver, reason: `solver must be 'auto', 'items' or 'users', got ${String(solver)}` });
  }

  const itemCount = train.itemIds.length;
  const counts = itemUserCounts(train);
  // activeOf[item] = position in B, or -1 for items nobody interacted with. Monotone in the
  // item index, so sorted matrix rows stay sorted after mapping.
  const activeOf = new Int32Array(itemCount).fill(-1);
  const activeItems: number[] = [];
  for (let item = 0; item < itemCount; item++) {
    if (counts[item] > 0) {
      activeOf[item] = activeItems.length;
      activeItems.push(item);
    }
  }
  const n = activeItems.length;
  if (n > maxItems) {
    throw new OndeckError('invalid-argument', {
      name: 'catalog size',
      value: n,
      reason: `EASE needs a dense ${n} × ${n} matrix (${n} items with interactions, maxItems is ${maxItems}); use ALS for catalogs this large, or raise maxItems if the memory is there`,
    });
  }

  const x: SparseRows = {
    rows: userCount(train),
    indptr: train.indptr,
    columns: Int32Array.from(train.indices, (item) => activeOf[item]),
    values: weighted ? train.weights : new Float32Array(train.indices.length).fill(1),
  };
  const weights = chooseSolver(solver, x, n) === 'items' ? easeWeightsByItems(x, n, regularization) : easeWeightsByUsers(x, n, regularization);
  const allActive = n === itemCount;
  const accumulator = new Float64Array(n);

  return {
    name: 'EASE',
    scoreItems(history, out) {
      checkScoringArguments(history, out, itemCount);
      accumulator.fill(0);
      for (let h = 0; h < history.indices.length; h++) {
        const row = activeOf[history.indices[h]];
        if (row < 0) continue;
        const weight = weightedQuery ? history.weights[h] : 1;
        const base = row * n;
        for (let j = 0; j < n; j++) accumulator[j] += weight * weights[base + j];
      }
      if (allActive) {
        for (let j = 0; j < n; j++) out[j] = accumulator[j];
      } else {
        out.fill(Number.NEGATIVE_INFINITY);
        for (let j = 0; j < n; j++) out[activeItems[j]] = accumulator[j];
      }
    },
  };
}

/** X in CSR over the active columns. */
interface SparseRows {
  readonly rows: number;
  readonly indptr: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float32Array;
}

/** Picks the path with the lower multiply-add count (see {@link EaseOptions.solver}). */
function chooseSolver(solver: 'auto' | 'items' | 'users', x: SparseRows, n: number): 'items' | 'users' {
  if (solver !== 'auto') return solver;
  let users = 0;
  for (let u = 0; u < x.rows; u++) if (x.indptr[u + 1] > x.indptr[u]) users++;
  const entries = x.columns.length;
  const itemCost = n ** 3 / 2;
  const userCost = users ** 3 / 2 + users * entries + entries * n;
  return userCost < itemCost ? 'users' : 'items';
}

/**
 * B from the n × n item Gram: G = XᵀX + λI built sparsely (per user, the outer product of their
 * item list, lower triangle only, which is all the inverse reads), inverted in place to P, then
 * B[i][j] = −P[i][j] / P[j][j] off the diagonal.
 */
function easeWeightsByItems(x: SparseRows, n: number, regularization: number): Float32Array {
  const gram = new Float64Array(n * n);
  for (let u = 0; u < x.rows; u++) {
    const start = x.indptr[u];
    const end = x.indptr[u + 1];
    for (let e = start; e < end; e++) {
      const rowBase = x.columns[e] * n;
      const value = x.values[e];
      for (let f = start; f <= e; f++) gram[rowBase + x.columns[f]] += value * x.values[f];
    }
  }
  for (let i = 0; i < n; i++) gram[i * n + i] += regularization;
  if (!invertSymmetricPositiveDefinite(gram, n)) {
    throw new OndeckError('training-failed', { reason: 'EASE: XᵀX + λI is not numerically positive definite; raise the regularization' });
  }
  const inverseDiagonal = new Float64Array(n);
  for (let j = 0; j < n; j++) inverseDiagonal[j] = 1 / gram[j * n + j];
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const base = i * n;
    for (let j = 0; j < n; j++) weights[base + j] = -gram[base + j] * inverseDiagonal[j];
    weights[base + i] = 0;
  }
  return weights;
}

/**
 * B through the Woodbury identity. With K = (XXᵀ + λI)⁻¹ (users × users) and Q = XᵀKX,
 * P = (I − Q) / λ, so off the diagonal B[i][j] = −P[i][j] / P[j][j] = Q[i][j] / (1 − Q[j][j]).
 * Row i of Q is Σ_{u ∈ users(i)} X[u][i] · (KX)[u], a sum of dense rows of KX (users × items),
 * which is how it is computed, one row of B at a time.
 */
function easeWeightsByUsers(x: SparseRows, n: number, regularization: number): Float32Array {
  // Only users with interactions take part: an empty row of X adds nothing to XᵀX.
  const activeUsers: number[] = [];
  for (let u = 0; u < x.rows; u++) if (x.indptr[u + 1] > x.indptr[u]) activeUsers.push(u);
  const m = activeUsers.length;
  // Dropping empty rows leaves the entry arrays untouched: only the row pointers are compacted.
  const compactPointers = new Int32Array(m + 1);
  for (let r = 0; r < m; r++) compactPointers[r + 1] = x.indptr[activeUsers[r] + 1];
  const compact: InteractionMatrix = {
    userIds: activeUsers.map(String),
    itemIds: Array.from({ length: n }, (_, i) => String(i)),
    indptr: compactPointers,
    indices: x.columns,
    weights: x.values,
  };
  const itemUsers = transposeMatrix(compact);

  // K = (XXᵀ + λI)⁻¹: the user Gram, built per item from its (ascending) user list.
  const kernel = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    const start = itemUsers.indptr[i];
    const end = itemUsers.indptr[i + 1];
    for (let e = start; e < end; e++) {
      const rowBase = itemUsers.indices[e] * m;
      const value = itemUsers.weights[e];
      for (let f = start; f <= e; f++) kernel[rowBase + itemUsers.indices[f]] += value * itemUsers.weights[f];
    }
  }
  for (let u = 0; u < m; u++) kernel[u * m + u] += regularization;
  if (!invertSymmetricPositiveDefinite(kernel, m)) {
    throw new OndeckError('training-failed', { reason: 'EASE: XXᵀ + λI is not numerically positive definite; raise the regularization' });
  }

  // KX (users × items, dense): row u = Σ_v K[u][v]·X[v].
  const kernelTimesX = new Float64Array(m * n);
  for (let u = 0; u < m; u++) {
    const outBase = u * n;
    const kernelBase = u * m;
    for (let v = 0; v < m; v++) {
      const coefficient = kernel[kernelBase + v];
      for (let e = compact.indptr[v]; e < compact.indptr[v + 1]; e++) {
        kernelTimesX[outBase + compact.indices[e]] += coefficient * compact.weights[e];
      }
    }
  }

  // 1 − Q[j][j] = λ·P[j][j] > 0.
  const inverseOneMinusQDiagonal = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let q = 0;
    for (let e = itemUsers.indptr[j]; e < itemUsers.indptr[j + 1]; e++) q += itemUsers.weights[e] * kernelTimesX[itemUsers.indices[e] * n + j];
    inverseOneMinusQDiagonal[j] = 1 / (1 - q);
  }

  const weights = new Float32Array(n * n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let e = itemUsers.indptr[i]; e < itemUsers.indptr[i + 1]; e++) {
      const value = itemUsers.weights[e];
      const base = itemUsers.indices[e] * n;
      for (let j = 0; j < n; j++) row[j] += value * kernelTimesX[base + j];
    }
    const outBase = i * n;
    for (let j = 0; j < n; j++) weights[outBase + j] = row[j] * inverseOneMinusQDiagonal[j];
    weights[outBase + i] = 0;
  }
  return weights;
}
