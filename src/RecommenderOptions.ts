import type { BackendPreference } from '../worker/backends/selectBackend';

/** Options of `createRecommender()`. */
export interface RecommenderOptions {
  /**
   * URL of the engine's worker script (`ondeck-worker.js` from the build).
   * @defaultValue `ondeck-worker.js` next to the script that loaded ondeck
   */
  readonly workerUrl?: string;
  /**
   * URL of a model directory (ending in `/`, as `ondeck export` writes it) used when IndexedDB
   * holds no model yet, and checked for a newer version at start.
   * @defaultValue none: the stored model only
   */
  readonly modelUrl?: string;
  /**
   * Directory with ORT's self-hosted files (`ort.wasm.min.js`, `ort-wasm-simd-threaded.wasm/.mjs`).
   * Only engines with WebAssembly SIMD ever fetch from it.
   * @defaultValue `ort/` next to the worker script
   */
  readonly ortBaseUrl?: string;
  /**
   * Scoring backend; `auto` takes the best that runs here (`wasm`, else `js`).
   * @defaultValue `'auto'`
   */
  readonly backend?: BackendPreference;
  /** @defaultValue `'ondeck'` */
  readonly databaseName?: string;
  /**
   * Newest events kept per profile.
   * @defaultValue 500
   */
  readonly historyLimit?: number;
  /** Profile to start in. @defaultValue the last one used, or `default` */
  readonly profileId?: string;
  /**
   * Ask the browser to keep ondeck's storage under pressure (`navigator.storage.persist()`).
   * @defaultValue true
   */
  readonly persistStorage?: boolean;
  /**
   * Restart the worker (state restored from IndexedDB) when it crashes.
   * @defaultValue true
   */
  readonly restartOnCrash?: boolean;
}

/** The defaults of {@link RecommenderOptions}, in one place. */
export const RECOMMENDER_DEFAULTS = Object.freeze({
  backend: 'auto' as BackendPreference,
  databaseName: 'ondeck',
  historyLimit: 500,
  persistStorage: true,
  restartOnCrash: true,
});
