import { describe, expect, it } from 'vitest';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { measureTopK } from '../../../worker/backends/measureTopK';
import { selectBackend } from '../../../worker/backends/selectBackend';
import { loadOrtFromPackage } from '../../../worker/backends/loadOrtFromPackage';
import { randomFactors } from '../../support/scoringFixtures';

// Node has WebAssembly SIMD and onnxruntime-web's CPU provider, but no WebGPU: the webgpu tier's
// success path is proven in Chromium (test/browser/webgpu.browser.test.ts); here, every way it is
// skipped or fails, and that a failure never costs the wasm tier.
const model = { factors: randomFactors(500, 8, 3) };

describe('selectBackend', () => {
  it('auto without a WebGPU adapter records why and picks wasm, without loading the WebGPU build', async () => {
    let webGpuLoads = 0;
    const selection = await selectBackend(model, {
      ortWebGpuRuntimeLoader: () => {
        webGpuLoads++;
        return loadOrtFromPackage();
      },
      findWebGpuAdapter: async () => undefined,
    });
    expect(selection.backend.name).toBe('wasm');
    expect(webGpuLoads).toBe(0);
    expect(selection.attempts.map((attempt) => [attempt.backend, attempt.ok])).toEqual([
      ['webgpu', false],
      ['wasm', true],
    ]);
    expect(selection.attempts[0].reason).toBe('no WebGPU adapter on this engine');
    await selection.backend.dispose();
  });

  it('auto with an adapter whose WebGPU session cannot start falls back to wasm and says why', async () => {
    const selection = await selectBackend(model, { ortWebGpuRuntimeLoader: loadOrtFromPackage, findWebGpuAdapter: async () => 'test adapter' });
    expect(selection.backend.name).toBe('wasm');
    const webgpu = selection.attempts.find((attempt) => attempt.backend === 'webgpu')!;
    expect(webgpu.ok).toBe(false);
    expect(webgpu.reason).toMatch(/^onnxruntime-web failed to initialise/);
    expect(selection.reason).toBe('wasm: onnxruntime-web with WebAssembly SIMD, 1 thread');
    await selection.backend.dispose();
  });

  it('forced wasm never asks for an adapter; forced js loads no ORT at all', async () => {
    let asked = 0;
    const wasm = await selectBackend(model, { preference: 'wasm', findWebGpuAdapter: async () => (asked++, 'test adapter'), ortWebGpuRuntimeLoader: loadOrtFromPackage });
    expect(wasm.backend.name).toBe('wasm');
    expect(asked).toBe(0);
    expect(wasm.attempts.map((attempt) => attempt.backend)).toEqual(['wasm']);
    await wasm.backend.dispose();
    const js = await selectBackend(model, { preference: 'js', findWebGpuAdapter: async () => (asked++, 'test adapter') });
    expect(js.backend.name).toBe('js');
    expect(js.attempts).toEqual([{ backend: 'js', ok: true, reason: 'TypeScript int8 kernel (runs everywhere)' }]);
    expect(asked).toBe(0);
  });

  it('forced webgpu where it cannot run ends on the next tier, with both reasons', async () => {
    const selection = await selectBackend(model, { preference: 'webgpu', findWebGpuAdapter: async () => undefined, ortWebGpuRuntimeLoader: loadOrtFromPackage });
    expect(selection.backend.name).toBe('wasm');
    expect(selection.attempts[0]).toEqual({ backend: 'webgpu', ok: false, reason: 'no WebGPU adapter on this engine' });
    await selection.backend.dispose();
  });
});

describe('measureTopK', () => {
  it('averages enough calls to beat a coarse clock, and times the same query each call', async () => {
    const backend = createJsInt8Backend();
    await backend.load(model);
    const queries: string[] = [];
    const spy = {
      name: 'js' as const,
      load: backend.load.bind(backend),
      dispose: backend.dispose.bind(backend),
      scoreAll: backend.scoreAll.bind(backend),
      topK: (query: Float32Array, count: number) => (queries.push(Array.from(query).join()), backend.topK(query, count)),
    };
    const ms = await measureTopK(spy, 8, { minimumMs: 5, minimumRuns: 5, maximumRuns: 40 });
    expect(ms).toBeGreaterThan(0);
    // Two warm-up calls plus at least five timed ones, never more than the cap.
    expect(queries.length).toBeGreaterThanOrEqual(7);
    expect(queries.length).toBeLessThanOrEqual(42);
    expect(new Set(queries).size).toBe(1);
  });
});
