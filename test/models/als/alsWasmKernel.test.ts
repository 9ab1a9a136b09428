import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { trainAls, type AlsEpochProgress } from '../../../models/node/als/trainAls';
import { DEFAULT_ALS_HYPERPARAMETERS } from '../../../models/als/AlsHyperparameters';
import { compileAlsKernel } from '../../../models/als/compileAlsKernel';
import { createAlsSharedState, fitsWasmMemory } from '../../../models/als/createAlsSharedState';
import { InProcessAlsExecutor } from '../../../models/als/InProcessAlsExecutor';
import { createRowScratch } from '../../../models/als/RowSystem';
import { solveRowExact } from '../../../models/als/solveRowExact';
import { transposeMatrix, type InteractionMatrix } from '../../../models/data/InteractionMatrix';
import { gramian } from '../../../models/linalg/gramian';
import { SeededRandom } from '../../../models/random';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { plantedBlocks } from '../../support/plantedBlocks';

const workerScript = join(import.meta.dirname, '../../../dist/alsThreadWorker.js');
const planted = plantedBlocks({ blocks: 4, usersPerBlock: 60, itemsPerBlock: 40, density: 0.25, seed: 7 });

/** Largest |a − b| relative to the largest |b|. */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / scale;
}

/** Random users × items matrix with `perUser` distinct items per user and weights 1..4. */
function randomMatrix(users: number, items: number, perUser: number, seed: number): InteractionMatrix {
  const random = new SeededRandom(seed);
  const indptr = new Int32Array(users + 1);
  const indices: number[] = [];
  const weights: number[] = [];
  for (let u = 0; u < users; u++) {
    const chosen = new Set<number>();
    while (chosen.size < perUser) chosen.add(random.nextInt(items));
    for (const item of [...chosen].sort((a, b) => a - b)) {
      indices.push(item);
      weights.push(1 + random.nextInt(4));
    }
    indptr[u + 1] = indices.length;
  }
  return {
    userIds: Array.from({ length: users }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
    indptr,
    indices: Int32Array.from(indices),
    weights: Float32Array.from(weights),
  };
}

describe('WebAssembly ALS kernel', () => {
  it('is the default where it runs, and the TypeScript kernel can still be asked for', async () => {
    const seen: AlsEpochProgress[] = [];
    await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 1, onEpoch: (p) => seen.push(p) });
    await trainAls(planted.matrix, { hyper: { factors: 8 }, epochs: 1, kernel: 'js', onEpoch: (p) => seen.push(p) });
    expect(seen.map((p) => p.kernel)).toEqual(['wasm', 'js']);
    const error = await trainAls(planted.matrix, { epochs: 1, kernel: 'gpu' as never }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
  });

  it.each([8, 20, 37])('trains the same model as the TypeScript kernel (%i factors, padded lanes included)', async (factors) => {
    const wasm = await trainAls(planted.matrix, { hyper: { factors }, epochs: 2, seed: 4, kernel: 'wasm' });
    const js = await trainAls(planted.matrix, { hyper: { factors }, epochs: 2, seed: 4, kernel: 'js' });
    // f32 against f64 arithmetic: observed ~1e-5 after two epochs.
    expect(relativeDifference(wasm.userFactors, js.userFactors)).toBeLessThan(1e-4);
    expect(relativeDifference(wasm.itemFactors, js.itemFactors)).toBeLessThan(1e-4);
    for (let e = 0; e < 2; e++) expect(Math.abs(wasm.lossHistory[e] - js.lossHistory[e]) / js.lossHistory[e]).toBeLessThan(1e-5);
  });

  it('converges to the exact (Cholesky) row solution given enough CG steps', async () => {
    const dims = 13;
    const matrix = randomMatrix(50, 300, 25, 3);
    const hyper = { ...DEFAULT_ALS_HYPERPARAMETERS, factors: dims };
    const state = createAlsSharedState(matrix, transposeMatrix(matrix), {
      hyper,
      solver: 'cg',
      cgSteps: 40,
      threads: 1,
      wasmModule: await compileAlsKernel(),
    });
    const random = new SeededRandom(9);
    for (let i = 0; i < state.itemFactors.length; i++) state.itemFactors[i] = random.nextGaussian() * 0.3;
    const executor = new InProcessAlsExecutor(state);
    await executor.gramian('items');
    await executor.solve('users');
    const exact = new Float32Array(dims);
    const scratch = createRowScratch(dims);
    for (let u = 0; u < 50; u++) {
      solveRowExact(matrix.indices, matrix.weights, matrix.indptr[u], matrix.indptr[u + 1], state.itemFactors, 300, state.gramian, dims, hyper, scratch, exact, 0);
      expect(relativeDifference(state.userFactors.subarray(u * dims, (u + 1) * dims), exact)).toBeLessThan(1e-4);
    }
  });

  it('computes the Gramian of a ragged table (two blocks, partial chunks) like the TypeScript one', async () => {
    const dims = 37;
    const users = 4096 + 77;
    const matrix = randomMatrix(users, 10, 1, 5);
    const hyper = { ...DEFAULT_ALS_HYPERPARAMETERS, factors: dims };
    const state = createAlsSharedState(matrix, transposeMatrix(matrix), {
      hyper,
      solver: 'cg',
      cgSteps: 3,
      threads: 1,
      wasmModule: await compileAlsKernel(),
    });
    const random = new SeededRandom(11);
    for (let i = 0; i < state.userFactors.length; i++) state.userFactors[i] = random.nextGaussian();
    await new InProcessAlsExecutor(state).gramian('users');
    const expected = gramian(state.userFactors, users, dims);
    for (let i = 0; i < dims * dims; i++) expect(state.gramian[i]).toBeCloseTo(expected[i], 8);
    // The f32 copy the CG solve reads is α₀ G, zero-padded to 48 × 48.
    const padded = state.wasm!.scaledGramian;
    expect(padded[5 * 48 + 7]).toBeCloseTo(Math.fround(hyper.unobservedWeight * expected[5 * dims + 7]), 3);
    expect(padded[5 * 48 + 40]).toBe(0);
    expect(padded[40 * 48 + 5]).toBe(0);
  });

  it.each(['cg', 'cholesky'] as const)('gives bit-identical factors and losses on 2 threads and on 1 (%s, 20 factors)', async (solver) => {
    const options = { hyper: { factors: 20 }, epochs: 2, seed: 8, solver, kernel: 'wasm' as const };
    const single = await trainAls(planted.matrix, options);
    const threaded = await trainAls(planted.matrix, { ...options, threads: 2, workerScript });
    expect(Buffer.from(threaded.userFactors.buffer).equals(Buffer.from(single.userFactors.buffer))).toBe(true);
    expect(Buffer.from(threaded.itemFactors.buffer).equals(Buffer.from(single.itemFactors.buffer))).toBe(true);
    expect(threaded.lossHistory).toEqual(single.lossHistory);
  });

  it('knows when a problem outgrows a 4 GiB memory', () => {
    expect(fitsWasmMemory(300_000, 50_000, 10_000_000, 128, 2)).toBe(true);
    expect(fitsWasmMemory(3_000_000, 100_000, 400_000_000, 64, 2)).toBe(false);
  });
});
