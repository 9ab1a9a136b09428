import { OndeckError } from '../../models/errors/OndeckError';

/**
 * Stands in for `models/onnx/buildScoringGraph` in the browser worker bundle: the device always
 * gets the graph from the model artefact (scoring.onnx), so onnx-proto and protobufjs stay out of
 * the TV bundle.
 */
export function buildScoringGraph(): Uint8Array {
  throw new OndeckError('backend-unavailable', { backend: 'wasm', reason: 'the model has no scoring graph and this build cannot build one' });
}
