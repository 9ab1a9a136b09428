import type { EngineProbes } from '../../models/contract/types';
import { supportsWasmSimd } from './supportsWasmSimd';

/** The slice of a worker's global scope the probes read (absent members are `undefined`). */
interface ProbedRealm {
  readonly WebAssembly?: unknown;
  readonly SharedArrayBuffer?: unknown;
  readonly crossOriginIsolated?: boolean;
  readonly Worker?: unknown;
  readonly indexedDB?: unknown;
  readonly DecompressionStream?: unknown;
  readonly crypto?: { readonly subtle?: unknown };
  readonly navigator?: { readonly hardwareConcurrency?: number };
}

/**
 * What this engine offers ondeck, read once in the engine's worker: the facts that choose the
 * scoring backend (WebAssembly and its SIMD for ORT, shared memory and isolation for its threads,
 * nested workers for the js kernel's helper, WebGPU) and the ones that choose the sync and
 * storage paths. Reported as `status().engineProbes`, so a TV's support log shows why it runs
 * what it runs. Nothing is downloaded to find out.
 *
 * @example
 * ```ts
 * probeEngine(); // { webAssembly: true, webAssemblySimd: false, …, cores: 4 } on webOS 22
 * ```
 */
export function probeEngine(realm: unknown = globalThis): EngineProbes {
  const scope = realm as ProbedRealm;
  return {
    webAssembly: typeof scope.WebAssembly === 'object' && scope.WebAssembly !== null,
    webAssemblySimd: supportsWasmSimd(),
    sharedArrayBuffer: typeof scope.SharedArrayBuffer === 'function',
    crossOriginIsolated: scope.crossOriginIsolated === true,
    nestedWorkers: typeof scope.Worker === 'function',
    // `in`, not a read: reading navigator.gpu creates the GPU object, which is not free; the
    // backend choice asks for an adapter later, in the background, only where it may pay.
    webGpu: typeof scope.navigator === 'object' && scope.navigator !== null && 'gpu' in scope.navigator,
    indexedDb: typeof scope.indexedDB === 'object' && scope.indexedDB !== null,
    decompressionStream: typeof scope.DecompressionStream === 'function',
    subtleCrypto: typeof scope.crypto?.subtle === 'object' && scope.crypto.subtle !== null,
    cores: typeof scope.navigator?.hardwareConcurrency === 'number' ? scope.navigator.hardwareConcurrency : 1,
  };
}
