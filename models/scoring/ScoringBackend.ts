import type { QuantizedFactors } from '../quantize';

/**
 * The scoring backends: onnxruntime-web on the CPU (`wasm`) or the GPU (`webgpu`), the
 * WebAssembly int8 kernel (`wasm-int8`: `createWasmInt8Backend`, the default on engines without
 * WebAssembly SIMD, where ORT cannot run) and the TypeScript int8 kernel (`js`, which runs
 * everywhere). `worker/backends/selectBackend.ts` says which the device prefers where.
 */
export type BackendName = 'wasm' | 'webgpu' | 'wasm-int8' | 'js';

/** What a backend keeps resident: the quantised item table and, optionally, its ONNX graph. */
export interface BackendModel {
  /** The int8 item table. Backends keep a reference, not a copy: do not mutate it after `load()`. */
  readonly factors: QuantizedFactors;
  /**
   * The scoring graph shipped with the artefact (from `buildScoringGraph`). ORT-based backends build
   * it from `factors` when absent; the `js` backend ignores it.
   */
  readonly onnxModel?: Uint8Array;
}

/** The best items for one query, best first (ties: lower item index first). */
export interface TopKResult {
  /** Item indices (rows of the factor table). */
  readonly indices: Int32Array;
  /** Their scores, `scale_i × (values_i · userVector)`, descending. */
  readonly scores: Float32Array;
}

/**
 * The seam every scoring backend implements: keep one item table resident, score a viewer's vector
 * against all of it, return the best items. Every backend gives the same rankings (identical top-K
 * up to ties within 1e-5 relative score), so the device can pick whichever runs fastest.
 *
 * Contract shared by all backends (tested in `test/worker/backends/scoringBackends.contract.test.ts`):
 * - `userVector.length` must equal the table's `dims` (`dimension-mismatch`), every value finite
 *   (`invalid-argument`).
 * - `count` is a non-negative integer; `0` returns empty arrays; more than the items left after
 *   exclusions returns all of them.
 * - `exclude` holds item indices in `[0, items)`, sorted ascending (duplicates allowed); anything
 *   else is `invalid-argument`.
 * - Before `load()` or after `dispose()`, queries fail with `backend-unavailable`. A failed `load()`
 *   leaves the previous table in service.
 *
 * @example
 * ```ts
 * const backend: ScoringBackend = createJsInt8Backend();
 * await backend.load({ factors });
 * const { indices, scores } = await backend.topK(userVector, 20, watchedSortedIndices);
 * ```
 */
export interface ScoringBackend {
  readonly name: BackendName;
  /**
   * CPU threads a query runs on now, where the backend can use more than one (ORT's `wasm`; the
   * int8 kernels, `js` and `wasm-int8`, once their helper workers hold the table); undefined for
   * single-threaded backends.
   */
  readonly threads?: number;
  /** Loads (or replaces) the resident item table; called once per model version. */
  load(model: BackendModel): Promise<void>;
  /**
   * Optional: builds what the first query would otherwise build (indexes over the table), so a
   * caller can do it in an idle task instead of inside the first query.
   */
  prepare?(): void;
  /** Top `count` items for `userVector`, skipping `exclude` (sorted ascending item indices). */
  topK(userVector: Float32Array, count: number, exclude?: Int32Array): Promise<TopKResult>;
  /** Scores every item into `out` (length = item count), for tests, explanations and evaluation. */
  scoreAll(userVector: Float32Array, out: Float32Array): Promise<void>;
  /** Releases the resident table (and any runtime session). */
  dispose(): Promise<void>;
}
