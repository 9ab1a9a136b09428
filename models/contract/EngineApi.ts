import type { BackendPreference, OrtThreadsOption, SyncLimits } from './types';
import type { Profile, Recommendation, RecommenderStatus, RecommendFilter, RecommendRequest, Row, RowsRequest, SyncProgress, SyncResult, TrackEvent } from './types';

/** What the main thread passes to the worker at start. */
export interface EngineInitOptions {
  /** URL of a model directory (ending in `/`) to download when storage holds none, or a newer one. */
  readonly modelUrl?: string;
  readonly databaseName?: string;
  readonly backend?: BackendPreference;
  /** Directory holding ORT's self-hosted files (`ort.wasm.min.js`, `ort-wasm-simd-threaded.*`). */
  readonly ortBaseUrl?: string;
  /** Threads: WebAssembly threads for ORT (`resolveOrtThreads`), helper workers for the js kernel (`resolveJsThreads`). */
  readonly threads?: OrtThreadsOption;
  /**
   * The page starts screening helper workers when the engine asks (a `helper-wanted` event) and
   * hands their ports over with {@link EngineApi.adoptScreeningHelperPort}: for engines whose
   * workers cannot start workers.
   */
  readonly pageHelpers?: boolean;
  /** Newest events kept per profile. */
  readonly historyLimit?: number;
  /** Profile to start in (else the last used one). */
  readonly profileId?: string;
  /** Absolute URL of a publish directory (holding `manifest.json`), ending in `/`: signed sync. */
  readonly syncUrl?: string;
  /** Base64 of the raw 32-byte Ed25519 key manifests must be signed with (this or `publicKeys` with `syncUrl`). */
  readonly publicKey?: string;
  /** Several trusted keys (see `RecommenderOptions.publicKeys`). */
  readonly publicKeys?: readonly string[];
  /** How many of `publicKeys` must sign. */
  readonly signatureThreshold?: number;
  /** The publish directory the device is bound to. */
  readonly syncDirectoryId?: string;
  /** The root document the app ships (see `RecommenderOptions.syncRoot`). */
  readonly syncRoot?: string;
  /** Pause between successful checks, before ±20 % jitter; 0: only on `sync()`. */
  readonly syncIntervalMs?: number;
  /** First retry delay after a failed check (doubling up to `syncIntervalMs`). */
  readonly syncRetryMs?: number;
  /** Deadlines of one sync attempt (see `RecommenderOptions.syncLimits`). */
  readonly syncLimits?: SyncLimits;
}

/** Events the engine pushes to the main thread. */
export type EngineEvent =
  | { readonly type: 'ready' | 'update'; readonly status: RecommenderStatus }
  | { readonly type: 'progress'; readonly progress: SyncProgress }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  /** The js kernel wants a screening helper the page must start (see `pageHelpers`); internal, not an app event. */
  | { readonly type: 'helper-wanted'; readonly id: number };

/**
 * The worker's API, used on both sides through comlink (`Remote<EngineApi>` on the main thread):
 * the single description of what crosses the worker boundary.
 */
export interface EngineApi {
  init(options: EngineInitOptions, onEvent: (event: EngineEvent) => void): Promise<RecommenderStatus>;
  track(event: TrackEvent): Promise<{ readonly accepted: boolean }>;
  recommend(request?: RecommendRequest): Promise<Recommendation[]>;
  similar(itemId: string, options?: { count?: number; filter?: RecommendFilter }): Promise<Recommendation[]>;
  rows(request?: RowsRequest): Promise<Row[]>;
  listProfiles(): Promise<Profile[]>;
  createProfile(profile: { name: string; maturityLimit?: number; id?: string }): Promise<Profile>;
  switchProfile(id: string): Promise<Profile>;
  deleteProfile(id: string): Promise<void>;
  forget(): Promise<void>;
  status(): Promise<RecommenderStatus>;
  /** Downloads, verifies and atomically switches to the model at `url` if it is newer. */
  updateModel(url?: string): Promise<RecommenderStatus>;
  /** Runs a signed sync attempt now (joining one already running). */
  sync(): Promise<SyncResult>;
  /** The port of the screening helper the page started for `helper-wanted` event `id`. */
  adoptScreeningHelperPort(id: number, port: MessagePort): Promise<void>;
  dispose(): Promise<void>;
}
