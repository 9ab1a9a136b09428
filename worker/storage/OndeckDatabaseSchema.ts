import type { DBSchema, IDBPDatabase } from 'idb';
import type { ModelManifest } from '../../models/artifact/ModelManifest';
import type { HistoryEntry, Profile } from '../../models/contract/types';

/** Name of the IndexedDB database unless the host chooses another. */
export const DEFAULT_DATABASE_NAME = 'ondeck';

/** Schema version of the database; bump it (and extend {@link upgradeOndeckDatabase}) on any store change. */
export const ONDECK_DATABASE_VERSION = 1;

/**
 * Bytes per stored model chunk. Large enough that a 100 MB model is ~100 records, small enough
 * that no engine has to structured-clone one giant value (old WebKit and Chromium struggle with
 * single IndexedDB values of tens of MB).
 */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/** How one model file is laid out in the `modelChunks` store. */
export interface StoredFileMeta {
  readonly name: string;
  /** Exact size of the file; the last chunk holds the remainder. */
  readonly bytes: number;
  /** Number of chunk records, `ceil(bytes / chunkBytes)` (0 for an empty file). */
  readonly chunks: number;
}

/** Value of the `models` store: everything about a stored version except its bytes. */
export interface StoredModelMeta {
  /** `manifest.modelVersion`; the key of this record and the first part of its chunks' keys. */
  readonly version: number;
  readonly manifest: ModelManifest;
  readonly files: readonly StoredFileMeta[];
  readonly storedAt: number;
  /**
   * Set on a version journaled by `saveModelDelta`: the whole version it derives from. Its `files`
   * are then the delta blobs (named `delta:0`, `delta:1`, …), applied in that order to the base's.
   */
  readonly baseVersion?: number;
}

/**
 * Every key of the `state` store, in one place: what the device keeps besides models, profiles
 * and history. The strings are stored on viewers' devices, so they never change (a renamed key
 * would silently lose its value on upgrade).
 */
export const STATE_KEYS = Object.freeze({
  /** The model version in use; written only in the transaction that stores that model. */
  currentModelVersion: 'ondeck:currentModelVersion',
  /** Id of the profile in use (string). */
  currentProfile: 'currentProfile',
  /** ISO time of the last model update (string), `status().lastSync`. */
  lastModelUpdate: 'lastSync',
  /** Epoch ms of the last sync check that succeeded (number): the schedule counts from it. */
  lastSuccessfulSync: 'syncLastSuccess',
  /** Signed sync's own record (`SyncState`: versions seen, resumable downloads). */
  syncState: 'sync',
});

/** Value of the `history` store: one entry plus the profile it belongs to. */
export type StoredHistoryEntry = HistoryEntry & { readonly profileId: string };

/** Key of a `modelChunks` record: model version, file name, chunk index. */
export type ModelChunkKey = [version: number, fileName: string, chunkIndex: number];

/** Key of a `history` record: profile id, then a per-profile sequence number (oldest lowest). */
export type HistoryKey = [profileId: string, sequence: number];

/**
 * The whole IndexedDB schema of the device engine, as idb types it.
 *
 * - `models`: one metadata record per stored version (normally just the current one).
 * - `modelChunks`: the bytes of every model file, cut into chunks of {@link DEFAULT_CHUNK_BYTES}.
 *   Keys sort by version, then file, then chunk index, so one key range covers a version or a file.
 * - `state`: small values by string key, including the current-version pointer
 *   (`ondeck:currentModelVersion`), which is written in the same transaction as the model.
 * - `profiles`: viewer profiles by id.
 * - `history`: entries keyed `[profileId, sequence]` rather than an auto-increment key plus a
 *   `byProfile` index. Key order is then insertion order within a profile, so reading, counting,
 *   trimming the oldest entries and forgetting a profile are each one key-range request on the
 *   primary key, with no secondary index to keep in step; the sequence comes from the profile's
 *   last key, read in the same readwrite transaction.
 *
 * @example
 * ```ts
 * const db: IDBPDatabase<OndeckDatabase> = await openOndeckDatabase({ indexedDB });
 * const profiles = await db.getAll('profiles');
 * ```
 */
export interface OndeckDatabase extends DBSchema {
  models: { key: number; value: StoredModelMeta };
  modelChunks: { key: ModelChunkKey; value: { data: ArrayBuffer } };
  state: { key: string; value: unknown };
  profiles: { key: string; value: Profile };
  history: { key: HistoryKey; value: StoredHistoryEntry };
}

/**
 * Creates the object stores of {@link OndeckDatabase}; runs inside the `versionchange`
 * transaction of an open that asked for a newer schema version.
 *
 * @example
 * ```ts
 * request.addEventListener('upgradeneeded', (event) => upgradeOndeckDatabase(wrap(request.result), event.oldVersion));
 * ```
 */
export function upgradeOndeckDatabase(database: IDBPDatabase<OndeckDatabase>, oldVersion: number): void {
  if (oldVersion < 1) {
    database.createObjectStore('models', { keyPath: 'version' });
    // Out-of-line keys for chunks and history: no key path to evaluate on every put, and the
    // stored values stay exactly what the schema says.
    database.createObjectStore('modelChunks');
    database.createObjectStore('state');
    database.createObjectStore('profiles', { keyPath: 'id' });
    database.createObjectStore('history');
  }
}
