import { OndeckError, isOndeckError } from '../../models/errors/OndeckError';
import { createIndexedDbStorage } from './createIndexedDbStorage';
import { createMemoryStorage } from './createMemoryStorage';
import { describeError, errorName } from './describeError';
import type { EngineStorage } from './EngineStorage';
import { DEFAULT_CHUNK_BYTES, DEFAULT_DATABASE_NAME } from './OndeckDatabaseSchema';
import { withMemoryFallback } from './withMemoryFallback';

/** Options of {@link openEngineStorage}. */
export interface OpenEngineStorageOptions {
  /** Name of the IndexedDB database. @defaultValue `'ondeck'` */
  readonly databaseName?: string;
  /**
   * The IndexedDB factory to use; tests pass fake-indexeddb's here.
   * @defaultValue the global `indexedDB`, when there is one
   */
  readonly indexedDB?: IDBFactory;
  /**
   * Told whenever storage degrades: `storage-unavailable` (IndexedDB missing, blocked or failing
   * to open; memory is used from the start), `storage-quota` / `storage-failed` (IndexedDB failed
   * later; memory from then on), `model-corrupt` (the stored model could not be read back).
   * Nothing is thrown to the caller in these cases.
   */
  readonly onError?: (error: OndeckError) => void;
  /** Bytes per stored model chunk. @defaultValue 1 MiB */
  readonly chunkBytes?: number;
  /** Give up opening IndexedDB after this long (blocked upgrade, unresponsive engine). @defaultValue 5000 */
  readonly openTimeoutMs?: number;
}

/** Defaults of {@link OpenEngineStorageOptions}. */
export const ENGINE_STORAGE_DEFAULTS = Object.freeze({
  databaseName: DEFAULT_DATABASE_NAME,
  chunkBytes: DEFAULT_CHUNK_BYTES,
  openTimeoutMs: 5000,
});

/**
 * Opens the engine's storage: IndexedDB when it works, otherwise memory, and never throws for
 * environmental reasons. When IndexedDB is missing (Node, some embedded engines), cannot be opened
 * (Firefox private mode, a blocked upgrade, a corrupt profile) or stops working later (quota, a
 * connection the browser closed), `onError` hears about it and the engine carries on in memory
 * without losing what was still readable (see `withMemoryFallback`).
 *
 * @example
 * ```ts
 * const storage = await openEngineStorage({
 *   onError: (error) => postMessage({ type: 'error', code: error.code, message: error.message }),
 * });
 * status.storage = storage.kind; // 'indexeddb' | 'memory', re-read it: it can change later
 * ```
 */
export async function openEngineStorage(options: OpenEngineStorageOptions = {}): Promise<EngineStorage> {
  const report = (error: OndeckError): void => {
    if (!options.onError) return;
    try {
      options.onError(error);
    } catch {
      // A failing listener must not stop the engine from starting.
    }
  };
  const factory = options.indexedDB ?? globalIndexedDb();
  if (!factory) {
    report(new OndeckError('storage-unavailable', { reason: 'this environment has no indexedDB' }));
    return createMemoryStorage();
  }
  // idb checks instanceof against the global IndexedDB classes; without them it cannot work even
  // with an injected factory.
  if (typeof IDBRequest === 'undefined' || typeof IDBKeyRange === 'undefined') {
    report(new OndeckError('storage-unavailable', { reason: 'this environment lacks the IndexedDB classes (IDBRequest, IDBKeyRange)' }));
    return createMemoryStorage();
  }
  try {
    const indexedDbStorage = await createIndexedDbStorage({
      indexedDB: factory,
      databaseName: options.databaseName ?? ENGINE_STORAGE_DEFAULTS.databaseName,
      chunkBytes: options.chunkBytes ?? ENGINE_STORAGE_DEFAULTS.chunkBytes,
      openTimeoutMs: options.openTimeoutMs ?? ENGINE_STORAGE_DEFAULTS.openTimeoutMs,
    });
    return withMemoryFallback(indexedDbStorage, { onError: report });
  } catch (error) {
    if (isOndeckError(error, 'invalid-argument')) throw error;
    report(isOndeckError(error, 'storage-unavailable') ? error : new OndeckError('storage-unavailable', { reason: describeError(error), errorName: errorName(error) }));
    return createMemoryStorage();
  }
}

function globalIndexedDb(): IDBFactory | undefined {
  // Reading the global can itself throw (SecurityError in sandboxed or opaque-origin contexts).
  try {
    return typeof indexedDB === 'undefined' || !indexedDB ? undefined : indexedDB;
  } catch {
    return undefined;
  }
}
