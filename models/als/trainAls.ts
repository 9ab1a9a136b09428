import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InteractionMatrix } from '../data/InteractionMatrix';
import { transposeMatrix } from '../data/InteractionMatrix';
import { OndeckError } from '../errors/OndeckError';
import { SeededRandom } from '../random';
import { DEFAULT_ALS_HYPERPARAMETERS, type AlsHyperparameters } from './AlsHyperparameters';
import type { AlsExecutor } from './AlsExecutor';
import { allocate, GRAMIAN_BLOCK_ROWS, type AlsSharedState, type AlsSolver } from './AlsSharedState';
import { InProcessAlsExecutor } from './InProcessAlsExecutor';
import { ThreadPoolAlsExecutor } from './ThreadPoolAlsExecutor';

/** Item factors from an earlier model, to warm-start from (keeps the latent basis stable). */
export interface WarmStartFactors {
  readonly itemIds: readonly string[];
  readonly dims: number;
  /** Row-major float factors, `itemIds.length × dims`. */
  readonly itemFactors: Float32Array;
}

/** Progress reported after every epoch. */
export interface AlsEpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Training loss per observed entry, measured during the user half-step. */
  readonly loss: number;
  readonly epochSeconds: number;
}

/** Options of {@link trainAls}. */
export interface TrainAlsOptions {
  /** Model hyperparameters. @defaultValue {@link DEFAULT_ALS_HYPERPARAMETERS} */
  readonly hyper?: Partial<AlsHyperparameters>;
  /** Full passes over users then items. @defaultValue 15 */
  readonly epochs?: number;
  /** Row solver. @defaultValue 'cg' */
  readonly solver?: AlsSolver;
  /** Conjugate-gradient steps per row and half-step (solver 'cg'). @defaultValue 3 */
  readonly cgSteps?: number;
  /** Seed of the random initialisation. @defaultValue 42 */
  readonly seed?: number;
  /**
   * Worker threads; 1 trains on the calling thread. @defaultValue 1
   * More than one needs the built `alsThreadWorker.js` (see `workerScript`).
   */
  readonly threads?: number;
  /**
   * Where the built thread entry lives. @defaultValue `alsThreadWorker.js` next to the running
   * bundle (dist/).
   */
  readonly workerScript?: URL | string;
  /** Item factors of a previous model to start from. Items absent there start random. */
  readonly warmStart?: WarmStartFactors;
  /** Called after each epoch. */
  readonly onEpoch?: (progress: AlsEpochProgress) => void;
}

/** A trained implicit-ALS model. */
export interface AlsModel {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly dims: number;
  /** Row-major `users × dims`. */
  readonly userFactors: Float32Array;
  /** Row-major `items × dims`. */
  readonly itemFactors: Float32Array;
  readonly hyper: AlsHyperparameters;
  readonly epochs: number;
  /** Loss per observed entry after each epoch. */
  readonly lossHistory: readonly number[];
  /** Wall-clock seconds of each epoch. */
  readonly epochSeconds: readonly number[];
}

/**
 * Trains implicit ALS (see {@link AlsHyperparameters} for the objective). Deterministic for a
 * seed, whatever the thread count: each row's solve depends only on the other side's factors and
 * the Gramian, which is summed over fixed blocks in a fixed order.
 *
 * @example
 * ```ts
 * const model = await trainAls(dataset.interactions, { hyper: { factors: 64 }, epochs: 15, threads: 2 });
 * ```
 */
export async function trainAls(matrix: InteractionMatrix, options: TrainAlsOptions = {}): Promise<AlsModel> {
  const hyper: AlsHyperparameters = { ...DEFAULT_ALS_HYPERPARAMETERS, ...options.hyper };
  validateHyperparameters(hyper);
  const epochs = options.epochs ?? 15;
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const dims = hyper.factors;
  const userCount = matrix.indptr.length - 1;
  const itemCount = matrix.itemIds.length;
  if (matrix.indices.length === 0) throw new OndeckError('empty-data', { reason: 'the interaction matrix has no entries' });

  const shared = threads > 1;
  const transposed = transposeMatrix(matrix);
  const copy = <T extends Int32Array | Float32Array>(source: T, Kind: { new (b: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number }): T => {
    const target = allocate(Kind as never, source.length, shared) as T;
    target.set(source as never);
    return target;
  };
  const state: AlsSharedState = {
    dims,
    userCount,
    itemCount,
    userIndptr: copy(matrix.indptr, Int32Array),
    userIndices: copy(matrix.indices, Int32Array),
    userWeights: copy(matrix.weights, Float32Array),
    itemIndptr: copy(transposed.indptr, Int32Array),
    itemIndices: copy(transposed.indices, Int32Array),
    itemWeights: copy(transposed.weights, Float32Array),
    userFactors: allocate(Float32Array, userCount * dims, shared),
    itemFactors: allocate(Float32Array, itemCount * dims, shared),
    gramianBlocks: allocate(Float64Array, Math.ceil(Math.max(userCount, itemCount) / GRAMIAN_BLOCK_ROWS) * dims * dims, shared),
    gramian: allocate(Float64Array, dims * dims, shared),
    hyper,
    solver: options.solver ?? 'cg',
    cgSteps: options.cgSteps ?? 3,
  };
  initialiseItemFactors(state, matrix.itemIds, options.seed ?? 42, options.warmStart);

  const executor: AlsExecutor = threads > 1
    ? new ThreadPoolAlsExecutor(state, threads, resolveWorkerScript(options.workerScript))
    : new InProcessAlsExecutor(state);
  const lossHistory: number[] = [];
  const epochSeconds: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      await executor.gramian('items');
      const loss = await executor.solve('users');
      await executor.gramian('users');
      await executor.solve('items');
      const seconds = (performance.now() - started) / 1000;
      const lossPerEntry = loss / matrix.indices.length;
      if (!Number.isFinite(lossPerEntry)) {
        throw new OndeckError('training-failed', { reason: `loss became ${lossPerEntry} at epoch ${epoch + 1}; lower alpha or raise regularization` });
      }
      lossHistory.push(lossPerEntry);
      epochSeconds.push(seconds);
      options.onEpoch?.({ epoch: epoch + 1, epochs, loss: lossPerEntry, epochSeconds: seconds });
    }
  } finally {
    await executor.close();
  }
  // Hand back plain (non-shared) copies so callers can transfer or serialise them freely.
  return {
    userIds: matrix.userIds,
    itemIds: matrix.itemIds,
    dims,
    userFactors: Float32Array.from(state.userFactors),
    itemFactors: Float32Array.from(state.itemFactors),
    hyper,
    epochs,
    lossHistory,
    epochSeconds,
  };
}

function validateHyperparameters(hyper: AlsHyperparameters): void {
  const check = (name: keyof AlsHyperparameters, ok: boolean, rule: string): void => {
    if (!ok) throw new OndeckError('invalid-argument', { name, value: hyper[name], reason: `${name} must be ${rule}, got ${hyper[name]}` });
  };
  check('factors', Number.isInteger(hyper.factors) && hyper.factors >= 1 && hyper.factors <= 1024, 'an integer in 1..1024');
  check('regularization', hyper.regularization > 0 && Number.isFinite(hyper.regularization), 'a finite number > 0');
  check('regularizationExponent', hyper.regularizationExponent >= 0 && hyper.regularizationExponent <= 2, 'in 0..2');
  check('unobservedWeight', hyper.unobservedWeight > 0 && Number.isFinite(hyper.unobservedWeight), 'a finite number > 0');
  check('alpha', hyper.alpha >= 0 && Number.isFinite(hyper.alpha), 'a finite number ≥ 0');
}

/**
 * Small random item factors (std 0.1/√dims, Rendle et al.'s choice), or the warm-start rows
 * where the item existed before. Users need no initialisation: the first half-step solves them.
 */
function initialiseItemFactors(state: AlsSharedState, itemIds: readonly string[], seed: number, warmStart?: WarmStartFactors): void {
  const random = new SeededRandom(seed);
  const dims = state.dims;
  const deviation = 0.1 / Math.sqrt(dims);
  for (let i = 0; i < state.itemFactors.length; i++) state.itemFactors[i] = random.nextGaussian() * deviation;
  if (!warmStart) return;
  if (warmStart.dims !== dims) {
    throw new OndeckError('dimension-mismatch', { what: 'warm-start factors', expected: dims, got: warmStart.dims });
  }
  const previousRow = new Map<string, number>();
  warmStart.itemIds.forEach((id, row) => previousRow.set(id, row));
  for (let item = 0; item < itemIds.length; item++) {
    const row = previousRow.get(itemIds[item]);
    if (row === undefined) continue;
    state.itemFactors.set(warmStart.itemFactors.subarray(row * dims, (row + 1) * dims), item * dims);
  }
}

function resolveWorkerScript(explicit?: URL | string): URL | string {
  if (explicit) return explicit;
  const besideBundle = new URL('./alsThreadWorker.js', import.meta.url);
  if (!existsSync(fileURLToPath(besideBundle))) {
    throw new OndeckError('training-failed', {
      reason: `threaded training needs ${fileURLToPath(besideBundle)}; run \`npm run build\` or pass threads: 1`,
    });
  }
  return besideBundle;
}
