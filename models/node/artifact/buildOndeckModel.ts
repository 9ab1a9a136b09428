import { randomUUID } from 'node:crypto';
import type { RowSolveHyperparameters } from '../../als/AlsHyperparameters';
import { gramian } from '../../linalg/gramian';
import { dequantizeRows, quantizeRows } from '../../quantize';
import { buildScoringGraph } from '../../onnx/buildScoringGraph';
import type { CatalogColumns } from '../../artifact/CatalogColumns';
import { MODEL_FORMAT_NAME, MODEL_FORMAT_VERSION, type TrainingSummary } from '../../artifact/ModelManifest';
import type { OndeckModel } from '../../artifact/OndeckModel';
import type { PopularityPriorParameters } from '../../scoring/PopularityPrior';

/** Inputs of {@link buildOndeckModel}. */
export interface BuildModelInput {
  /** Float item factors, row-major `catalog.ids.length × dims`, in catalog order. */
  readonly itemFactors: Float32Array;
  readonly dims: number;
  readonly catalog: CatalogColumns;
  readonly foldIn: RowSolveHyperparameters;
  readonly training: TrainingSummary;
  /** The device's popularity prior (model.json `popularityPrior`). @defaultValue none */
  readonly popularityPrior?: PopularityPriorParameters;
  /** @defaultValue 1 */
  readonly modelVersion?: number;
  /** @defaultValue a new random UUID (a new latent basis) */
  readonly lineageId?: string;
}

/**
 * Quantises float factors to int8, computes the Gramian of exactly the dequantised values the
 * device will fold in against, builds the ONNX scoring graph, and assembles the in-memory model
 * (file hashes are filled in when the directory is written).
 *
 * @example
 * ```ts
 * const model = buildOndeckModel({ itemFactors: als.itemFactors, dims: 64, catalog, foldIn: als.hyper, training });
 * await writeModelDirectory(model, 'out/model');
 * ```
 */
export function buildOndeckModel(input: BuildModelInput): OndeckModel {
  const itemCount = input.catalog.ids.length;
  const factors = quantizeRows(input.itemFactors, itemCount, input.dims);
  const { alpha, unobservedWeight, regularization, regularizationExponent } = input.foldIn;
  return {
    manifest: {
      format: MODEL_FORMAT_NAME,
      formatVersion: MODEL_FORMAT_VERSION,
      modelVersion: input.modelVersion ?? 1,
      lineageId: input.lineageId ?? randomUUID(),
      createdAt: new Date().toISOString(),
      dims: input.dims,
      itemCount,
      foldIn: { alpha, unobservedWeight, regularization, regularizationExponent },
      ...(input.popularityPrior ? { popularityPrior: { weight: input.popularityPrior.weight, historyScale: input.popularityPrior.historyScale } } : {}),
      training: input.training,
      files: {},
    },
    factors,
    gramian: gramian(dequantizeRows(factors), itemCount, input.dims),
    catalog: input.catalog,
    scoringGraph: buildScoringGraph(factors),
  };
}
