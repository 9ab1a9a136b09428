import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverInterruptedWrite } from './recoverInterruptedWrite';
import { writeDirectoryAtomically } from './writeDirectoryAtomically';
import type { AlsHyperparameters } from '../../als/AlsHyperparameters';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { OndeckError } from '../../errors/OndeckError';
import type { TrainingSummary } from '../../artifact/ModelManifest';
import { checkPopularityPrior, type PopularityPriorParameters } from '../../scoring/PopularityPrior';

/** Format tag and version of a training checkpoint directory. */
export const CHECKPOINT_FORMAT = 'ondeck-checkpoint';
export const CHECKPOINT_VERSION = 1;

/**
 * The output of `ondeck train`: float item factors plus what `ondeck export` and a warm-started
 * retrain need. It stays on the training side; devices get the int8 export.
 */
export interface TrainingCheckpoint {
  readonly lineageId: string;
  /** Version the export of this checkpoint will carry; a warm-started retrain adds one. */
  readonly modelVersion: number;
  readonly hyper: AlsHyperparameters;
  readonly itemIds: readonly string[];
  /** Row-major `itemIds.length × hyper.factors`. */
  readonly itemFactors: Float32Array;
  /** Training users per item. */
  readonly popularity: Int32Array;
  /** Metadata of every known item, including titles with no interactions yet (cold start). */
  readonly items: readonly ItemMetadata[];
  readonly training: TrainingSummary;
  /** The device's popularity prior, tuned by `ondeck train`; absent: none (older checkpoints too). */
  readonly popularityPrior?: PopularityPriorParameters;
  /** How `hyper` was tuned; absent when it was given (flags, `--params`, `--no-tune`) or for older checkpoints. */
  readonly tuning?: ObjectiveTuningSummary;
}

/** How `ondeck train` chose the objective's hyperparameters, when it tuned them. */
export interface ObjectiveTuningSummary {
  readonly method: 'successive-halving';
  /** What it started from and compared against (the training defaults). */
  readonly start: AlsHyperparameters;
  /** Validation NDCG@100 of the chosen `hyper` and of `start`, at the same epochs. */
  readonly validationNdcgAt100: number;
  readonly startNdcgAt100: number;
  readonly validationUsers: number;
  readonly trials: number;
  /** Trials left out to stay within the budget. */
  readonly skipped: number;
  readonly seconds: number;
  readonly budgetSeconds: number;
}

/** The files of a checkpoint directory (all of them: the directory holds nothing else). */
export const CHECKPOINT_FILES = Object.freeze({ manifest: 'checkpoint.json', factors: 'item-factors.f32', items: 'items.json' });

/**
 * Writes a checkpoint directory atomically (staging directory, then rename). A previous
 * checkpoint there is replaced; a directory (or file) holding anything else is refused, untouched.
 *
 * @throws OndeckError `invalid-argument` when `directory` holds anything but a checkpoint.
 * @example
 * ```ts
 * await writeTrainingCheckpoint(checkpoint, 'build/checkpoint');
 * ```
 */
export async function writeTrainingCheckpoint(checkpoint: TrainingCheckpoint, directory: string): Promise<void> {
  const { itemFactors, items, popularity, ...rest } = checkpoint;
  await writeDirectoryAtomically(
    directory,
    new Map<string, Uint8Array | string>([
      [CHECKPOINT_FILES.factors, littleEndianFloat32(itemFactors)],
      [CHECKPOINT_FILES.items, JSON.stringify(items)],
      [CHECKPOINT_FILES.manifest, JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...rest, popularity: Array.from(popularity) }) + '\n'],
    ]),
  );
}

/**
 * Reads a checkpoint written by {@link writeTrainingCheckpoint}, checking format and sizes; one
 * missing because its writer was killed mid-swap is restored first ({@link recoverInterruptedWrite}).
 *
 * @throws OndeckError `model-not-found`, `model-version-mismatch`, `model-corrupt` (also for a
 *   NaN or ±Infinity factor, naming its row and item).
 */
export async function readTrainingCheckpoint(directory: string): Promise<TrainingCheckpoint> {
  let manifestText: string;
  try {
    manifestText = await readFile(join(directory, CHECKPOINT_FILES.manifest), 'utf8');
  } catch {
    // A writer killed mid-swap leaves the checkpoint next to `directory` as `.old-…`: put it back.
    if (!(await recoverInterruptedWrite(directory)).restored) throw new OndeckError('model-not-found', { path: directory, hint: 'expected a directory written by `ondeck train`' });
    manifestText = await readFile(join(directory, CHECKPOINT_FILES.manifest), 'utf8');
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestText) as Record<string, unknown>;
  } catch {
    throw new OndeckError('model-not-found', { path: directory, hint: 'expected a directory written by `ondeck train`' });
  }
  if (manifest.format !== CHECKPOINT_FORMAT) throw new OndeckError('model-corrupt', { file: CHECKPOINT_FILES.manifest, reason: 'not an ondeck training checkpoint' });
  if (manifest.version !== CHECKPOINT_VERSION) throw new OndeckError('model-version-mismatch', { got: manifest.version, expected: CHECKPOINT_VERSION });
  const itemIds = manifest.itemIds as string[];
  const hyper = manifest.hyper as AlsHyperparameters;
  const bytes = await readFile(join(directory, CHECKPOINT_FILES.factors));
  if (!Array.isArray(itemIds) || bytes.byteLength !== itemIds.length * hyper.factors * 4) {
    throw new OndeckError('model-corrupt', { file: CHECKPOINT_FILES.factors, reason: `expected ${itemIds.length} × ${hyper.factors} float32 values` });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const itemFactors = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < itemFactors.length; i++) {
    const value = view.getFloat32(i * 4, true);
    // Checked once, here, for everything downstream: quantisation would turn NaN/±Infinity into a
    // zero or garbage row without a word, and a warm start would spread it through retraining.
    if (!Number.isFinite(value)) {
      const row = Math.floor(i / hyper.factors);
      throw new OndeckError('model-corrupt', {
        file: CHECKPOINT_FILES.factors,
        row,
        reason: `row ${row} (item "${itemIds[row]}") holds ${value} at dimension ${i % hyper.factors}; retrain, or restore the checkpoint from a backup`,
      });
    }
    itemFactors[i] = value;
  }
  const items = JSON.parse(await readFile(join(directory, CHECKPOINT_FILES.items), 'utf8')) as ItemMetadata[];
  const popularityPrior = manifest.popularityPrior as PopularityPriorParameters | undefined;
  const tuning = manifest.tuning as ObjectiveTuningSummary | undefined;
  if (popularityPrior !== undefined) {
    try {
      if (typeof popularityPrior !== 'object' || popularityPrior === null) throw new Error('popularityPrior must be an object');
      checkPopularityPrior(popularityPrior);
    } catch (error) {
      throw new OndeckError('model-corrupt', { file: CHECKPOINT_FILES.manifest, reason: (error as Error).message });
    }
  }
  return {
    lineageId: String(manifest.lineageId),
    modelVersion: Number(manifest.modelVersion),
    hyper,
    itemIds,
    itemFactors,
    popularity: Int32Array.from(manifest.popularity as number[]),
    items,
    training: manifest.training as TrainingSummary,
    ...(popularityPrior ? { popularityPrior: { weight: popularityPrior.weight, historyScale: popularityPrior.historyScale } } : {}),
    // A record of how the model came about, not an input of anything: kept as written.
    ...(tuning !== undefined && typeof tuning === 'object' && tuning !== null ? { tuning } : {}),
  };
}

function littleEndianFloat32(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}
