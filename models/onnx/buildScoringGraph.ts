import type { QuantizedFactors } from '../quantize';
import { OndeckError } from '../errors/OndeckError';
import { checkQuantizedFactors } from '../scoring/checkQuantizedFactors';
import { ProtobufWriter } from './ProtobufWriter';
import { scoringGraphNames } from './scoringGraphNames';

/**
 * Which arithmetic the scoring graph uses.
 *
 * - `'float'` (default): the int8 table is dequantised by `Cast` + `Mul` on initializers only, which
 *   onnxruntime constant-folds once at session creation, so a float32 table stays resident and each
 *   run is one `Gemm` + `TopK`. Rankings match the pure TypeScript int8 kernel (same maths, float32).
 * - `'int8'`: the int8 table stays resident (4× less memory); each run quantises the user vector to
 *   uint8 (`DynamicQuantizeLinear`) and uses `MatMulInteger`. Smaller, but slower here and the user
 *   quantisation changes rankings slightly, so backends that must agree with the `js` kernel must not
 *   use it.
 */
export type ScoringGraphVariant = 'float' | 'int8';

/** Options of {@link buildScoringGraph}. */
export interface ScoringGraphOptions {
  /**
   * Arithmetic of the graph; see {@link ScoringGraphVariant}.
   * @defaultValue `'float'`
   */
  variant?: ScoringGraphVariant;
}

/**
 * ONNX opset the graph declares. 17 is supported by every onnxruntime-web since 1.13, and every op
 * used here (Cast, Mul, Gemm, TopK with a `k` input, DynamicQuantizeLinear, MatMulInteger) has had
 * its current semantics since opset 13 or earlier.
 */
export const scoringGraphOpset = 17;

/** IR version 8 is what opset 17 requires (and the newest onnx-proto schema, used to decode in tests, knows). */
const irVersion = 8;

/**
 * Builds the device's scoring graph as serialised ONNX bytes: item scores
 * `score_i = scale_i × Σ_d values[i,d] × user[d]` for every item, then the top `k`.
 *
 * Inputs: `user_vector` float32 [1, dims], `top_k` int64 [1]. Outputs: `scores` float32 [1, k] and
 * `indices` int64 [1, k], best first. The quantised table is stored inside the graph as an int8
 * initializer (plus `item_scales` float32), so a session keeps it resident and nothing proportional
 * to the catalog crosses into the runtime per query.
 *
 * Measured in Node 20 on the 2-core reference machine (other jobs running), onnxruntime-web 1.30
 * wasm, 1 thread, 100k items × 64 dims, top-20, median per query: `'float'` ≈ 1.0 ms, and 11 ms
 * with graph optimisation disabled, which proves ORT folds the Cast/Mul once at session creation
 * (creation then costs ~100–300 ms and the wasm heap holds a 25.6 MB float table); `'int8'` ≈ 2.0–2.2
 * ms with a 6.4 MB resident table and ~20 ms session creation. The pure TypeScript kernel takes
 * ≈ 6.3 ms, a naive float32 loop ≈ 13 ms.
 *
 * The protobuf encoding is hand-written ({@link ProtobufWriter}, no dependency), so the device can
 * rebuild exactly the bytes the cloud published after applying a sync delta; onnx-proto is only used
 * to decode in tests and tools.
 *
 * @example
 * ```ts
 * const bytes = buildScoringGraph(quantizeRows(itemFactors, itemCount, 64));
 * const session = await ort.InferenceSession.create(bytes);
 * ```
 */
export function buildScoringGraph(factors: QuantizedFactors, options: ScoringGraphOptions = {}): Uint8Array {
  const { rows, dims } = factors;
  const variant = options.variant ?? 'float';
  checkQuantizedFactors(factors);
  if (variant !== 'float' && variant !== 'int8') {
    throw new OndeckError('invalid-argument', { name: 'variant', reason: `unknown scoring graph variant "${String(variant)}"` });
  }
  return encodeModel(variant === 'float' ? floatGraph(factors) : int8Graph(factors), variant, rows, dims);
}

/** The table file an {@link ExternalTableScoringGraph} refers to. */
export const EXTERNAL_TABLE_PATH = 'item_table.bin';

/** A scoring graph whose float32 item table lives outside the model bytes. */
export interface ExternalTableScoringGraph {
  /** The ONNX model; its `item_table` initializer ([dims, rows]) points at {@link EXTERNAL_TABLE_PATH}. */
  readonly model: Uint8Array;
  /** What onnxruntime-web's `externalData` session option takes: the dequantised table, transposed. */
  readonly externalData: readonly { readonly path: string; readonly data: Uint8Array }[];
}

/**
 * The `'float'` scoring graph's arithmetic, with the dequantised float32 table handed to the
 * runtime as external data instead of being derived inside the graph. Same scores, bit for bit:
 * each entry is `float32(values[i,d] × scales[i])`, the one correctly rounded product that the
 * graph's `Cast` + `Mul` computes. The table is stored transposed, `[dims, rows]`, so the `Gemm`
 * reads it as is (no `transB`).
 *
 * What changes is memory. onnxruntime folds `Cast` + `Mul` at session creation through two
 * 25.6 MB intermediates (100k × 64) beside the int8 initializer and the model bytes, and then
 * prepacks the folded table for its SGEMM; its wasm heap never shrinks, so it keeps that
 * high-water mark for good: 108 MB measured. Given this graph and `session.disable_prepacking`
 * it holds the table once: 41 MB (of which 16 MB is ORT's initial heap), at the same speed,
 * because a single-row Gemm over an untransposed B gains nothing from prepacking (Node, ORT
 * 1.30, 100k × 64: 1.15–1.25 ms vs 1.0–1.5 ms prepacked). The device builds this from its
 * verified int8 factors for the `wasm` backend; the artefact's `scoring.onnx` stays the
 * self-contained graph any ONNX runtime can load.
 *
 * @example
 * ```ts
 * const { model, externalData } = buildExternalTableScoringGraph(factors);
 * const session = await ort.InferenceSession.create(model, { externalData: [...externalData], extra: { session: { disable_prepacking: '1' } } });
 * ```
 */
export function buildExternalTableScoringGraph(factors: QuantizedFactors): ExternalTableScoringGraph {
  const { rows, dims, values, scales } = factors;
  // Validates shapes exactly as the self-contained graph does.
  checkQuantizedFactors(factors);
  // Transposed: table[d * rows + row].
  const table = new Float32Array(rows * dims);
  for (let row = 0; row < rows; row++) {
    const scale = scales[row];
    for (let d = 0, source = row * dims; d < dims; d++, source++) table[d * rows + row] = values[source] * scale;
  }
  const tableTensor = new ProtobufWriter()
    .packedInt64(TensorField.dims, [dims, rows])
    .uint(TensorField.dataType, DataType.FLOAT)
    .string(TensorField.name, 'item_table')
    .message(TensorField.externalData, stringEntry('location', EXTERNAL_TABLE_PATH))
    .message(TensorField.externalData, stringEntry('offset', '0'))
    .message(TensorField.externalData, stringEntry('length', String(table.byteLength)))
    .uint(TensorField.dataLocation, DATA_LOCATION_EXTERNAL);
  const graph = encodeGraph({
    name: 'ondeck_scoring_float_external',
    dims,
    initializers: [tableTensor],
    nodes: [node('Gemm', [scoringGraphNames.userVector, 'item_table'], ['all_scores']), topKNode('all_scores')],
  });
  return { model: encodeModel(graph, 'float-external', rows, dims), externalData: [{ path: EXTERNAL_TABLE_PATH, data: bytesOf(table) }] };
}

function stringEntry(key: string, value: string): ProtobufWriter {
  return new ProtobufWriter().string(1, key).string(2, value);
}

function encodeModel(graph: ProtobufWriter, variant: string, rows: number, dims: number): Uint8Array {
  // Fields are written in ascending field number (onnx.proto), the canonical order, so these
  // bytes equal what protobufjs / protoc encoders produce for the same model.
  const model = new ProtobufWriter()
    .int64(ModelField.irVersion, irVersion)
    .string(ModelField.producerName, 'ondeck')
    .string(ModelField.producerVersion, '0.1.0')
    .string(ModelField.docString, 'ondeck item scoring: scale_i × (values_i · user_vector), then TopK')
    .message(ModelField.graph, graph)
    .message(ModelField.opsetImport, new ProtobufWriter().string(1, '').int64(2, scoringGraphOpset));
  for (const [key, value] of [
    ['ondeck.variant', variant],
    ['ondeck.items', String(rows)],
    ['ondeck.dims', String(dims)],
  ]) {
    model.message(ModelField.metadataProps, new ProtobufWriter().string(1, key).string(2, value));
  }
  return model.finish();
}

/** Field numbers of onnx.proto (IR version 8) for the messages this graph uses. */
const ModelField = { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 } as const;
const GraphField = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const NodeField = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const AttributeField = { name: 1, i: 3, type: 20 } as const;
const TensorField = { dims: 1, dataType: 2, name: 8, rawData: 9, externalData: 13, dataLocation: 14 } as const;
/** `TensorProto.DataLocation.EXTERNAL`. */
const DATA_LOCATION_EXTERNAL = 1;
/** `TensorProto.DataType` values. */
const DataType = { FLOAT: 1, INT8: 3, INT64: 7 } as const;
/** `AttributeProto.AttributeType.INT`. */
const ATTRIBUTE_INT = 2;

interface GraphParts {
  readonly name: string;
  readonly nodes: readonly ProtobufWriter[];
  readonly initializers: readonly ProtobufWriter[];
  readonly dims: number;
}

function encodeGraph({ name, nodes, initializers, dims }: GraphParts): ProtobufWriter {
  const graph = new ProtobufWriter();
  for (const node of nodes) graph.message(GraphField.node, node);
  graph.string(GraphField.name, name);
  for (const initializer of initializers) graph.message(GraphField.initializer, initializer);
  graph.message(GraphField.input, valueInfo(scoringGraphNames.userVector, DataType.FLOAT, [1, dims]));
  graph.message(GraphField.input, valueInfo(scoringGraphNames.topK, DataType.INT64, [1]));
  graph.message(GraphField.output, valueInfo(scoringGraphNames.scores, DataType.FLOAT, [1, 'k']));
  graph.message(GraphField.output, valueInfo(scoringGraphNames.indices, DataType.INT64, [1, 'k']));
  return graph;
}

function floatGraph({ rows, dims, values, scales }: QuantizedFactors): ProtobufWriter {
  const names = scoringGraphNames;
  return encodeGraph({
    name: 'ondeck_scoring_float',
    dims,
    initializers: [
      tensor('item_values', DataType.INT8, [rows, dims], bytesOf(values)),
      // [rows, 1] so that Mul broadcasts one scale across each row.
      tensor('item_scales', DataType.FLOAT, [rows, 1], bytesOf(scales)),
    ],
    nodes: [
      // Cast + Mul read initializers only: onnxruntime folds them into one float32 constant when the
      // session is created, so dequantisation happens once per model version, not per query.
      node('Cast', ['item_values'], ['item_values_float'], [intAttribute('to', DataType.FLOAT)]),
      node('Mul', ['item_values_float', 'item_scales'], ['item_table']),
      node('Gemm', [names.userVector, 'item_table'], ['all_scores'], [intAttribute('transB', 1)]),
      topKNode('all_scores'),
    ],
  });
}

function int8Graph({ rows, dims, values, scales }: QuantizedFactors): ProtobufWriter {
  const names = scoringGraphNames;
  // MatMulInteger has no transB: store the table as [dims, rows] so B is the right shape as is.
  const transposed = new Int8Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dims; d++) transposed[d * rows + r] = values[r * dims + d];
  }
  return encodeGraph({
    name: 'ondeck_scoring_int8',
    dims,
    initializers: [tensor('item_values_t', DataType.INT8, [dims, rows], bytesOf(transposed)), tensor('item_scales', DataType.FLOAT, [rows], bytesOf(scales))],
    nodes: [
      node('DynamicQuantizeLinear', [names.userVector], ['user_q', 'user_scale', 'user_zero_point']),
      node('MatMulInteger', ['user_q', 'item_values_t', 'user_zero_point'], ['all_dots']),
      node('Cast', ['all_dots'], ['all_dots_float'], [intAttribute('to', DataType.FLOAT)]),
      node('Mul', ['all_dots_float', 'user_scale'], ['all_dots_scaled']),
      node('Mul', ['all_dots_scaled', 'item_scales'], ['all_scores']),
      topKNode('all_scores'),
    ],
  });
}

function topKNode(scoresName: string): ProtobufWriter {
  // largest + sorted; the spec breaks ties by lower index, which the js kernel also does.
  return node(
    'TopK',
    [scoresName, scoringGraphNames.topK],
    [scoringGraphNames.scores, scoringGraphNames.indices],
    [intAttribute('axis', -1), intAttribute('largest', 1), intAttribute('sorted', 1)],
  );
}

function node(opType: string, inputs: string[], outputs: string[], attributes: ProtobufWriter[] = []): ProtobufWriter {
  const encoded = new ProtobufWriter();
  for (const input of inputs) encoded.string(NodeField.input, input);
  for (const output of outputs) encoded.string(NodeField.output, output);
  encoded.string(NodeField.name, `${opType}_${outputs[0]}`).string(NodeField.opType, opType);
  for (const attribute of attributes) encoded.message(NodeField.attribute, attribute);
  return encoded;
}

function intAttribute(name: string, value: number): ProtobufWriter {
  return new ProtobufWriter().string(AttributeField.name, name).int64(AttributeField.i, value).uint(AttributeField.type, ATTRIBUTE_INT);
}

function tensor(name: string, dataType: number, dims: number[], rawData: Uint8Array): ProtobufWriter {
  return new ProtobufWriter().packedInt64(TensorField.dims, dims).uint(TensorField.dataType, dataType).string(TensorField.name, name).bytes(TensorField.rawData, rawData);
}

/** A `ValueInfoProto` with a tensor type: name, then type { tensor_type { elem_type, shape } }. */
function valueInfo(name: string, elemType: number, shape: Array<number | string>): ProtobufWriter {
  const tensorShape = new ProtobufWriter();
  for (const dim of shape) {
    // Dimension: dim_value = 1 (int64) or dim_param = 2 (string).
    tensorShape.message(1, typeof dim === 'number' ? new ProtobufWriter().int64(1, dim) : new ProtobufWriter().string(2, dim));
  }
  const tensorType = new ProtobufWriter().uint(1, elemType).message(2, tensorShape);
  return new ProtobufWriter().string(1, name).message(2, new ProtobufWriter().message(1, tensorType));
}

/**
 * The bytes of a typed array as ONNX `raw_data` (little-endian by the spec; every engine ondeck
 * targets is little-endian, so the native layout is the right one and no copy is made).
 */
function bytesOf(array: Int8Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
