import type { OrtModule } from './OrtModule';
import { OndeckError } from '../../models/errors/OndeckError';

declare const self: { importScripts?: (...urls: string[]) => void; ort?: OrtModule };

/** Which of ORT's UMD builds to load: the CPU-only one, or the one with the WebGPU provider too. */
export type OrtBuild = 'wasm' | 'webgpu';

/** The UMD script of each build; its wasm (`ort-wasm-simd-threaded[.asyncify].wasm`) sits beside it. */
const ORT_SCRIPTS: Readonly<Record<OrtBuild, string>> = { wasm: 'ort.wasm.min.js', webgpu: 'ort.webgpu.min.js' };

/**
 * A runtime loader for the engine's classic worker: loads ORT's self-hosted UMD build with
 * `importScripts`, only once the capability checks chose an ORT backend, so engines without
 * WebAssembly SIMD never fetch it (nor its wasm): `ort.wasm.min.js` (50 KB + 14 MB wasm) for the
 * `wasm` backend, `ort.webgpu.min.js` (66 KB + 27 MB wasm) only where a WebGPU adapter exists.
 * ORT is one global per worker: whichever build loads first serves both providers it has (the
 * WebGPU build runs `wasm` sessions too).
 *
 * @param baseUrl directory holding the ORT scripts and the `ort-wasm-simd-threaded.*` files.
 * @example
 * ```ts
 * const loader = loadOrtInClassicWorker('/ondeck/ort/', 'webgpu');
 * ```
 */
export function loadOrtInClassicWorker(baseUrl: string, build: OrtBuild = 'wasm'): () => Promise<OrtModule> {
  return () => {
    try {
      if (!self.ort) {
        if (typeof self.importScripts !== 'function') throw new Error('importScripts is not available (not a classic worker)');
        self.importScripts(`${baseUrl}${ORT_SCRIPTS[build]}`);
      }
      const ort = self.ort;
      if (!ort) throw new Error(`${ORT_SCRIPTS[build]} did not define the ort global`);
      ort.env.wasm.wasmPaths = baseUrl;
      return Promise.resolve(ort);
    } catch (error) {
      return Promise.reject(new OndeckError('backend-unavailable', { backend: build, reason: error instanceof Error ? error.message : String(error) }));
    }
  };
}
