import type { BackendPreference, OrtThreadsOption, SyncLimits } from './types';

/** Options of `createRecommender()`. */
export interface RecommenderOptions {
  /**
   * URL of the engine's worker script (`ondeck-worker.js` from the build).
   * @defaultValue `ondeck-worker.js` next to the script that loaded ondeck
   */
  readonly workerUrl?: string;
  /**
   * URL of a model directory (ending in `/`, as `ondeck export` writes it) used when IndexedDB
   * holds no model yet, and checked for a newer version at start (unless `syncUrl` is set: then
   * only on a first start whose sync failed). Nothing is signed on this path: use it for
   * development; production devices use `syncUrl` with `publicKey`.
   * @defaultValue none: the stored model only
   */
  readonly modelUrl?: string;
  /**
   * URL of the publish directory `ondeck publish` writes (the one holding `manifest.json`), served
   * by any CDN. Turns on signed sync: the engine checks the manifest on a jittered schedule, with
   * exponential backoff and `Retry-After` on failures and no attempts while offline; verifies its
   * Ed25519 signature against `publicKey` and every blob's SHA-256; takes the cheaper of the delta
   * chain and the snapshot; resumes interrupted downloads; and switches versions atomically. A
   * cross-origin CDN must allow the request headers `If-None-Match` and `Range` and expose `ETag`
   * and `Content-Range` (CORS).
   * @defaultValue none: no sync
   */
  readonly syncUrl?: string;
  /**
   * Base64 of the raw 32-byte Ed25519 public key (`ondeck keygen` prints it) that manifests must be
   * signed with: the one-key form of `publicKeys`. Sync needs exactly one of the two.
   * @defaultValue none
   */
  readonly publicKey?: string;
  /**
   * Several trusted keys, of which `signatureThreshold` must have signed each manifest (`ondeck
   * publish` with several `--key`s): a leaked key alone cannot sign an update, and a key can be
   * replaced by publishing with the others (docs/sync.md, Keys).
   * @defaultValue none
   */
  readonly publicKeys?: readonly string[];
  /**
   * How many of `publicKeys` must have signed a manifest.
   * @defaultValue 1
   */
  readonly signatureThreshold?: number;
  /**
   * The publish directory's identity (`directoryId`, printed by `ondeck publish`): the device
   * refuses manifests of any other directory, even ones signed by its keys. Unset, the device
   * pins the directory of the first manifest it verifies.
   * @defaultValue pinned at the first sync
   */
  readonly syncDirectoryId?: string;
  /**
   * The text of the publish directory's root document (`roots/N.json`, written by `ondeck root`),
   * shipped with the app instead of `publicKey(s)`: manifests are then trusted by the keys the
   * newest root names, and the directory replaces keys by publishing a new root signed by the old
   * root keys, with no app update (docs/sync.md, Keys). It also binds the device to the root's
   * directory.
   * @defaultValue none
   */
  readonly syncRoot?: string;
  /**
   * Pause between successful sync checks, spread ±20 % per device; `0` checks only when
   * `sync()` is called.
   * @defaultValue 21600000 (6 hours)
   */
  readonly syncIntervalMs?: number;
  /**
   * First retry delay after a failed sync check; it doubles per consecutive failure up to
   * `syncIntervalMs`, and is never shorter than the server's `Retry-After`.
   * @defaultValue 60000 (1 minute)
   */
  readonly syncRetryMs?: number;
  /**
   * Deadlines of one sync attempt: the manifest request's, and the minimum rate of a blob
   * download. An endpoint that hangs or trickles fails the attempt with `sync-timeout` instead of
   * holding it (and, on a first start, `ready`) forever.
   * @defaultValue `{ manifestTimeoutMs: 30000, minimumBytesPerSecond: 2048, rateWindowMs: 30000 }`
   */
  readonly syncLimits?: SyncLimits;
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
  /**
   * CPU threads a query is scored on.
   *
   * - `wasm`: WebAssembly threads, which need a cross-origin isolated page (served with
   *   `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`);
   *   elsewhere the backend runs on 1 whatever is asked.
   * - `js`: the engine's worker plus helper workers, each screening a part of the catalog (no
   *   isolation needed; at least 25,000 titles per thread). The engine's worker starts them. On
   *   engines whose workers cannot start workers (WPE WebKit, Chromium before 69) `'auto'` stays
   *   on 1 thread and an explicit count has the page start them (slower than 1 thread in WPE).
   *
   * `'auto'` takes 2 threads where there are 2 cores or more: a TV's UI thread needs a core, and
   * each thread costs memory (about 2 MB per ORT thread; a helper holds a copy of its part of the
   * table). Rankings are the same on any count; `status().backendThreads` and
   * `status().backendReason` say what runs.
   * @defaultValue `'auto'`
   */
  readonly threads?: OrtThreadsOption;
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
  threads: 'auto' as OrtThreadsOption,
  databaseName: 'ondeck',
  historyLimit: 500,
  persistStorage: true,
  restartOnCrash: true,
  syncIntervalMs: 6 * 60 * 60 * 1000,
  syncRetryMs: 60 * 1000,
  syncLimits: Object.freeze({ manifestTimeoutMs: 30_000, minimumBytesPerSecond: 2048, rateWindowMs: 30_000 }) as Required<SyncLimits>,
});
