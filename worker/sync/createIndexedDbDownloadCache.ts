import { joinPrefix, type DownloadCache } from './DownloadCache';

/** Options of {@link createIndexedDbDownloadCache}. */
export interface IndexedDbDownloadCacheOptions {
  readonly indexedDB: IDBFactory;
  /** Name of the database; by convention the engine database's name plus `-downloads`. */
  readonly databaseName: string;
  /** @defaultValue 5000 */
  readonly openTimeoutMs?: number;
}

const STORE = 'pieces';

/**
 * A {@link DownloadCache} in its own IndexedDB database, one record per received piece keyed
 * `[sha256, offset]`, so a half-downloaded snapshot survives a reload or a worker crash and the
 * next sync resumes it with a Range request. A database of its own rather than a store in the
 * engine's: the cache is disposable (losing it costs a re-download), so it must never share a
 * schema version, an upgrade or a quota failure with the models and histories. Each piece is one
 * transaction: a reload mid-write loses at most that piece, and the stored prefix stays valid.
 *
 * @example
 * ```ts
 * const cache = await createIndexedDbDownloadCache({ indexedDB: self.indexedDB, databaseName: 'ondeck-downloads' });
 * ```
 */
export async function createIndexedDbDownloadCache(options: IndexedDbDownloadCacheOptions): Promise<DownloadCache> {
  const database = await openDatabase(options);
  const range = (sha256: string): IDBKeyRange => IDBKeyRange.bound([sha256], [sha256, []]);
  return {
    async readPrefix(sha256) {
      const transaction = database.transaction(STORE, 'readonly');
      const store = transaction.objectStore(STORE);
      const [keys, values] = await Promise.all([request<IDBValidKey[]>(store.getAllKeys(range(sha256))), request<Array<{ data: ArrayBuffer }>>(store.getAll(range(sha256)))]);
      // Keys sort by offset (numbers), and getAll returns values in the same key order.
      return joinPrefix(keys.map((key, index) => [(key as [string, number])[1], new Uint8Array(values[index].data)] as const));
    },
    async append(sha256, offset, bytes) {
      const transaction = database.transaction(STORE, 'readwrite');
      const store = transaction.objectStore(STORE);
      // Pieces at or past this offset belong to an abandoned attempt: replace them in the same transaction.
      store.delete(IDBKeyRange.bound([sha256, offset], [sha256, []]));
      store.put({ data: bytes.slice().buffer }, [sha256, offset]);
      await committed(transaction);
    },
    async discard(sha256) {
      const transaction = database.transaction(STORE, 'readwrite');
      transaction.objectStore(STORE).delete(range(sha256));
      await committed(transaction);
    },
    async discardExcept(keep) {
      const transaction = database.transaction(STORE, 'readwrite');
      const store = transaction.objectStore(STORE);
      const keys = await request<IDBValidKey[]>(store.getAllKeys());
      const hashes = new Set(keys.map((key) => (key as [string, number])[0]));
      hashes.forEach((sha256) => {
        if (keep.indexOf(sha256) < 0) store.delete(range(sha256));
      });
      await committed(transaction);
    },
    close() {
      database.close();
    },
  };
}

function openDatabase(options: IndexedDbDownloadCacheOptions): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`opening ${options.databaseName} timed out`)), options.openTimeoutMs ?? 5000);
    const finish = (error: unknown, database?: IDBDatabase): void => {
      if (settled) {
        // Opened after we gave up: release it so it blocks nothing.
        database?.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (database) resolve(database);
      else reject(error);
    };
    let open: IDBOpenDBRequest;
    try {
      open = options.indexedDB.open(options.databaseName, 1);
    } catch (error) {
      finish(error);
      return;
    }
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => finish(open.error);
    open.onsuccess = () => {
      const database = open.result;
      // Step aside for a future schema upgrade instead of blocking it.
      database.onversionchange = () => database.close();
      finish(undefined, database);
    };
  });
}

function request<T>(pending: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.onsuccess = () => resolve(pending.result as T);
    pending.onerror = () => reject(pending.error);
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
  });
}
