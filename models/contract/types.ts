/**
 * Public types of the device SDK. The main thread (`createRecommender`) and the worker engine
 * both use these; they are the single description of what crosses the worker boundary.
 */
import type { BackendName } from '../scoring/ScoringBackend';

export type { BackendName };

/** Which backend to use: `auto` picks the best one that runs here. */
export type BackendPreference = 'auto' | BackendName;

/** How many threads a query may use (WebAssembly threads, or the js kernel's helpers): a count, or `'auto'`. */
export type OrtThreadsOption = number | 'auto';

/** Viewer actions `track()` records. */
export type TrackEventType = 'play' | 'progress' | 'complete' | 'like' | 'dislike' | 'hide';

/** One viewer action on one title. */
export interface TrackEvent {
  readonly type: TrackEventType;
  /** Catalog id of the title. Unknown ids are counted and ignored, never an error. */
  readonly itemId: string;
  /** When it happened, ms since the epoch. @defaultValue now */
  readonly time?: number;
  /** Share watched, 0..1 (`progress` and `complete` events). */
  readonly progress?: number;
}

/** What a stored history entry holds (one per tracked event, newest last). */
export interface HistoryEntry {
  readonly itemId: string;
  readonly type: TrackEventType;
  readonly time: number;
  readonly progress?: number;
}

/** Restrictions applied to every list a recommender returns. */
export interface RecommendFilter {
  /** Only titles whose minimum age is at most this (titles of unknown age are excluded). */
  readonly maxMaturityAge?: number;
  /** Only titles with at least one of these genres. */
  readonly genres?: readonly string[];
  /** No titles with any of these genres. */
  readonly excludeGenres?: readonly string[];
  /** Availability windows are checked at this time (ms since the epoch). @defaultValue now */
  readonly availableAt?: number;
}

/** Options of `recommend()`. */
export interface RecommendRequest {
  /** @defaultValue 20 */
  readonly count?: number;
  readonly filter?: RecommendFilter;
  /** Extra title ids to leave out (history and hidden titles are always left out). */
  readonly exclude?: readonly string[];
  /** Name the history title that contributed most to each result. @defaultValue false */
  readonly explain?: boolean;
}

/** One recommended title. Text fields are plain text: render them as text, never as HTML. */
export interface Recommendation {
  readonly itemId: string;
  readonly title: string;
  readonly score: number;
  readonly genres: readonly string[];
  readonly year?: number;
  readonly maturityRating?: string;
  /** With `explain`: the history title that contributed most to the score. */
  readonly because?: { readonly itemId: string; readonly title: string };
}

/** Row kinds `rows()` can build for a home screen. */
export type RowKind = 'continue-watching' | 'top-picks' | 'because-you-watched' | 'taste-clusters' | 'trending';

/** Options of `rows()`. */
export interface RowsRequest {
  /** Which rows, in order. @defaultValue all kinds, in the order of {@link RowKind} */
  readonly rows?: readonly RowKind[];
  /** Titles per row. @defaultValue 10 */
  readonly perRow?: number;
  readonly filter?: RecommendFilter;
}

/** One home-screen row. No title appears twice across the rows of one `rows()` call. */
export interface Row {
  readonly id: string;
  readonly kind: RowKind;
  /** Display title, e.g. `Because you watched Crimson Tide`. */
  readonly title: string;
  readonly items: readonly Recommendation[];
}

/** A viewer profile; each has its own history. */
export interface Profile {
  readonly id: string;
  readonly name: string;
  /** Highest maturity age this profile may see (a kids profile sets e.g. 7). */
  readonly maturityLimit?: number;
  readonly createdAt: number;
}

/** One backend the engine tried at start-up, and why it was or was not used. */
export interface BackendAttempt {
  readonly backend: BackendName;
  readonly ok: boolean;
  readonly reason: string;
}

/** What `status()` reports. */
export interface RecommenderStatus {
  readonly backend: BackendName;
  /** Why this backend was chosen (or why better ones were not). */
  readonly backendReason: string;
  readonly backendAttempts: readonly BackendAttempt[];
  /**
   * CPU threads a query runs on right now: `wasm` on a cross-origin isolated page, or `js` once
   * its helper workers hold the current model (see `RecommenderOptions.threads`).
   */
  readonly backendThreads: number;
  readonly modelVersion?: number;
  readonly lineageId?: string;
  readonly itemCount: number;
  readonly dims: number;
  /** Where models and history live; `memory` after IndexedDB failed (see the error event). */
  readonly storage: 'indexeddb' | 'memory';
  readonly profileId: string;
  readonly historyLength: number;
  /** Tracked events whose title id the model does not know (counted, ignored). */
  readonly unknownItemsTracked: number;
  /**
   * Stored records of the current profile's history that were unreadable (a `time` that is not a
   * finite number, an unknown `type`, a `progress` outside 0..1, missing fields…) and were left
   * out when the profile was loaded; the rest of its history is used. Non-zero comes with a
   * `history-record-invalid` error event.
   */
  readonly invalidHistoryRecordsSkipped: number;
  /** ISO time of the last successful model update, if any. */
  readonly lastSync?: string;
  readonly lastError?: string;
  /** Signed sync's schedule and last outcome; present when `syncUrl` is configured. */
  readonly sync?: SyncStatus;
  /** What the engine's worker found on this engine, which chose the backend and the sync path. */
  readonly engineProbes: EngineProbes;
}

/**
 * Capability probes of the engine's worker (see `status().engineProbes`): WebAssembly with SIMD
 * runs onnxruntime-web (`wasm`), else the `js` int8 kernel; shared memory on a cross-origin
 * isolated page gives ORT threads; nested workers start the js kernel's helper.
 */
export interface EngineProbes {
  readonly webAssembly: boolean;
  readonly webAssemblySimd: boolean;
  readonly sharedArrayBuffer: boolean;
  readonly crossOriginIsolated: boolean;
  /** The worker can start workers (Chromium 69+). */
  readonly nestedWorkers: boolean;
  /** `navigator.gpu` exists (an adapter may still be missing). */
  readonly webGpu: boolean;
  readonly indexedDb: boolean;
  /** Without it, sync gunzips with ondeck-compat.js. */
  readonly decompressionStream: boolean;
  readonly subtleCrypto: boolean;
  /** `navigator.hardwareConcurrency` (1 where unknown). */
  readonly cores: number;
}

/** Where signed sync stands (see `RecommenderOptions.syncUrl`). */
export interface SyncStatus {
  /** ISO time of the last attempt that succeeded (a fresh manifest verified; updated or already current). */
  readonly lastSuccess?: string;
  /** ISO time the next automatic attempt is due, if one is scheduled. */
  readonly nextAttempt?: string;
  /** Consecutive failed attempts since the last success (retries back off exponentially). */
  readonly failures: number;
  /** Offline: no automatic attempt until the network is back (the `online` event, or `navigator.onLine` re-checked). */
  readonly waitingForNetwork: boolean;
  /** An attempt is running now. */
  readonly running: boolean;
  /** ISO time the newest verified manifest expires: until then the device knows it serves the newest version. */
  readonly freshUntil?: string;
  /**
   * Set when the newest manifest the device can get has expired (the publisher stopped refreshing
   * it, or someone replays an old one): since when the device cannot tell whether a newer version
   * exists. It keeps serving its model; a `sync-expired` error event said so.
   */
  readonly staleSince?: string;
}

/**
 * Limits of one sync attempt, against a sync endpoint that answers slowly or endlessly (TUF's
 * slow-retrieval and endless-data attacks). A cut-off attempt fails with `sync-timeout`, keeps
 * what it received and is retried on the usual backoff.
 */
export interface SyncLimits {
  /**
   * The whole manifest request (headers and body) must finish within this.
   * @defaultValue 30000
   */
  readonly manifestTimeoutMs?: number;
  /**
   * A blob download slower than this on average over any {@link SyncLimits.rateWindowMs} is cut off.
   * @defaultValue 2048
   */
  readonly minimumBytesPerSecond?: number;
  /**
   * The window the minimum rate is measured over.
   * @defaultValue 30000
   */
  readonly rateWindowMs?: number;
}

/** What one `sync()` did. */
export interface SyncResult {
  /** `not-modified`: the CDN answered 304; `current`: verified, nothing newer; `updated`: switched. */
  readonly result: 'not-modified' | 'current' | 'updated';
  /** The manifest's version (when one was read). */
  readonly version?: number;
  /** How the update came: a chain of deltas or the full snapshot. */
  readonly path?: 'delta' | 'snapshot';
  /** Blob bytes fetched from the network in this attempt. */
  readonly downloadedBytes: number;
  /** Blob bytes taken from an interrupted earlier download (resumed with a Range request). */
  readonly resumedBytes: number;
  /** Which Ed25519 implementation checked the signature. */
  readonly signatureCheck?: 'webcrypto' | 'tweetnacl';
  /** Why a planned delta path was abandoned for the snapshot. */
  readonly deltaFallback?: string;
}

/** Progress of a sync attempt (the `progress` event). */
export interface SyncProgress {
  /** `checking` the manifest, `downloading` blobs, `applying` (verify, store, switch). */
  readonly phase: 'checking' | 'downloading' | 'applying';
  /** The version being fetched, once the manifest is verified. */
  readonly version?: number;
  readonly path?: 'delta' | 'snapshot';
  /** Blob bytes received so far in this attempt (resumed bytes included). */
  readonly receivedBytes: number;
  /** Blob bytes the chosen path needs in total. */
  readonly totalBytes: number;
}

/** Events a recommender emits. */
export interface RecommenderEventMap {
  ready: RecommenderStatus;
  /** A new model version is serving. */
  update: RecommenderStatus;
  /** A sync attempt moved on (throttled to a few per second while downloading). */
  progress: SyncProgress;
  error: { readonly code: string; readonly message: string };
}
