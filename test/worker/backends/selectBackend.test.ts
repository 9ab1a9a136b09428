import { describe, expect, it } from 'vitest';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmInt8Backend, type WasmInt8Backend, type WasmInt8BackendOptions } from '../../../models/scoring/createWasmInt8Backend';
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

describe('selectBackend: the wasm-int8 kernel', () => {
  /** A wasm-int8 factory whose build does not compile, as under a CSP without 'wasm-unsafe-eval'. */
  const brokenKernel = (options: WasmInt8BackendOptions) => createWasmInt8Backend({ ...options, binary: Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff) });

  it("backend 'wasm-int8' runs the SIMD build where the engine has SIMD, the MVP build elsewhere, and says so", async () => {
    for (const [wasmSimd, flavour, build] of [
      [true, 'simd', 'SIMD build'],
      [false, 'mvp', 'MVP build'],
    ] as const) {
      const selection = await selectBackend(model, { preference: 'wasm-int8', wasmSimd, ortRuntimeLoader: () => Promise.reject(new Error('ORT must not load')) });
      expect(selection.backend.name).toBe('wasm-int8');
      expect((selection.backend as WasmInt8Backend).flavour).toBe(flavour);
      expect(selection.reason).toBe(`wasm-int8: requested; WebAssembly int8 kernel, ${build} (exact: the js kernel's rankings); screening on 1 thread`);
      expect(selection.attempts.map((attempt) => [attempt.backend, attempt.ok])).toEqual([['wasm-int8', true]]);
      await selection.backend.dispose();
    }
  });

  it('auto without WebAssembly SIMD runs the MVP kernel, downloads no ORT, and ranks as js does', async () => {
    let ortLoads = 0;
    const selection = await selectBackend(model, {
      wasmSimd: false,
      ortRuntimeLoader: () => (ortLoads++, loadOrtFromPackage()),
      findWebGpuAdapter: async () => 'never asked',
      ortWebGpuRuntimeLoader: loadOrtFromPackage,
    });
    expect(selection.backend.name).toBe('wasm-int8');
    expect((selection.backend as WasmInt8Backend).flavour).toBe('mvp');
    expect(ortLoads).toBe(0);
    expect(selection.attempts.map((attempt) => [attempt.backend, attempt.ok])).toEqual([
      ['wasm', false],
      ['wasm-int8', true],
    ]);
    expect(selection.reason).toMatch(/^wasm-int8: no WebAssembly SIMD here, so no onnxruntime-web; WebAssembly int8 kernel, MVP build/);
    const js = createJsInt8Backend();
    await js.load(model);
    const user = Float32Array.from({ length: model.factors.dims }, (_, d) => Math.sin(d + 1));
    const expected = await js.topK(user, 25, Int32Array.of(3, 7));
    const actual = await selection.backend.topK(user, 25, Int32Array.of(3, 7));
    expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(actual.scores)).toEqual(Array.from(expected.scores));
    await selection.backend.dispose();
  });

  it('auto with WebAssembly SIMD keeps onnxruntime-web and never tries the int8 kernel', async () => {
    let int8Tries = 0;
    const selection = await selectBackend(model, { wasmSimd: true, createWasmInt8Backend: (options) => (int8Tries++, createWasmInt8Backend(options)) });
    expect(selection.backend.name).toBe('wasm');
    expect(int8Tries).toBe(0);
    await selection.backend.dispose();
  });

  it('falls back to js with the reason when the kernel does not compile, asked for or chosen by auto', async () => {
    const asked = await selectBackend(model, { preference: 'wasm-int8', wasmSimd: true, createWasmInt8Backend: brokenKernel });
    expect(asked.backend.name).toBe('js');
    expect(asked.attempts.map((attempt) => [attempt.backend, attempt.ok])).toEqual([
      ['wasm-int8', false],
      ['js', true],
    ]);
    expect(asked.attempts[0].reason).toMatch(/^the simd int8 kernel failed: the simd kernel does not compile: CompileError/);
    expect(asked.reason).toMatch(/^js: wasm-int8 unavailable \(the simd int8 kernel failed: .*\); screening on 1 thread$/);
    const auto = await selectBackend(model, { wasmSimd: false, createWasmInt8Backend: brokenKernel });
    expect(auto.backend.name).toBe('js');
    expect(auto.attempts.map((attempt) => [attempt.backend, attempt.ok])).toEqual([
      ['wasm', false],
      ['wasm-int8', false],
      ['js', true],
    ]);
    expect(auto.reason).toMatch(/^js: wasm unavailable \(no WebAssembly SIMD on this engine \(ORT needs it\)\); wasm-int8 unavailable \(the mvp int8 kernel failed: /);
  });

  it("backend 'js' never compiles the int8 kernel", async () => {
    let int8Tries = 0;
    const selection = await selectBackend(model, { preference: 'js', wasmSimd: false, createWasmInt8Backend: (options) => (int8Tries++, createWasmInt8Backend(options)) });
    expect(selection.backend.name).toBe('js');
    expect(int8Tries).toBe(0);
  });
});
