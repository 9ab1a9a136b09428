/**
 * ondeck's device SDK: on-device recommendations for TV web apps.
 *
 * @example
 * ```ts
 * import { createRecommender } from 'ondeck';
 * const recommender = createRecommender({ modelUrl: '/models/current/' });
 * const rows = await recommender.rows();
 * ```
 */
export { createRecommender } from './createRecommender';
export type { Recommender, RecommenderProfiles } from './Recommender';
export { RECOMMENDER_DEFAULTS, type RecommenderOptions } from '../models/contract/RecommenderOptions';
export { registerServiceWorker } from './registerServiceWorker';
export { SERVICE_WORKER_DEFAULTS, type RegisterServiceWorkerOptions, type ServiceWorkerSetup, type ServiceWorkerUnavailableReason } from './ServiceWorkerSetup';
export type * from '../models/contract/types';
export { OndeckError, isOndeckError, type OndeckErrorCode } from '../models/errors/OndeckError';
