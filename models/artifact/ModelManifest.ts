import type { RowSolveHyperparameters } from '../als/AlsHyperparameters';
import type { PopularityPriorParameters } from '../scoring/PopularityPrior';

/** Version of the on-disk model format this build reads and writes (docs/format.md). */
export const MODEL_FORMAT_VERSION = 1;

/** `format` field every model.json carries. */
export const MODEL_FORMAT_NAME = 'ondeck-model';

/** Names of the files of a model directory. */
export const MODEL_FILES = Object.freeze({
  manifest: 'model.json',
  factors: 'factors.bin',
  catalog: 'catalog.json',
  scoringGraph: 'scoring.onnx',
});

/** Size and SHA-256 (lower-case hex) of one file of the model. */
export interface ModelFileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

/** How the model was produced; informational, never needed to score. */
export interface TrainingSummary {
  readonly algorithm: 'ials' | 'imported';
  readonly epochs?: number;
  readonly users?: number;
  readonly entries?: number;
  readonly seed?: number;
  readonly finalLoss?: number;
  /** Where the interactions or factors came from (a path or `synthetic`). */
  readonly source?: string;
  /** Items whose factors came from the content→factor mapping (no interactions yet). */
  readonly coldStartItems?: number;
}

/**
 * model.json: the description of a model directory. Everything the device needs besides the
 * binary tables, including the fold-in hyperparameters, so that device and cloud solve the same
 * system.
 */
export interface ModelManifest {
  readonly format: typeof MODEL_FORMAT_NAME;
  readonly formatVersion: number;
  /** Monotonic version of this model within its lineage (1, 2, 3 …). */
  readonly modelVersion: number;
  /** Identifies a latent basis; warm-started retrains keep it, so deltas between them make sense. */
  readonly lineageId: string;
  /** ISO-8601 time of export. */
  readonly createdAt: string;
  readonly dims: number;
  readonly itemCount: number;
  /** Hyperparameters of the fold-in (the user half-step of training). */
  readonly foldIn: RowSolveHyperparameters;
  /**
   * The popularity prior added to the fold-in scores, its weight shrinking as the history grows
   * (tuned on validation viewers by `ondeck train`). Absent in models written before it existed:
   * no prior, the fold-in scores alone.
   */
  readonly popularityPrior?: PopularityPriorParameters;
  readonly training: TrainingSummary;
  /** Every other file of the directory with its size and SHA-256. */
  readonly files: Readonly<Record<string, ModelFileEntry>>;
}
