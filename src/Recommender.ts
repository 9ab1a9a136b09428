import type {
  Profile,
  Recommendation,
  RecommenderEventMap,
  RecommenderStatus,
  RecommendFilter,
  RecommendRequest,
  Row,
  RowsRequest,
  SyncResult,
  TrackEvent,
} from '../models/contract/types';

/** Profile management of a {@link Recommender}. */
export interface RecommenderProfiles {
  list(): Promise<Profile[]>;
  /** A new profile; `maturityLimit` (an age) makes it a kids profile. */
  create(profile: { name: string; maturityLimit?: number; id?: string }): Promise<Profile>;
  /** Makes `id` the current profile: tracking and recommendations use its history. */
  switch(id: string): Promise<Profile>;
  /** Deletes a profile and its history (deleting the current one switches to `default`). */
  delete(id: string): Promise<void>;
}

/**
 * The on-device recommender a TV app embeds. Everything runs in a Web Worker; every method is a
 * promise. Errors are {@link OndeckError}s with a `code`.
 *
 * @example
 * ```ts
 * const recommender = createRecommender({ modelUrl: '/models/current/' });
 * await recommender.ready;
 * await recommender.track({ type: 'complete', itemId: 'tt0111161' });
 * const rows = await recommender.rows({ perRow: 12 });
 * ```
 */
export interface Recommender {
  /** Resolves once a model is loaded: from IndexedDB, else by a first sync (with `syncUrl`), else from `modelUrl`. */
  readonly ready: Promise<RecommenderStatus>;
  /** Records a viewer action for the current profile. Unknown item ids are counted and ignored. */
  track(event: TrackEvent): Promise<{ readonly accepted: boolean }>;
  recommend(request?: RecommendRequest): Promise<Recommendation[]>;
  /** "More like this" for one title. */
  similar(itemId: string, options?: { count?: number; filter?: RecommendFilter }): Promise<Recommendation[]>;
  /** The rows of a home screen; no title twice. */
  rows(request?: RowsRequest): Promise<Row[]>;
  readonly profiles: RecommenderProfiles;
  /** Wipes the current profile's history. */
  forget(): Promise<void>;
  status(): Promise<RecommenderStatus>;
  /**
   * Checks `modelUrl` (or `url`) for a newer model and switches to it atomically. Unsigned: for
   * development; production devices use {@link Recommender.sync} with `syncUrl` and `publicKey`.
   */
  updateModel(url?: string): Promise<RecommenderStatus>;
  /**
   * Checks `syncUrl` now instead of waiting for the schedule (joining a check already running):
   * verifies the signed manifest, downloads the cheapest path (deltas or snapshot) and switches
   * atomically. Rejects with the failure (also sent as an `error` event); the serving model stays.
   */
  sync(): Promise<SyncResult>;
  /** Subscribes to `ready`, `update`, `progress` or `error`; returns the unsubscribe function. */
  on<K extends keyof RecommenderEventMap>(event: K, listener: (payload: RecommenderEventMap[K]) => void): () => void;
  /** Stops the worker. */
  dispose(): Promise<void>;
}
