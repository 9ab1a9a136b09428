/**
 * ondeck's model pipeline as a library (the `ondeck/models` entry): load data, train, evaluate,
 * quantise and package models, and read them back. Platform-neutral except the directory
 * readers/writers, which use node:fs.
 *
 * @example
 * ```ts
 * import { loadDataset, trainAls, packageModel, writeModelDirectory } from 'ondeck/models';
 * const dataset = await loadDataset('data/ml-latest-small');
 * const als = await trainAls(dataset.interactions, { hyper: { factors: 64 }, threads: 2 });
 * ```
 */
export { OndeckError, isOndeckError, type OndeckErrorCode } from '../errors/OndeckError';
export type { InteractionMatrix } from '../data/InteractionMatrix';
export { InteractionBuilder } from '../data/InteractionBuilder';
export type { ItemMetadata } from '../data/ItemMetadata';
export type { Dataset, LoadOptions } from '../data/Dataset';
export type { LoadReport, LoadWarning } from '../data/LoadReport';
export { loadDataset } from './data/loadDataset';
export { generateSyntheticDataset, type SyntheticOptions } from '../data/synth';
export { writeSyntheticDataset } from './data/writeSyntheticDataset';
export { DEFAULT_ALS_HYPERPARAMETERS, type AlsHyperparameters } from '../als/AlsHyperparameters';
export { trainAls, type AlsModel, type TrainAlsOptions, type WarmStartFactors } from './als/trainAls';
export { foldInUser, quantizedFoldInFactors, floatFoldInFactors, type FoldInFactors } from '../scoring/foldIn';
export { quantizeRows, dequantizeRows, type QuantizedFactors } from '../quantize';
export type { ScoringModel, UserHistory, TrainContext } from '../scoring/ScoringModel';
export { trainPopularity } from '../baselines/trainPopularity';
export { trainUserKnn } from '../baselines/trainUserKnn';
export { trainItemKnn } from '../baselines/trainItemKnn';
export { trainContentBased } from '../baselines/trainContentBased';
export { trainEase } from '../baselines/trainEase';
export { trainKMeansClusters } from '../baselines/trainKMeansClusters';
export { rankingMetricsAtK } from '../evaluation/rankingMetricsAtK';
export { evaluateStrongGeneralization, type ModelEvaluation, type EvaluationCandidate } from '../evaluation/evaluateStrongGeneralization';
export { alsCandidate } from './evaluation/alsCandidate';
export { easeCandidate } from '../evaluation/easeCandidate';
export { type EvaluationProtocol, protocolName } from '../evaluation/EvaluationProtocol';
export { parseEvaluationProtocol } from '../evaluation/parseEvaluationProtocol';
export { countSkippedUsers } from '../evaluation/countSkippedUsers';
export { tuneAls } from './evaluation/tuneAls';
export { packageModel } from './artifact/packageModel';
export { readModelDirectory, writeModelDirectory } from './artifact/modelDirectory';
export type { OndeckModel } from '../artifact/OndeckModel';
export type { ModelManifest } from '../artifact/ModelManifest';
export { importFactors } from './importers/importFactors';
export { buildScoringGraph } from '../onnx/buildScoringGraph';
export type { SyncManifest, SignedManifest } from '../sync/SyncManifest';
export { parseSyncManifest, parseSignedManifest } from '../sync/parseSyncManifest';
export { computeDelta } from '../sync/computeDelta';
export { applyDelta } from '../sync/applyDelta';
export { generateSigningKeyPair, signManifest, verifySignedManifest } from './sync/manifestSigning';
export { publishModel } from './sync/publishModel';
export { rollbackPublication } from './sync/rollbackPublication';
export { prunePublication } from './sync/prunePublication';
export { withPublicationLock, PUBLICATION_LOCK_FILE } from './sync/withPublicationLock';
export { createSyncServer } from './sync/createSyncServer';
