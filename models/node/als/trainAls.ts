import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InteractionMatrix } from '../../data/InteractionMatrix';
import { transposeMatrix } from '../../data/InteractionMatrix';
import { OndeckError } from '../../errors/OndeckError';
import { SeededRandom } from '../../random';
import { DEFAULT_ALS_HYPERPARAMETERS, type AlsHyperparameters } from '../../als/AlsHyperparameters';
import type { AlsExecutor } from '../../als/AlsExecutor';
import type { AlsKernel, AlsSharedState, AlsSolver } from '../../als/AlsSharedState';
import { compileAlsKernel } from '../../als/compileAlsKernel';
import { createAlsSharedState, fitsWasmMemory } from '../../als/createAlsSharedState';
import { InProcessAlsExecutor } from '../../als/InProcessAlsExecutor';
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
  /** Which kernel ran the epoch. */
  readonly kernel: AlsKernel;
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
  /**
   * Implementation of the hot loops: `'wasm'` (WebAssembly SIMD, several times faster) or `'js'`
   * (plain TypeScript). Unset picks wasm where the engine has SIMD and shared memory and the data
   * fits a 4 GiB memory, JS otherwise; asking for `'wasm'` where it cannot run throws
   * `backend-unavailable`. Both give the same model up to float rounding (wasm works in f32).
   * @defaultValue 'wasm' when available, else 'js'
   */
  readonly kernel?: AlsKernel;
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

  if (options.kernel !== undefined && options.kernel !== 'wasm' && options.kernel !== 'js') {
    throw new OndeckError('invalid-argument', { name: 'kernel', value: options.kernel, reason: `kernel must be 'wasm' or 'js', got ${String(options.kernel)}` });
  }
  const wasmModule = await resolveWasmKernel(options.kernel, userCount, itemCount, matrix.indices.length, dims, threads);
  // The transpose is copied into the state and dropped at once (it is as large as the data).
  const state = createAlsSharedState(matrix, transposeMatrix(matrix), {
    hyper,
    solver: options.solver ?? 'cg',
    cgSteps: options.cgSteps ?? 3,
    threads,
    wasmModule,
  });
  const kernel: AlsKernel = state.wasm ? 'wasm' : 'js';
  initialiseItemFactors(state, matrix.itemIds, options.seed ?? 42, options.warmStart);

  const executor: AlsExecutor = threads > 1 ? new ThreadPoolAlsExecutor(state, threads, resolveWorkerScript(options.workerScript)) : new InProcessAlsExecutor(state);
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
      options.onEpoch?.({ epoch: epoch + 1, epochs, loss: lossPerEntry, epochSeconds: seconds, kernel });
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

/**
 * The compiled wasm kernel when `requested` allows it and it can run here, else undefined (the
 * TypeScript kernel). Only an explicit `'wasm'` turns unavailability into an error.
 */
async function resolveWasmKernel(
  requested: AlsKernel | undefined,
  userCount: number,
  itemCount: number,
  entries: number,
  dims: number,
  threads: number,
): Promise<WebAssembly.Module | undefined> {
  if (requested === 'js') return undefined;
  const unavailable = (reason: string): undefined => {
    if (requested === 'wasm') throw new OndeckError('backend-unavailable', { backend: 'wasm ALS kernel', reason });
    return undefined;
  };
  if (!fitsWasmMemory(userCount, itemCount, entries, dims, threads)) return unavailable('the training data does not fit a 4 GiB WebAssembly memory');
  try {
    return await compileAlsKernel();
  } catch (error) {
    return unavailable(error instanceof Error ? error.message : String(error));
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
