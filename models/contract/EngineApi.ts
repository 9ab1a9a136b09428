import type { RecommenderOptions } from './RecommenderOptions';
import type { Profile, Recommendation, RecommenderStatus, RecommendFilter, RecommendRequest, Row, RowsRequest, SyncProgress, SyncResult, TrackEvent } from './types';

/**
 * The options the worker takes as the app gave them (see {@link RecommenderOptions} for each):
 * the history, profile and every sync setting. The main thread resolves URLs and defaults first.
 */
type PassedThroughOptions = Pick<
  RecommenderOptions,
  | 'databaseName'
  | 'backend'
  | 'threads'
  | 'historyLimit'
  | 'profileId'
  | 'publicKey'
  | 'publicKeys'
  | 'signatureThreshold'
  | 'syncDirectoryId'
  | 'syncRoot'
  | 'syncIntervalMs'
  | 'syncRetryMs'
  | 'syncLimits'
>;

/** What the main thread passes to the worker at start. */
export interface EngineInitOptions extends PassedThroughOptions {
  /** Absolute URL of a model directory (ending in `/`) to download when storage holds none, or a newer one. */
  readonly modelUrl?: string;
  /** Absolute URL of the directory holding ORT's self-hosted files (`ort.wasm.min.js`, `ort-wasm-simd-threaded.*`). */
  readonly ortBaseUrl?: string;
  /**
   * The page starts screening helper workers when the engine asks (a `helper-wanted` event) and
   * hands their ports over with {@link EngineApi.adoptScreeningHelperPort}: for engines whose
   * workers cannot start workers.
   */
  readonly pageHelpers?: boolean;
  /** Absolute URL of a publish directory (holding `manifest.json`), ending in `/`: signed sync. */
  readonly syncUrl?: string;
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
