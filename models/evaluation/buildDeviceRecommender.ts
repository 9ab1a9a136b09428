import type { RowSolveHyperparameters } from '../als/AlsHyperparameters';
import { MODEL_FORMAT_NAME, MODEL_FORMAT_VERSION } from '../artifact/ModelManifest';
import { gramian } from '../linalg/gramian';
import { dequantizeRows, quantizeRows } from '../quantize';
import { createJsInt8Backend } from '../scoring/createJsInt8Backend';
import { HistoryRecommender } from '../scoring/HistoryRecommender';
import type { PopularityPriorParameters } from '../scoring/PopularityPrior';

/** Inputs of {@link buildDeviceRecommender}: float factors as training leaves them. */
export interface DeviceRecommenderInput {
  /** Row-major `itemCount × dims` float factors (cold-start rows already filled). */
  readonly itemFactors: Float32Array;
  readonly itemCount: number;
  readonly dims: number;
  readonly foldIn: RowSolveHyperparameters;
  /** Training viewers per item: the no-history ranking and the prior's values. */
  readonly popularity: ArrayLike<number>;
  /** The prior model.json would carry; none when absent. */
  readonly popularityPrior?: PopularityPriorParameters;
}

/**
 * What a device would run for these factors, in memory: int8 quantisation, the Gramian of the
 * dequantised rows, a manifest with the fold-in hyperparameters (and the prior), and a
 * {@link HistoryRecommender} over the `js` int8 backend. The evaluation's "iALS int8 on-device"
 * row and the tuning of the prior score through it, so both measure the device's own path.
 *
 * @example
 * ```ts
 * const recommender = await buildDeviceRecommender({ itemFactors, itemCount, dims, foldIn: als.hyper, popularity });
 * ```
 */
export async function buildDeviceRecommender(input: DeviceRecommenderInput): Promise<HistoryRecommender> {
  const { itemCount, dims } = input;
  const quantized = quantizeRows(input.itemFactors, itemCount, dims);
  const backend = createJsInt8Backend();
  await backend.load({ factors: quantized });
  return new HistoryRecommender(
    {
      factors: quantized,
      gramian: gramian(dequantizeRows(quantized), itemCount, dims),
      manifest: {
        format: MODEL_FORMAT_NAME,
        formatVersion: MODEL_FORMAT_VERSION,
        modelVersion: 1,
        lineageId: 'evaluation',
        createdAt: new Date(0).toISOString(),
        dims,
        itemCount,
        foldIn: input.foldIn,
        ...(input.popularityPrior ? { popularityPrior: input.popularityPrior } : {}),
        training: { algorithm: 'ials' },
        files: {},
      },
    },
    backend,
    input.popularity,
  );
}
