import type { ModelManifest } from '../../models/artifact/ModelManifest';
import type { HistoryEntry, Profile } from '../../models/contract/types';

/**
 * One model version as the device keeps it: the parsed manifest plus the raw bytes of the model's
 * files (`factors.bin`, `catalog.json`, `scoring.onnx`, … keyed by file name).
 *
 * @example
 * ```ts
 * const model: StoredModel = {
 *   manifest,
 *   files: new Map([['factors.bin', factorBytes], ['catalog.json', catalogBytes]]),
 *   storedAt: Date.now(),
 * };
 * ```
 */
export interface StoredModel {
  readonly manifest: ModelManifest;
  /** File name → bytes. Storage copies them on save, so callers may transfer or reuse the buffers. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** When the device stored this version, ms since the epoch. */
  readonly storedAt: number;
  /**
   * Only on a version saved with {@link EngineStorage.saveModelDelta} and not yet rewritten as a
   * whole: then `files` are the files of the version it derives from, and these delta blobs
   * (decompressed, oldest first) turn them into the files of `manifest`.
   */
  readonly deltas?: readonly Uint8Array[];
}

/**
 * A version journaled as "its base plus delta blobs": what {@link EngineStorage.saveModelDelta}
 * writes. Cheap to commit (the deltas are a few hundred KB where the files are tens of MB).
 *
 * @example
 * ```ts
 * await storage.saveModelDelta({ manifest: v8, baseVersion: 7, deltas: [deltaBytes], storedAt: Date.now() });
 * ```
 */
export interface StoredModelDelta {
  /** model.json of the new version. */
  readonly manifest: ModelManifest;
  /** `modelVersion` of the stored version the deltas apply to; it must be the current one, stored whole. */
  readonly baseVersion: number;
  /** Delta blobs, decompressed, in the order they apply. */
  readonly deltas: readonly Uint8Array[];
  readonly storedAt: number;
}

/**
 * Everything the device engine persists: the current model version, small state values (sync
 * bookkeeping and the like), viewer profiles and each profile's history. Two implementations:
 * `createIndexedDbStorage` (persistent) and `createMemoryStorage` (this session only);
 * `openEngineStorage` picks one and falls back to memory when IndexedDB fails.
 *
 * Contract shared by the implementations (tested in `test/worker/storage/engineStorage.contract.test.ts`):
 * - Profile ids are non-empty strings, history limits non-negative integers (or `Infinity`), and the
 *   state key `ondeck:currentModelVersion` is reserved; anything else is `invalid-argument`.
 * - `listProfiles()` returns profiles ordered by id; `loadHistory()` oldest first.
 * - Returned values are copies of what was stored, except state values from the memory storage
 *   (treat them as immutable).
 *
 * @example
 * ```ts
 * const storage = await openEngineStorage({ onError: (e) => console.warn(e.code, e.message) });
 * await storage.appendHistory('kids', { itemId: 'tt0110357', type: 'play', time: Date.now() }, 500);
 * const history = await storage.loadHistory('kids');
 * ```
 */
export interface EngineStorage {
  /** Where data lives right now; `memory` after IndexedDB failed. */
  readonly kind: 'indexeddb' | 'memory';
  /** The current model version, or `undefined` when none was saved yet. */
  loadCurrentModel(): Promise<StoredModel | undefined>;
  /**
   * Atomic: every chunk, the metadata and the "current version" pointer in ONE readwrite
   * transaction; a reload/crash/quota error mid-way leaves the previous version current and
   * complete. Keeps the previous version's data until the new one is committed, then deletes older
   * versions' chunks (keep at most the current one; keeping one previous is fine).
   */
  saveModel(model: StoredModel): Promise<void>;
  /**
   * Atomic like {@link saveModel}, and small: makes `delta.manifest` the current version by
   * storing only its delta blobs next to the current version, which becomes its base and is kept
   * until a `saveModel` of the same or a later version replaces both. `loadCurrentModel` then
   * returns the base's files with `deltas`. A reload between the two leaves a complete version
   * either way: the journaled one, or the whole one after the rewrite.
   *
   * @throws OndeckError `invalid-argument` when `baseVersion` is not the current version or the
   *   current version is itself journaled (rewrite it with `saveModel` first).
   */
  saveModelDelta(delta: StoredModelDelta): Promise<void>;
  getState<T>(key: string): Promise<T | undefined>;
  setState(key: string, value: unknown): Promise<void>;
  listProfiles(): Promise<Profile[]>;
  putProfile(profile: Profile): Promise<void>;
  /** Deletes the profile and its history. */
  deleteProfile(id: string): Promise<void>;
  /** Appends, then trims the profile's history to its newest `limit` entries. */
  appendHistory(profileId: string, entry: HistoryEntry, limit: number): Promise<void>;
  /**
   * Oldest first, as stored: records are not checked again on the way out, so one damaged on
   * disk (a NaN time, a null field, not even an object) comes back as it is. Pass the result
   * through `validateStoredHistory` before using it.
   */
  loadHistory(profileId: string): Promise<HistoryEntry[]>;
  clearHistory(profileId: string): Promise<void>;
  close(): void;
}
