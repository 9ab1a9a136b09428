import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../models/errors/OndeckError';
import { quantizeRows } from '../../models/quantize';
import { buildScoringGraph, scoringGraphOpset } from '../../models/onnx/buildScoringGraph';
import { describeOnnxModel } from '../../models/onnx/describeOnnxModel';

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
    expect(() => buildScoringGraph({ ...factors, rows: 0, values: new Int8Array(0), scales: new Float32Array(0) })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
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
