import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { buildScoringGraph } from '../../../models/onnx/buildScoringGraph';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmBackend } from '../../../worker/backends/createWasmBackend';
import { expectSameRanking, plantedGroups, randomFactors, randomUser } from '../../support/scoringFixtures';

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('createWasmBackend', () => {
  const planted = plantedGroups();
  const userAlongB = Float32Array.from(planted.patterns[1]);
  const bItemsByNorm = Array.from({ length: planted.factors.rows }, (_, i) => i)
    .filter((i) => planted.groupOf(i) === 1)
    .sort((a, b) => planted.norms[b] - planted.norms[a]);

  it('answers overlapping queries issued around a reload from the table they were issued against', async () => {
    const factors = randomFactors(2000, 16, 3);
    const second = randomFactors(2000, 16, 4);
    const wasm = createWasmBackend();
    const jsFirst = createJsInt8Backend();
    const jsSecond = createJsInt8Backend();
    await Promise.all([wasm.load({ factors }), jsFirst.load({ factors }), jsSecond.load({ factors: second })]);
    try {
      const users = Array.from({ length: 12 }, (_, i) => randomUser(16, 50 + i));
      // Queries issued before the reload resolves run on the table they were issued against, even
      // though the reload releases that session: every call goes through one promise chain.
      const before = users.map((user) => wasm.topK(user, 10));
      const reload = wasm.load({ factors: second });
      const alsoBefore = users.map((user) => wasm.topK(user, 10));
      const [beforeResults, , alsoBeforeResults] = await Promise.all([Promise.all(before), reload, Promise.all(alsoBefore)]);
      for (let i = 0; i < users.length; i++) {
        const expected = await jsFirst.topK(users[i], 10);
        expectSameRanking(beforeResults[i], expected);
        expectSameRanking(alsoBeforeResults[i], expected);
      }
      const after = await Promise.all(users.map((user) => wasm.topK(user, 10)));
      for (let i = 0; i < users.length; i++) expectSameRanking(after[i], await jsSecond.topK(users[i], 10));
    } finally {
      await wasm.dispose();
    }
  });

  it('runs a graph shipped with the model, including the int8 MatMulInteger variant', async () => {
    const wasm = createWasmBackend();
    try {
      await wasm.load({ factors: planted.factors, onnxModel: buildScoringGraph(planted.factors, { variant: 'int8' }) });
      const result = await wasm.topK(userAlongB, bItemsByNorm.length);
      expect(Array.from(result.indices)).toEqual(bItemsByNorm);
      // The user vector is quantised to uint8 per query, so scores are only close to 2 × norm.
      for (let i = 0; i < bItemsByNorm.length; i++) {
        expect(Math.abs(result.scores[i] - 2 * planted.norms[bItemsByNorm[i]])).toBeLessThan(0.05);
      }
    } finally {
      await wasm.dispose();
    }
  });

  it('refuses a graph built for other dims, and bytes that are not ONNX', async () => {
    const wasm = createWasmBackend();
    const otherDims = randomFactors(21, 12, 1);
    const mismatch = await errorOf(wasm.load({ factors: planted.factors, onnxModel: buildScoringGraph(otherDims) }));
    expect(isOndeckError(mismatch, 'dimension-mismatch')).toBe(true);
    const garbage = await errorOf(wasm.load({ factors: planted.factors, onnxModel: Uint8Array.from([1, 2, 3, 4, 5]) }));
    expect(isOndeckError(garbage, 'backend-unavailable')).toBe(true);
    expect((garbage as { details: { backend: string } }).details.backend).toBe('wasm');
    await wasm.dispose();
  });
});
