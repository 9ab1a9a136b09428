import type { OrtModule } from './OrtModule';
import { OndeckError } from '../../models/errors/OndeckError';

declare const self: { importScripts?: (...urls: string[]) => void; ort?: OrtModule };

/**
 * A runtime loader for the engine's classic worker: loads ORT's self-hosted UMD build
 * (`ort.wasm.min.js`, 50 KB) with `importScripts`, only once the capability checks chose the
 * `wasm` backend, so engines without WebAssembly SIMD never fetch it (nor its 14 MB wasm).
 *
 * @param baseUrl directory holding `ort.wasm.min.js` and the `ort-wasm-simd-threaded.*` files.
 */
export function loadOrtInClassicWorker(baseUrl: string): () => Promise<OrtModule> {
  return () => {
    try {
      if (!self.ort) {
        if (typeof self.importScripts !== 'function') throw new Error('importScripts is not available (not a classic worker)');
        self.importScripts(`${baseUrl}ort.wasm.min.js`);
      }
      const ort = self.ort;
      if (!ort) throw new Error('ort.wasm.min.js did not define the ort global');
      ort.env.wasm.wasmPaths = baseUrl;
      return Promise.resolve(ort);
    } catch (error) {
      return Promise.reject(new OndeckError('backend-unavailable', { backend: 'wasm', reason: error instanceof Error ? error.message : String(error) }));
    }
  };
}
