import type { OndeckModel } from '../../models/artifact/OndeckModel';

/**
 * A model as the device serves it: an {@link OndeckModel} whose ONNX graph may be absent. A
 * version rebuilt from a delta carries none: the graph is a pure function of the (verified) int8
 * table, so the `wasm` backend builds it from the factors when, and only if, it starts, and the
 * storage rewrite builds and verifies it against model.json before it is stored. Building it in
 * the update itself would cost a 7 MB copy and digest that the `js` backend never reads.
 *
 * @example
 * ```ts
 * const backendModel = { factors: model.factors, onnxModel: model.scoringGraph }; // undefined → built from factors
 * ```
 */
export type ServedModel = Omit<OndeckModel, 'scoringGraph'> & { readonly scoringGraph?: Uint8Array };
