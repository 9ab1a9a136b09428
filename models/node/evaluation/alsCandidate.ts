import type { TrainAlsOptions } from '../als/trainAls';
import { gramian } from '../../linalg/gramian';
import { FoldInWorkspace, floatFoldInFactors, foldInUser } from '../../scoring/foldIn';
import type { ScoringModel, UserHistory } from '../../scoring/ScoringModel';
import type { EvaluationCandidate } from '../../evaluation/evaluateStrongGeneralization';
import { trainContentBased } from '../../baselines/trainContentBased';
import { blendScoringModels } from '../../hybrid/blendScoringModels';
import { buildDeviceRecommender } from '../../evaluation/buildDeviceRecommender';
import type { HeldOutHistory } from '../../evaluation/splitHeldOutUsers';
import type { PopularityPriorParameters } from '../../scoring/PopularityPrior';
import { weightByRecency } from '../../scoring/recencyDecay';
import { trainDeviceFactors } from './trainDeviceFactors';
import { tuneDevicePrior } from './tuneDevicePrior';

/** Options of {@link alsCandidate}. */
export interface AlsCandidateOptions extends TrainAlsOptions {
  readonly includeInt8?: boolean;
  readonly includeHybrid?: boolean;
  readonly hybridContentWeight?: number;
  /**
   * The on-device row's popularity prior: `'tune'` tunes it per fold on that fold's own training
   * users, as `ondeck train` does; parameters use those; absent, no prior.
   * @defaultValue no prior
   */
  readonly popularityPrior?: PopularityPriorParameters | 'tune';
  /**
   * Weight the on-device row's fold-in titles by recency (`weightByRecency`, the device's rule) with
   * this half-life, from the held-out histories' times; absent (or a history without times), no
   * recency weighting. `ondeck eval` sets it for the time-ordered protocols.
   */
  readonly recencyHalfLifeDays?: number;
  /** Called with each fold's tuned prior (with `popularityPrior: 'tune'`). */
  readonly onPriorTuned?: (parameters: PopularityPriorParameters) => void;
}

/**
 * iALS as evaluation rows: one training per fold yields two models, the float factors scored in
 * float ("iALS float") and the exported int8 factors scored through the device's own path
 * (`HistoryRecommender` + the `js` int8 backend: "iALS int8 on-device"), with the device's
 * popularity prior and recency weighting when asked, so the table shows what a TV computes.
 *
 * @example
 * ```ts
 * await evaluateStrongGeneralization(dataset, [alsCandidate({ hyper: { factors: 64 }, popularityPrior: 'tune' })]);
 * ```
 */
export function alsCandidate(options: AlsCandidateOptions = {}): EvaluationCandidate {
  return {
    name: 'iALS',
    async train(train, context) {
      const trainOptions: TrainAlsOptions = { seed: context.seed, ...options };
      const { als, itemFactors, popularity, features } = await trainDeviceFactors(train, context.items, trainOptions);
      const { dims } = als;
      const itemCount = train.itemIds.length;
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

      let popularityPrior = options.popularityPrior === 'tune' ? undefined : options.popularityPrior;
      if (options.popularityPrior === 'tune') {
        const tuning = await tuneDevicePrior(train, { ...trainOptions, items: context.items, recencyHalfLifeDays: options.recencyHalfLifeDays });
        popularityPrior = tuning.best.parameters;
        options.onPriorTuned?.(popularityPrior);
      }
      const recommender = await buildDeviceRecommender({ itemFactors, itemCount, dims, foldIn: als.hyper, popularity, popularityPrior });
      const halfLife = options.recencyHalfLifeDays;
      const int8Model: ScoringModel = {
        name: 'iALS int8 on-device',
        scoreItems: (history, out) => recommender.scoreAll(halfLife === undefined ? history : recencyWeighted(history, halfLife), out),
      };
      return [...models, int8Model];
    },
  };
}

/** The history weighted as the device weighs it, when it carries the titles' times. */
function recencyWeighted(history: UserHistory, halfLifeDays: number): UserHistory {
  const times = (history as HeldOutHistory).times;
  return times === undefined ? history : weightByRecency(history, times, halfLifeDays);
}
