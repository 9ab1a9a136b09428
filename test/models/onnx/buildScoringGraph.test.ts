import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { quantizeRows } from '../../../models/quantize';
import { buildExternalTableScoringGraph, buildScoringGraph, EXTERNAL_TABLE_PATH, scoringGraphOpset } from '../../../models/onnx/buildScoringGraph';
import { describeOnnxModel } from '../../../models/onnx/describeOnnxModel';

// 5 items × 3 dims, hand-made.
const factors = quantizeRows(Float32Array.from([1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 1, 1, -1, 2, 0.5]), 5, 3);

describe('buildScoringGraph', () => {
  it('encodes a float scoring graph with the expected interface, opset and resident int8 table', () => {
    const summary = describeOnnxModel(buildScoringGraph(factors));
    expect(scoringGraphOpset).toBe(17);
    expect(summary.opsets).toEqual({ '': 17 });
    expect(summary.irVersion).toBe(8);
    expect(summary.producerName).toBe('ondeck');
    expect(summary.inputs).toEqual([
      { name: 'user_vector', elementType: 'FLOAT', shape: [1, 3] },
      { name: 'top_k', elementType: 'INT64', shape: [1] },
    ]);
    expect(summary.outputs).toEqual([
      { name: 'scores', elementType: 'FLOAT', shape: [1, 'k'] },
      { name: 'indices', elementType: 'INT64', shape: [1, 'k'] },
    ]);
    expect(summary.initializers).toEqual([
      { name: 'item_values', elementType: 'INT8', dims: [5, 3], rawBytes: 15 },
      { name: 'item_scales', elementType: 'FLOAT', dims: [5, 1], rawBytes: 20 },
    ]);
    expect(summary.operators).toEqual(['Cast', 'Mul', 'Gemm', 'TopK']);
    expect(summary.metadata).toEqual({ 'ondeck.variant': 'float', 'ondeck.items': '5', 'ondeck.dims': '3' });
  });

  it('builds the external-table graph: same interface, the dequantised table transposed outside the model', async () => {
    const { model, externalData } = buildExternalTableScoringGraph(factors);
    const summary = describeOnnxModel(model);
    expect(summary.inputs.map((input) => input.name)).toEqual(['user_vector', 'top_k']);
    expect(summary.outputs.map((output) => output.name)).toEqual(['scores', 'indices']);
    expect(summary.operators).toEqual(['Gemm', 'TopK']);
    expect(summary.initializers).toEqual([{ name: 'item_table', elementType: 'FLOAT', dims: [3, 5], rawBytes: 0 }]);
    expect(summary.metadata['ondeck.variant']).toBe('float-external');
    expect(externalData.map((file) => file.path)).toEqual([EXTERNAL_TABLE_PATH]);
    const table = new Float32Array(externalData[0].data.slice().buffer);
    // Entry [d, row] is the float32 product Cast + Mul would compute: fround(value × scale).
    for (let row = 0; row < 5; row++) {
      for (let d = 0; d < 3; d++) expect(table[d * 5 + row]).toBe(Math.fround(factors.values[row * 3 + d] * factors.scales[row]));
    }
    // And onnxruntime scores it exactly as it scores the self-contained graph.
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const feeds = () => ({ user_vector: new ort.Tensor('float32', Float32Array.from([0.3, -1.2, 2]), [1, 3]), top_k: new ort.Tensor('int64', BigInt64Array.of(5n), [1]) });
    const external = await ort.InferenceSession.create(model, { externalData: [...externalData] });
    const selfContained = await ort.InferenceSession.create(buildScoringGraph(factors));
    const [a, b] = [await external.run(feeds()), await selfContained.run(feeds())];
    expect(Array.from(a.indices.data as BigInt64Array)).toEqual(Array.from(b.indices.data as BigInt64Array));
    expect(Array.from(a.scores.data as Float32Array)).toEqual(Array.from(b.scores.data as Float32Array));
    await external.release();
    await selfContained.release();
  });

  it('stores the int8 values and scales byte for byte', () => {
    const bytes = buildScoringGraph(factors);
    // The raw int8 table appears verbatim inside the encoded model.
    const needle = new Uint8Array(factors.values.buffer);
    const haystack = Buffer.from(bytes);
    expect(haystack.indexOf(Buffer.from(needle))).toBeGreaterThan(0);
    expect(haystack.indexOf(Buffer.from(new Uint8Array(factors.scales.buffer)))).toBeGreaterThan(0);
  });

  it('encodes the int8 variant with a transposed table and MatMulInteger', () => {
    const summary = describeOnnxModel(buildScoringGraph(factors, { variant: 'int8' }));
    expect(summary.inputs.map((input) => input.name)).toEqual(['user_vector', 'top_k']);
    expect(summary.outputs.map((output) => output.name)).toEqual(['scores', 'indices']);
    expect(summary.initializers.map((tensor) => [tensor.name, tensor.elementType, tensor.dims])).toEqual([
      ['item_values_t', 'INT8', [3, 5]],
      ['item_scales', 'FLOAT', [5]],
    ]);
    expect(summary.operators).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul', 'TopK']);
    expect(summary.metadata['ondeck.variant']).toBe('int8');
  });

  it('refuses inconsistent factors and unknown variants', () => {
    const broken = { ...factors, scales: new Float32Array(4) };
    expect(() => buildScoringGraph(broken)).toThrow(expect.objectContaining({ code: 'dimension-mismatch' }));
    expect(() => buildScoringGraph({ ...factors, rows: 0, values: new Int8Array(0), scales: new Float32Array(0) })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => buildScoringGraph(factors, { variant: 'fp16' as never })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('describeOnnxModel', () => {
  it('reports bytes that are not an ONNX model as model-corrupt', () => {
    let caught: unknown;
    try {
      describeOnnxModel(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));
    } catch (error) {
      caught = error;
    }
    expect(isOndeckError(caught, 'model-corrupt')).toBe(true);
  });
});
