import { trainAls, type TrainAlsOptions } from '../als/trainAls';
import { gramian } from '../../linalg/gramian';
import { dequantizeRows, quantizeRows } from '../../quantize';
import { FoldInWorkspace, floatFoldInFactors, foldInUser } from '../../scoring/foldIn';
import type { ScoringModel } from '../../scoring/ScoringModel';
import type { EvaluationCandidate } from '../../evaluation/evaluateStrongGeneralization';
import { HistoryRecommender } from '../../scoring/HistoryRecommender';
import { createJsInt8Backend } from '../../scoring/createJsInt8Backend';
import { itemUserCounts } from '../../data/InteractionMatrix';
import { buildItemContentFeatures } from '../../baselines/buildItemContentFeatures';
import { trainContentBased } from '../../baselines/trainContentBased';
import { fillColdStartFactors } from '../../hybrid/fitContentToFactorMapping';
import { blendScoringModels } from '../../hybrid/blendScoringModels';
import { MODEL_FORMAT_NAME, MODEL_FORMAT_VERSION } from '../../artifact/ModelManifest';

/**
 * iALS as evaluation rows: one training per fold yields two models, the float factors scored in
 * float ("iALS float") and the exported int8 factors scored through the device's own path
 * (`HistoryRecommender` + the `js` int8 backend: "iALS int8 on-device"), so the table shows
 * exactly what quantisation costs.
 *
 * @example
 * ```ts
 * await evaluateStrongGeneralization(dataset, [alsCandidate({ hyper: { factors: 64 } })]);
 * ```
 */
export function alsCandidate(
  options: TrainAlsOptions & { readonly includeInt8?: boolean; readonly includeHybrid?: boolean; readonly hybridContentWeight?: number } = {},
): EvaluationCandidate {
  return {
    name: 'iALS',
    async train(train, context) {
      const als = await trainAls(train, { seed: context.seed, ...options });
      const { dims } = als;
      const itemCount = train.itemIds.length;
      const popularity = itemUserCounts(train);
      const features = buildItemContentFeatures(train.itemIds, context.items);
      // Titles with no training interactions get factors from their content, as `ondeck export`
      // does: the same hybrid cold start in evaluation as on the device.
      const itemFactors = Float32Array.from(als.itemFactors);
      if (features.vocabulary.length > 0) fillColdStartFactors(features, itemFactors, dims, popularity);
      const floatFactors = floatFoldInFactors(itemFactors, itemCount, dims, gramian(itemFactors, itemCount, dims));
      const workspace = new FoldInWorkspace(dims);
      const userVector = new Float32Array(dims);
      const floatModel: ScoringModel = {
        name: 'iALS float',
        scoreItems(history, out) {
          foldInUser(floatFactors, als.hyper, history, userVector, workspace);
          for (let i = 0; i < itemCount; i++) {
            let sum = 0;
            const base = i * dims;
            for (let d = 0; d < dims; d++) sum += itemFactors[base + d] * userVector[d];
            out[i] = sum;
          }
        },
      };
      const models: ScoringModel[] = [floatModel];
      if (options.includeHybrid && features.vocabulary.length > 0) {
        models.push(blendScoringModels('Hybrid (iALS + content)', floatModel, trainContentBased(train, context), options.hybridContentWeight ?? 0.1, itemCount));
      }
      if (options.includeInt8 === false) return models;

      const quantized = quantizeRows(itemFactors, itemCount, dims);
      const backend = createJsInt8Backend();
      await backend.load({ factors: quantized });
      const recommender = new HistoryRecommender(
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
            foldIn: als.hyper,
            training: { algorithm: 'ials' },
            files: {},
          },
        },
        backend,
      );
      const int8Model: ScoringModel = {
        name: 'iALS int8 on-device',
        scoreItems: (history, out) => recommender.scoreAll(history, out),
      };
      return [...models, int8Model];
    },
  };
}
