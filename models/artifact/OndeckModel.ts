import type { QuantizedFactors } from '../quantize';
import type { CatalogColumns } from './CatalogColumns';
import type { ModelManifest } from './ModelManifest';

/**
 * A model as both the CLI and the device hold it in memory: the manifest, the int8 item
 * factors with their Gramian, the catalog, and the ONNX scoring graph.
 */
export interface OndeckModel {
  readonly manifest: ModelManifest;
  readonly factors: QuantizedFactors;
  /** Gramian of the dequantised factors (what fold-in needs). */
  readonly gramian: Float64Array;
  readonly catalog: CatalogColumns;
  /** The ONNX scoring graph (`scoring.onnx`), for the `wasm` / `webgpu` backends. */
  readonly scoringGraph: Uint8Array;
  /**
   * model.json exactly as published, when the model was decoded from its files: a delta names
   * the SHA-256 of the model.json it applies to, so the device checks its base against these bytes.
   */
  readonly manifestBytes?: Uint8Array;
}
