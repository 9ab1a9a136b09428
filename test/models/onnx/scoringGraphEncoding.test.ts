import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { buildScoringGraph } from '../../../models/onnx/buildScoringGraph';
import { describeOnnxModel } from '../../../models/onnx/describeOnnxModel';
import { ProtobufWriter } from '../../../models/onnx/ProtobufWriter';
import { quantizeRows } from '../../../models/quantize';
import { DEFAULT_MIN_SDK_VERSION } from '../../../models/node/sync/publishModel';

const { onnx } = onnxProto;
const rows = 7;
const dims = 5;
const factors = quantizeRows(
  Float32Array.from({ length: rows * dims }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 3))),
  rows,
  dims,
);

describe('scoring graph encoding (hand-written protobuf)', () => {
  it('gives exactly the bytes onnx-proto (protobufjs) produced for the same graph', () => {
    // SHA-256 of the onnx-proto encoder's output for this table, recorded before it was replaced.
    const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
    const float = buildScoringGraph(factors);
    const int8 = buildScoringGraph(factors, { variant: 'int8' });
    expect([float.byteLength, sha(float)]).toEqual([725, '5594cfe529cc7e23dd8e8c4a5d6f23a1e7313f8aabbcc5bb34ffec72c4b29f2c']);
    expect([int8.byteLength, sha(int8)]).toEqual([905, 'f1812501f7486e1dc2378093d67ef48113033994b4dc76881d45234ee0da60d8']);
  });

  it('is canonical protobuf: onnx-proto decodes it and re-encodes the same bytes', () => {
    for (const variant of ['float', 'int8'] as const) {
      const bytes = buildScoringGraph(factors, { variant });
      const decoded = onnx.ModelProto.decode(bytes);
      expect(Buffer.compare(onnx.ModelProto.encode(decoded).finish(), bytes)).toBe(0);
      const topK = (decoded.graph?.node ?? []).find((node) => node.opType === 'TopK');
      expect((topK?.attribute ?? []).map((attribute) => [attribute.name, Number(attribute.i)])).toEqual([
        ['axis', -1],
        ['largest', 1],
        ['sorted', 1],
      ]);
    }
    expect(describeOnnxModel(buildScoringGraph(factors)).initializers.map((tensor) => tensor.dims)).toEqual([
      [rows, dims],
      [rows, 1],
    ]);
  });

  it('writes varints and negative int64 as the protobuf spec does', () => {
    const hex = (writer: ProtobufWriter): string => Buffer.from(writer.finish()).toString('hex');
    expect(hex(new ProtobufWriter().uint(1, 300))).toBe('08ac02');
    expect(hex(new ProtobufWriter().int64(1, -1))).toBe('08ffffffffffffffffff01');
    expect(hex(new ProtobufWriter().int64(1, -2))).toBe('08feffffffffffffffff01');
    expect(hex(new ProtobufWriter().int64(1, 2 ** 35))).toBe('088080808080' + '01');
    expect(hex(new ProtobufWriter().string(2, 'hi').packedInt64(3, [1, 150]))).toBe('12026869' + '1a03' + '019601');
    const nested = new ProtobufWriter().uint(1, 1);
    expect(hex(new ProtobufWriter().message(4, nested))).toBe('22020801');
  });

  it('publishes for the SDK version package.json declares', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(DEFAULT_MIN_SDK_VERSION).toBe(pkg.version);
  });
});
