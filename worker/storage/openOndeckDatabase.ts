import { wrap, type IDBPDatabase } from 'idb';
import { OndeckError } from '../../models/errors/OndeckError';
import { describeError, errorName } from './describeError';
import { DEFAULT_DATABASE_NAME, ONDECK_DATABASE_VERSION, upgradeOndeckDatabase, type OndeckDatabase } from './OndeckDatabaseSchema';

/** Options of {@link openOndeckDatabase}. */
export interface OpenOndeckDatabaseOptions {
  /** The IndexedDB factory to open with (the global `indexedDB` in a browser or worker). */
  readonly indexedDB: IDBFactory;
  /** @defaultValue `'ondeck'` */
  readonly databaseName?: string;
  /**
   * Give up when the open has not succeeded after this long: it can wait forever while an older
   * connection blocks the upgrade, and some TV engines never answer at all.
   * @defaultValue 5000
   */
  readonly openTimeoutMs?: number;
  /** Called after this connection closed itself because a newer schema version wants to open. */
  readonly onVersionChange?: () => void;
}

const defaults = Object.freeze({ databaseName: DEFAULT_DATABASE_NAME, openTimeoutMs: 5000 });

/**
 * Opens (creating or upgrading) the ondeck database through an explicit `IDBFactory` and returns
 * it wrapped by idb. This is idb's `openDB` with the factory as a parameter, which `openDB` does
 * not take (it always uses the global `indexedDB`): the host, and tests with fake-indexeddb, can
 * then inject one. Note that idb still checks `instanceof` against the global `IDBRequest`,
 * `IDBDatabase`, … classes, so those must exist.
 *
 * Every failure (open throws, as Firefox does in private mode; the request errors; the upgrade is
 * blocked or nothing happens before `openTimeoutMs`) rejects with `storage-unavailable`.
 *
 * @example
 * ```ts
 * const db = await openOndeckDatabase({ indexedDB: self.indexedDB });
 * const profiles = await db.getAll('profiles');
 * ```
 */
export function openOndeckDatabase(options: OpenOndeckDatabaseOptions): Promise<IDBPDatabase<OndeckDatabase>> {
  const factory = options.indexedDB;
  const databaseName = options.databaseName ?? defaults.databaseName;
  const openTimeoutMs = options.openTimeoutMs ?? defaults.openTimeoutMs;
  return new Promise<IDBPDatabase<OndeckDatabase>>((resolve, reject) => {
    let settled = false;
    let blocked = false;
    const fail = (reason: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new OndeckError('storage-unavailable', { reason, databaseName, errorName: errorName(cause) }));
    };
    const timer = setTimeout(() => {
      fail(blocked ? 'the database upgrade is blocked by another open connection' : `opening did not finish within ${openTimeoutMs} ms`);
    }, openTimeoutMs);

    let request: IDBOpenDBRequest;
    try {
      request = factory.open(databaseName, ONDECK_DATABASE_VERSION);
    } catch (error) {
      fail(`indexedDB.open threw: ${describeError(error)}`, error);
      return;
    }
    request.onupgradeneeded = (event) => {
      try {
        upgradeOndeckDatabase(wrap(request.result) as unknown as IDBPDatabase<OndeckDatabase>, event.oldVersion);
      } catch (error) {
        // Aborting the versionchange transaction makes the open request fail (onerror below).
        if (request.transaction) request.transaction.abort();
      }
    };
    request.onblocked = () => {
      blocked = true;
    };
    request.onerror = () => {
      fail(`indexedDB.open failed: ${describeError(request.error)}`, request.error);
    };
    request.onsuccess = () => {
      const database = request.result;
      if (settled) {
        // We already gave up (timeout) and fell back elsewhere; do not leak a connection that
        // would block future upgrades.
        database.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      // A newer build of the app wants to upgrade the schema: step aside rather than block it.
      database.onversionchange = () => {
        database.close();
        if (options.onVersionChange) options.onVersionChange();
      };
      resolve(wrap(database) as unknown as IDBPDatabase<OndeckDatabase>);
    };
  });
}
