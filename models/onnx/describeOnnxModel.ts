import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { OndeckError } from '../errors/OndeckError';

// Default import for the same CommonJS-interop reason as in buildScoringGraph.
const { onnx } = onnxProto;

/** One graph input or output: name, ONNX element type name, and shape (numbers or symbols). */
export interface OnnxValueSummary {
  readonly name: string;
  /** ONNX element type, e.g. `'FLOAT'`, `'INT64'`, `'INT8'`. */
  readonly elementType: string;
  readonly shape: ReadonlyArray<number | string>;
}

/** One initializer: name, element type and dims (the data itself is left out). */
export interface OnnxInitializerSummary {
  readonly name: string;
  readonly elementType: string;
  readonly dims: readonly number[];
  /** Bytes of `raw_data` (0 when stored in typed fields). */
  readonly rawBytes: number;
}

/** A readable summary of a serialised ONNX model, for tests, `inspect` commands and logs. */
export interface OnnxModelSummary {
  readonly irVersion: number;
  /** Opset version per domain (`''` is the default ONNX domain). */
  readonly opsets: Readonly<Record<string, number>>;
  readonly producerName: string;
  readonly inputs: readonly OnnxValueSummary[];
  readonly outputs: readonly OnnxValueSummary[];
  readonly initializers: readonly OnnxInitializerSummary[];
  /** Operator types of the nodes, in graph order. */
  readonly operators: readonly string[];
  /** The model's `metadata_props`. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Decodes ONNX model bytes and summarises their interface and structure.
 *
 * @throws OndeckError `model-corrupt` when the bytes are not an ONNX ModelProto with a graph.
 * @example
 * ```ts
 * const summary = describeOnnxModel(buildScoringGraph(factors));
 * summary.inputs.map((input) => input.name); // ['user_vector', 'top_k']
 * ```
 */
export function describeOnnxModel(bytes: Uint8Array): OnnxModelSummary {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OndeckError('model-corrupt', { reason: `not an ONNX model: ${error instanceof Error ? error.message : String(error)}` });
  }
  const graph = model.graph;
  if (!graph) throw new OndeckError('model-corrupt', { reason: 'ONNX model has no graph' });

  const opsets: Record<string, number> = {};
  for (const opset of model.opsetImport) opsets[opset.domain ?? ''] = Number(opset.version);
  const metadata: Record<string, string> = {};
  for (const entry of model.metadataProps) metadata[entry.key ?? ''] = entry.value ?? '';

  return {
    irVersion: Number(model.irVersion),
    opsets,
    producerName: model.producerName,
    inputs: (graph.input ?? []).map(summariseValue),
    outputs: (graph.output ?? []).map(summariseValue),
    initializers: (graph.initializer ?? []).map((tensor) => ({
      name: tensor.name ?? '',
      elementType: elementTypeName(tensor.dataType ?? 0),
      dims: (tensor.dims ?? []).map(Number),
      rawBytes: tensor.rawData?.length ?? 0,
    })),
    operators: (graph.node ?? []).map((node) => node.opType ?? ''),
    metadata,
  };
}

function summariseValue(value: OnnxTypes.IValueInfoProto): OnnxValueSummary {
  const tensorType = value.type?.tensorType;
  return {
    name: value.name ?? '',
    elementType: elementTypeName(tensorType?.elemType ?? 0),
    shape: (tensorType?.shape?.dim ?? []).map((dim) => (dim.dimParam ? dim.dimParam : Number(dim.dimValue ?? 0))),
  };
}

function elementTypeName(dataType: number): string {
  return onnx.TensorProto.DataType[dataType] ?? `UNKNOWN(${dataType})`;
}
