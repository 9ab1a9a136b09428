// The only file in ondeck that touches onnxruntime-web. Everything ORT-specific (entry point, env,
// session lifetime, serialisation of calls) stays here behind the ScoringBackend seam.
import type * as OrtTypes from 'onnxruntime-web';
import type { OrtModule } from './OrtModule';
import { loadOrtFromPackage } from './loadOrtFromPackage';
import { OndeckError, isOndeckError } from '../../models/errors/OndeckError';
import type { ScoringGraphVariant } from '../../models/onnx/buildScoringGraph';
import { scoringGraphNames } from '../../models/onnx/scoringGraphNames';
import { checkQuantizedFactors } from '../../models/scoring/checkQuantizedFactors';
import { checkScoringQuery } from '../../models/scoring/checkScoringQuery';
import { notLoadedError } from '../../models/scoring/notLoadedError';
import type { BackendModel, ScoringBackend, TopKResult } from '../../models/scoring/ScoringBackend';
import { sortedContains } from '../../models/scoring/sortedContains';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * WebAssembly threads for ORT (see `resolveOrtThreads`). More than 1 only works where
   * `crossOriginIsolated` is true, and ORT reads it once, when its wasm is first initialised: the
   * first backend to load in a realm decides for all (the backend's `threads` says what runs).
   * @defaultValue `1`
   */
  numThreads?: number;
  /**
   * Where the self-hosted `ort-wasm-*.wasm/.mjs` files live (ORT's `env.wasm.wasmPaths`); never a
   * CDN. Leave unset in Node, where the package finds its own files.
   * @defaultValue `undefined`
   */
  wasmPaths?: string;
  /**
   * Graph built here when `load()` gets no `onnxModel`. `'float-external'` is the `'float'`
   * arithmetic with the dequantised table passed as external data (see
   * `buildExternalTableScoringGraph`): same scores, about half the wasm heap. Only the float
   * variants give the same rankings as the `js` backend.
   * @defaultValue `'float-external'`
   */
  graphVariant?: ScoringGraphVariant | 'float-external';
  /**
   * How to obtain onnxruntime-web. In a classic worker the engine passes a loader that uses
   * `importScripts` on the self-hosted UMD build; Node uses the package itself.
   * @defaultValue `loadOrtFromPackage` (dynamic import of the npm package)
   */
  runtimeLoader?: () => Promise<OrtModule>;
  /**
   * onnxruntime-web execution provider, which is also the backend's name: `'wasm'` (CPU,
   * WebAssembly SIMD) or `'webgpu'` (the GPU through WebGPU; needs ORT's WebGPU build as the
   * runtime, see `createWebGpuBackend`).
   * @defaultValue `'wasm'`
   */
  executionProvider?: 'wasm' | 'webgpu';
}

type ResolvedWasmOptions = Required<Pick<WasmBackendOptions, 'numThreads' | 'graphVariant' | 'executionProvider'>> & WasmBackendOptions;

const defaultOptions: Readonly<ResolvedWasmOptions> = Object.freeze({ numThreads: 1, graphVariant: 'float-external', executionProvider: 'wasm' });

const { userVector: userVectorName, topK: topKName, scores: scoresName, indices: indicesName } = scoringGraphNames;

let runtimePromise: Promise<OrtModule> | undefined;
/**
 * Threads ORT's wasm was initialised with, once a session exists (ORT lowers `numThreads` to 1 at
 * initialisation where threads cannot run); undefined until then.
 */
let ortThreadsInUse: number | undefined;

/**
 * Loads onnxruntime-web once per realm, only when this backend is actually chosen, so engines
 * that never pick it never download ORT.
 */
function loadRuntime(loader: () => Promise<OrtModule> = loadOrtFromPackage): Promise<OrtModule> {
  runtimePromise ??= loader();
  return runtimePromise;
}

// ORT's wasm instance is shared by every session in the page, and session creation and run() must
// never overlap (they share the wasm heap and its async state): one module-wide promise chain.
let ortQueue: Promise<unknown> = Promise.resolve();
function serialised<T>(task: () => Promise<T>): Promise<T> {
  const result = ortQueue.then(task, task);
  ortQueue = result.catch(() => undefined);
  return result;
}

/**
 * The `wasm` backend: onnxruntime-web's WebAssembly (SIMD) execution provider running a scoring
 * graph. By default it builds the graph from the int8 factors with the dequantised table as
 * external data (`buildExternalTableScoringGraph`: the `'float'` graph's arithmetic at about half
 * the wasm heap); a given `onnxModel` (the artefact's `scoring.onnx`) is run as it is. The table
 * lives inside the ORT session, so a query only sends the user vector and `k` across. 100k × 64
 * top-20 takes about 1 ms per query in Node on the reference machine.
 *
 * Needs WebAssembly SIMD (onnxruntime-web ≥ 1.19 ships nothing else); where that is missing,
 * `load()` fails with `backend-unavailable` and the device falls back to the `js` backend.
 *
 * @example
 * ```ts
 * const backend = createWasmBackend({ wasmPaths: '/ondeck/ort/' });
 * await backend.load({ factors, onnxModel });
 * const { indices, scores } = await backend.topK(userVector, 20, alreadyWatched);
 * ```
 */
export function createWasmBackend(options: WasmBackendOptions = {}): ScoringBackend {
  return new WasmBackend({ ...defaultOptions, ...options });
}

interface LoadedSession {
  readonly session: OrtTypes.InferenceSession;
  readonly runtime: OrtModule;
  readonly rows: number;
  readonly dims: number;
}

class WasmBackend implements ScoringBackend {
  readonly name: 'wasm' | 'webgpu';
  private loaded: LoadedSession | undefined;

  /** Threads ORT's CPU kernels run on in this realm (known once a model is loaded). */
  get threads(): number | undefined {
    return this.loaded ? ortThreadsInUse : undefined;
  }
  private disposed = false;

  constructor(private readonly options: ResolvedWasmOptions) {
    this.name = options.executionProvider;
  }

  async load(model: BackendModel): Promise<void> {
    const { factors } = model;
    checkQuantizedFactors(factors, this.name);
    let graphBytes = model.onnxModel;
    let externalData: { path: string; data: Uint8Array }[] | undefined;
    if (!graphBytes) {
      const { buildScoringGraph, buildExternalTableScoringGraph } = await import('../../models/onnx/buildScoringGraph');
      if (this.options.graphVariant === 'float-external') {
        const built = buildExternalTableScoringGraph(factors);
        graphBytes = built.model;
        externalData = built.externalData.map((file) => ({ path: file.path, data: file.data }));
      } else {
        graphBytes = buildScoringGraph(factors, { variant: this.options.graphVariant });
      }
    }

    const runtime = await loadRuntime(this.options.runtimeLoader).catch((error: unknown) => {
      // Do not cache a failed import: a later load() may succeed (e.g. after a network hiccup).
      runtimePromise = undefined;
      throw unavailable(error, this.name);
    });
    const session = await serialised(async () => {
      // Only before ORT initialises its wasm: afterwards the value is ORT's record of what runs.
      if (ortThreadsInUse === undefined) runtime.env.wasm.numThreads = this.options.numThreads;
      if (this.options.wasmPaths !== undefined) runtime.env.wasm.wasmPaths = this.options.wasmPaths;
      try {
        return await runtime.InferenceSession.create(graphBytes, {
          executionProviders: [this.name],
          // 'all' is what folds the Cast+Mul dequantisation of a self-contained graph into one
          // resident float table (without it every run re-dequantises the whole table: 11 ms vs
          // 1 ms at 100k×64) and prepacks the table for the Gemm.
          graphOptimizationLevel: 'all',
          // The table of the external-table graph: ORT copies it into its heap, so this 25.6 MB
          // (100k × 64) JS buffer is garbage once the session exists. Not prepacked: a second
          // copy of the table for no speed (see buildExternalTableScoringGraph).
          ...(externalData ? { externalData, extra: { session: { disable_prepacking: '1' } } } : {}),
        });
      } catch (error) {
        throw unavailable(error, this.name);
      }
    });
    ortThreadsInUse ??= typeof runtime.env.wasm.numThreads === 'number' ? runtime.env.wasm.numThreads : 1;

    try {
      checkSessionShape(session, factors.dims);
    } catch (error) {
      await serialised(() => session.release()).catch(() => undefined);
      throw error;
    }

    // Swap only once the new session is ready, so a failed load leaves the previous one serving.
    const previous = this.loaded;
    this.loaded = { session, runtime, rows: factors.rows, dims: factors.dims };
    this.disposed = false;
    if (previous) await serialised(() => previous.session.release()).catch(() => undefined);
  }

  async topK(userVector: Float32Array, count: number, exclude?: Int32Array): Promise<TopKResult> {
    const loaded = this.requireLoaded();
    const excludedCount = checkScoringQuery(userVector, count, exclude, loaded);
    // Ask the graph for enough results to survive the exclusions, never more than it has.
    const requested = count === 0 ? 0 : Math.min(count + excludedCount, loaded.rows);
    if (requested === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };

    const { indices, scores } = await this.runGraph(loaded, userVector, requested);
    const outIndices = new Int32Array(Math.min(count, requested));
    const outScores = new Float32Array(outIndices.length);
    let filled = 0;
    for (let i = 0; i < indices.length && filled < outIndices.length; i++) {
      const index = Number(indices[i]);
      if (excludedCount > 0 && sortedContains(exclude!, index)) continue;
      outIndices[filled] = index;
      outScores[filled] = scores[i];
      filled++;
    }
    // Fewer survive only when exclusions eat into a request capped at the item count.
    if (filled === outIndices.length) return { indices: outIndices, scores: outScores };
    return { indices: outIndices.slice(0, filled), scores: outScores.slice(0, filled) };
  }

  async scoreAll(userVector: Float32Array, out: Float32Array): Promise<void> {
    const loaded = this.requireLoaded();
    checkScoringQuery(userVector, 0, undefined, loaded);
    if (out.length !== loaded.rows) {
      throw new OndeckError('dimension-mismatch', { what: 'scoreAll output', expected: loaded.rows, got: out.length });
    }
    // The graph only exposes TopK: asking for every item returns all scores (sorted), which we
    // scatter back by index. A per-call catalog-sized output is acceptable here: scoreAll serves
    // tests, explanations and evaluation, not the recommend() path.
    const { indices, scores } = await this.runGraph(loaded, userVector, loaded.rows);
    for (let i = 0; i < indices.length; i++) out[Number(indices[i])] = scores[i];
  }

  async dispose(): Promise<void> {
    const previous = this.loaded;
    this.loaded = undefined;
    this.disposed = true;
    if (previous) await serialised(() => previous.session.release()).catch(() => undefined);
  }

  private requireLoaded(): LoadedSession {
    if (!this.loaded) throw notLoadedError(this.name, this.disposed);
    return this.loaded;
  }

  private runGraph(loaded: LoadedSession, userVector: Float32Array, k: number): Promise<{ indices: BigInt64Array; scores: Float32Array }> {
    const { runtime, session, dims } = loaded;
    const backend = this.name;
    return serialised(async () => {
      // Only dims floats and one int64 cross into ORT per query; the table is already resident.
      const feeds = {
        [userVectorName]: new runtime.Tensor('float32', userVector, [1, dims]),
        [topKName]: new runtime.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
      };
      let results: OrtTypes.InferenceSession.ReturnType;
      try {
        results = await session.run(feeds);
      } catch (error) {
        throw unavailable(error, backend);
      }
      const indices = results[indicesName].data as BigInt64Array;
      const scores = results[scoresName].data as Float32Array;
      if (indices.length !== k || scores.length !== k) {
        throw new OndeckError('model-corrupt', { reason: `scoring graph returned ${indices.length} results for k=${k}` });
      }
      return { indices, scores };
    });
  }
}

/** Refuses a graph whose inputs/outputs are not the scoring graph's, or whose dims differ. */
function checkSessionShape(session: OrtTypes.InferenceSession, dims: number): void {
  const expectedInputs = [userVectorName, topKName];
  const expectedOutputs = [scoresName, indicesName];
  const hasAll = (names: readonly string[], wanted: string[]) => wanted.every((name) => names.includes(name));
  if (!hasAll(session.inputNames, expectedInputs) || !hasAll(session.outputNames, expectedOutputs)) {
    throw new OndeckError('model-corrupt', {
      reason:
        `scoring graph must have inputs ${expectedInputs.join(', ')} and outputs ${expectedOutputs.join(', ')}; ` +
        `got inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
    });
  }
  const userInput = session.inputMetadata?.find((metadata) => metadata.name === userVectorName);
  const graphDims = userInput && userInput.isTensor ? userInput.shape[1] : undefined;
  if (typeof graphDims === 'number' && graphDims !== dims) {
    throw new OndeckError('dimension-mismatch', { what: 'scoring graph user_vector', expected: dims, got: graphDims });
  }
}

function unavailable(error: unknown, backend: 'wasm' | 'webgpu'): OndeckError {
  if (isOndeckError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new OndeckError('backend-unavailable', { backend, reason });
}
