import type { IDBPDatabase, IDBPObjectStore } from 'idb';
import { OndeckError } from '../../models/errors/OndeckError';
import type { HistoryEntry, Profile } from '../../models/contract/types';
import {
  CURRENT_MODEL_STATE_KEY,
  checkHistoryEntry,
  checkHistoryLimit,
  checkProfile,
  checkProfileId,
  checkStateKey,
  checkStoredModel,
  checkStoredModelDelta,
} from './checkStorageArguments';
import { errorName } from './describeError';
import type { EngineStorage, StoredModel, StoredModelDelta } from './EngineStorage';
import { DEFAULT_CHUNK_BYTES, type HistoryKey, type OndeckDatabase, type StoredFileMeta, type StoredHistoryEntry, type StoredModelMeta } from './OndeckDatabaseSchema';
import { openOndeckDatabase } from './openOndeckDatabase';
import type { StorageSnapshot } from './StorageSnapshot';

/** Options of {@link createIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** The IndexedDB factory (the global `indexedDB` in a browser or worker). */
  readonly indexedDB: IDBFactory;
  /** @defaultValue `'ondeck'` */
  readonly databaseName?: string;
  /** Bytes per model chunk record. @defaultValue 1 MiB */
  readonly chunkBytes?: number;
  /** See `openOndeckDatabase`. @defaultValue 5000 */
  readonly openTimeoutMs?: number;
}

/** The IndexedDB storage: the {@link EngineStorage} contract plus a best-effort export of everything in it. */
export interface IndexedDbEngineStorage extends EngineStorage {
  readonly kind: 'indexeddb';
  /** Reads every part that can still be read (used to move into memory when writes start failing). */
  readSnapshot(): Promise<StorageSnapshot>;
}

/**
 * Opens the ondeck IndexedDB database and returns storage over it. Models are stored as chunked
 * binary records (`modelChunks`, 1 MiB each by default) and switched in by one readwrite
 * transaction that also moves the current-version pointer, so a crash, reload or quota error
 * leaves the previous version current and complete. Rejects with `storage-unavailable` when the
 * database cannot be opened; later failures reject with the underlying DOMException
 * (`QuotaExceededError`, …): `openEngineStorage` turns those into a fallback to memory.
 *
 * Uses no Node API, so it runs in workers of old TV engines (bundled for Chromium 56).
 *
 * @example
 * ```ts
 * const storage = await createIndexedDbStorage({ indexedDB: self.indexedDB });
 * await storage.saveModel({ manifest, files, storedAt: Date.now() });
 * const current = await storage.loadCurrentModel();
 * ```
 */
export async function createIndexedDbStorage(options: IndexedDbStorageOptions): Promise<IndexedDbEngineStorage> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) {
    throw new OndeckError('invalid-argument', { name: 'chunkBytes', reason: `must be a positive integer, got ${String(chunkBytes)}` });
  }
  const database = await openOndeckDatabase(options);
  return new IndexedDbStorage(database, chunkBytes);
}

/** The chunk store as a readwrite transaction over the model stores sees it. */
type ChunkStore = IDBPObjectStore<OndeckDatabase, ['state', 'models', 'modelChunks'], 'modelChunks', 'readwrite'>;

/** The parts of an idb transaction {@link runTransaction} needs. */
interface TransactionHandle {
  readonly done: Promise<void>;
  abort(): void;
}

/**
 * Runs `body` (which issues requests on `transaction` and pushes their promises onto `pending`)
 * and resolves once every request succeeded and the transaction committed. On any failure it
 * aborts the transaction, so requests already queued roll back instead of committing half an
 * operation, and it silences the rejections that follow the abort.
 */
async function runTransaction<T>(transaction: TransactionHandle, body: (pending: Promise<unknown>[]) => T | Promise<T>): Promise<T> {
  const pending: Promise<unknown>[] = [];
  try {
    const result = await body(pending);
    await Promise.all(pending.concat([transaction.done]));
    return result;
  } catch (error) {
    for (const request of pending) request.catch(ignore);
    transaction.done.catch(ignore);
    try {
      transaction.abort();
    } catch {
      // Already aborted (a failed request aborts it) or already committed: nothing to undo.
    }
    throw error;
  }
}

function ignore(): void {}

/** Key range of every history entry of one profile: `[id] < [id, n] < [id, []]`. */
function profileHistoryRange(profileId: string): IDBKeyRange {
  return IDBKeyRange.bound([profileId], [profileId, []]);
}

/** Key range of every chunk of one file of one version. */
function fileChunkRange(version: number, fileName: string): IDBKeyRange {
  return IDBKeyRange.bound([version, fileName], [version, fileName, []]);
}

/** Key range of every chunk of one version (file names are strings, which sort before arrays). */
function versionChunkRange(version: number): IDBKeyRange {
  return IDBKeyRange.bound([version], [version, []]);
}

/**
 * The entry part of a stored record. A record that is not even an object (damaged, or written by
 * something else) is passed on as it is rather than failing the whole read: the engine skips and
 * counts it (`validateStoredHistory`), and the profile's other records stay usable.
 */
function toHistoryEntry(stored: StoredHistoryEntry): HistoryEntry {
  if (stored === null || typeof stored !== 'object') return stored;
  const { profileId: _profileId, ...entry } = stored;
  return entry;
}

function joinChunks(file: StoredFileMeta, chunks: ReadonlyArray<{ data: ArrayBuffer }>): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.data.byteLength, 0);
  if (chunks.length !== file.chunks || total !== file.bytes) {
    throw new OndeckError('model-corrupt', {
      file: file.name,
      reason: `stored as ${chunks.length} chunks / ${total} bytes, metadata says ${file.chunks} / ${file.bytes}`,
    });
  }
  // A single chunk already is the file: hand out its buffer instead of copying it.
  if (chunks.length === 1) return new Uint8Array(chunks[0].data);
  const bytes = new Uint8Array(file.bytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(new Uint8Array(chunk.data), offset);
    offset += chunk.data.byteLength;
  }
  return bytes;
}

class IndexedDbStorage implements IndexedDbEngineStorage {
  readonly kind = 'indexeddb' as const;

  constructor(
    private readonly database: IDBPDatabase<OndeckDatabase>,
    private readonly chunkBytes: number,
  ) {}

  async loadCurrentModel(): Promise<StoredModel | undefined> {
    // One readonly transaction: the pointer, the metadata and the chunks are read as one snapshot,
    // even if a save commits meanwhile.
    const transaction = this.database.transaction(['state', 'models', 'modelChunks'], 'readonly');
    return runTransaction(transaction, async () => {
      const version = await transaction.objectStore('state').get(CURRENT_MODEL_STATE_KEY);
      if (version === undefined) return undefined;
      if (typeof version !== 'number') {
        throw new OndeckError('model-corrupt', { reason: `current-version pointer is ${JSON.stringify(version)}` });
      }
      const models = transaction.objectStore('models');
      const chunkStore = transaction.objectStore('modelChunks');
      const meta = await models.get(version);
      if (!meta) throw new OndeckError('model-corrupt', { reason: `no metadata for the current version ${version}` });
      const readFiles = async (of: StoredModelMeta): Promise<Map<string, Uint8Array>> => {
        const chunksOfFiles = await Promise.all(of.files.map((file) => chunkStore.getAll(fileChunkRange(of.version, file.name))));
        const files = new Map<string, Uint8Array>();
        of.files.forEach((file, index) => files.set(file.name, joinChunks(file, chunksOfFiles[index])));
        return files;
      };
      if (meta.baseVersion === undefined) return { manifest: meta.manifest, files: await readFiles(meta), storedAt: meta.storedAt };
      // Journaled: the base's files plus this version's delta blobs, in order.
      const base = await models.get(meta.baseVersion);
      if (!base || base.baseVersion !== undefined) {
        throw new OndeckError('model-corrupt', { reason: `version ${version} derives from ${meta.baseVersion}, which is not stored whole` });
      }
      const [files, deltaFiles] = await Promise.all([readFiles(base), readFiles(meta)]);
      const deltas = meta.files.map((file) => deltaFiles.get(file.name) as Uint8Array);
      return { manifest: meta.manifest, files, deltas, storedAt: meta.storedAt };
    });
  }

  async saveModel(model: StoredModel): Promise<void> {
    checkStoredModel(model);
    const version = model.manifest.modelVersion;
    const chunkBytes = this.chunkBytes;
    const files: StoredFileMeta[] = [];
    model.files.forEach((bytes, name) => {
      files.push({ name, bytes: bytes.byteLength, chunks: Math.ceil(bytes.byteLength / chunkBytes) });
    });
    const meta: StoredModelMeta = { version, manifest: model.manifest, files, storedAt: model.storedAt };

    const transaction = this.database.transaction(['state', 'models', 'modelChunks'], 'readwrite');
    await runTransaction(transaction, (pending) => {
      // Order inside one transaction does not matter for atomicity: nothing is visible until the
      // commit, and an abort undoes all of it. The pointer goes first so that the tests' failures
      // in later chunk writes prove the pointer rolls back too.
      pending.push(transaction.objectStore('state').put(version, CURRENT_MODEL_STATE_KEY));
      pending.push(transaction.objectStore('models').put(meta));
      const chunkStore = transaction.objectStore('modelChunks');
      // Chunks of an earlier save under the same version number (a re-save, or a new lineage that
      // restarted numbering) must not survive past the new chunk counts.
      pending.push(chunkStore.delete(versionChunkRange(version)));
      model.files.forEach((bytes, name) => this.putChunks(chunkStore, pending, version, name, bytes));
    });

    // The new version is committed; now older versions can go. A failure here only leaves
    // garbage that the next save removes, so it must not fail the save.
    await this.deleteUnreferencedVersions().catch(ignore);
  }

  async saveModelDelta(delta: StoredModelDelta): Promise<void> {
    checkStoredModelDelta(delta);
    const version = delta.manifest.modelVersion;
    const files: StoredFileMeta[] = delta.deltas.map((bytes, index) => ({
      name: `delta:${index}`,
      bytes: bytes.byteLength,
      chunks: Math.ceil(bytes.byteLength / this.chunkBytes),
    }));
    const meta: StoredModelMeta = { version, manifest: delta.manifest, files, storedAt: delta.storedAt, baseVersion: delta.baseVersion };
    const transaction = this.database.transaction(['state', 'models', 'modelChunks'], 'readwrite');
    await runTransaction(transaction, async (pending) => {
      // The base is checked inside the writing transaction: no save can move the pointer between.
      const current = await transaction.objectStore('state').get(CURRENT_MODEL_STATE_KEY);
      const base = typeof current === 'number' ? await transaction.objectStore('models').get(current) : undefined;
      if (current !== delta.baseVersion || !base || base.baseVersion !== undefined) {
        throw new OndeckError('invalid-argument', { name: 'baseVersion', reason: `${delta.baseVersion} is not the current version stored whole (current: ${String(current)})` });
      }
      pending.push(transaction.objectStore('state').put(version, CURRENT_MODEL_STATE_KEY));
      pending.push(transaction.objectStore('models').put(meta));
      const chunkStore = transaction.objectStore('modelChunks');
      pending.push(chunkStore.delete(versionChunkRange(version)));
      delta.deltas.forEach((bytes, index) => this.putChunks(chunkStore, pending, version, `delta:${index}`, bytes));
    });
  }

  /** Queues the chunk records of one file. */
  private putChunks(chunkStore: ChunkStore, pending: Promise<unknown>[], version: number, name: string, bytes: Uint8Array): void {
    const chunkBytes = this.chunkBytes;
    for (let index = 0, start = 0; start < bytes.byteLength; index++, start += chunkBytes) {
      // slice(), not subarray(): cloning a view would store its whole underlying buffer.
      const data = bytes.slice(start, Math.min(start + chunkBytes, bytes.byteLength)).buffer;
      pending.push(chunkStore.put({ data }, [version, name, index]));
    }
  }

  /**
   * Deletes the metadata and chunks of every version except the one the pointer names and, when
   * that one is journaled, its base.
   */
  private async deleteUnreferencedVersions(): Promise<void> {
    const transaction = this.database.transaction(['state', 'models', 'modelChunks'], 'readwrite');
    await runTransaction(transaction, async (pending) => {
      // Read the pointer inside this transaction: a concurrent save may have moved it since.
      const current = await transaction.objectStore('state').get(CURRENT_MODEL_STATE_KEY);
      if (typeof current !== 'number') return;
      const models = transaction.objectStore('models');
      const chunks = transaction.objectStore('modelChunks');
      const base = (await models.get(current))?.baseVersion;
      const kept = (base === undefined ? [current] : [current, base]).sort((a, b) => a - b);
      // Delete below the first kept version, between the two, and above the last. Chunk keys
      // start with the version: [v] sorts before every chunk of v, [v, []] after all of them.
      const first = kept[0];
      const last = kept[kept.length - 1];
      pending.push(models.delete(IDBKeyRange.upperBound(first, true)));
      pending.push(chunks.delete(IDBKeyRange.upperBound([first], true)));
      if (last !== first) {
        pending.push(models.delete(IDBKeyRange.bound(first, last, true, true)));
        pending.push(chunks.delete(IDBKeyRange.bound([first, []], [last], true, true)));
      }
      pending.push(models.delete(IDBKeyRange.lowerBound(last, true)));
      pending.push(chunks.delete(IDBKeyRange.lowerBound([last, []], true)));
    });
  }

  async getState<T>(key: string): Promise<T | undefined> {
    checkStateKey(key);
    return (await this.database.get('state', key)) as T | undefined;
  }

  async setState(key: string, value: unknown): Promise<void> {
    checkStateKey(key);
    const transaction = this.database.transaction('state', 'readwrite');
    try {
      await runTransaction(transaction, (pending) => {
        pending.push(transaction.store.put(value, key));
      });
    } catch (error) {
      // A value IndexedDB cannot clone is the caller's mistake, not a storage failure.
      if (errorName(error) === 'DataCloneError') {
        throw new OndeckError('invalid-argument', { name: `state value for "${key}"`, reason: 'cannot be stored (not structured-cloneable)' });
      }
      throw error;
    }
  }

  async listProfiles(): Promise<Profile[]> {
    return this.database.getAll('profiles');
  }

  async putProfile(profile: Profile): Promise<void> {
    checkProfile(profile);
    const transaction = this.database.transaction('profiles', 'readwrite');
    await runTransaction(transaction, (pending) => {
      pending.push(transaction.store.put(profile));
    });
  }

  async deleteProfile(id: string): Promise<void> {
    checkProfileId(id);
    const transaction = this.database.transaction(['profiles', 'history'], 'readwrite');
    await runTransaction(transaction, (pending) => {
      pending.push(transaction.objectStore('profiles').delete(id));
      pending.push(transaction.objectStore('history').delete(profileHistoryRange(id)));
    });
  }

  async appendHistory(profileId: string, entry: HistoryEntry, limit: number): Promise<void> {
    checkProfileId(profileId);
    checkHistoryEntry(entry);
    checkHistoryLimit(limit);
    const transaction = this.database.transaction('history', 'readwrite');
    const store = transaction.store;
    await runTransaction(transaction, async (pending) => {
      const range = profileHistoryRange(profileId);
      const keys = await store.getAllKeys(range);
      const lastKey = keys[keys.length - 1];
      const newKey: HistoryKey = [profileId, lastKey ? lastKey[1] + 1 : 0];
      const stored: StoredHistoryEntry = { ...entry, profileId };
      pending.push(store.put(stored, newKey));
      const allKeys = keys.concat([newKey]);
      const excess = allKeys.length - limit;
      // Requests run in order, so this delete sees the new entry (limit 0 removes it as well).
      if (excess > 0) pending.push(store.delete(IDBKeyRange.bound([profileId], allKeys[excess - 1])));
    });
  }

  async loadHistory(profileId: string): Promise<HistoryEntry[]> {
    checkProfileId(profileId);
    const stored = await this.database.getAll('history', profileHistoryRange(profileId));
    return stored.map(toHistoryEntry);
  }

  async clearHistory(profileId: string): Promise<void> {
    checkProfileId(profileId);
    const transaction = this.database.transaction('history', 'readwrite');
    await runTransaction(transaction, (pending) => {
      pending.push(transaction.store.delete(profileHistoryRange(profileId)));
    });
  }

  async readSnapshot(): Promise<StorageSnapshot> {
    const unreadable: string[] = [];
    // Each part on its own: a corrupt model must not cost the viewers their histories.
    const attempt = async <T>(part: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch {
        unreadable.push(part);
        return undefined;
      }
    };
    const model = await attempt('model', () => this.loadCurrentModel());
    const profiles = (await attempt('profiles', () => this.listProfiles())) ?? [];
    const histories = (await attempt('histories', () => this.readAllHistories())) ?? new Map<string, HistoryEntry[]>();
    const state = (await attempt('state', () => this.readAllState())) ?? new Map<string, unknown>();
    return { model, profiles, histories, state, unreadable };
  }

  private async readAllHistories(): Promise<Map<string, HistoryEntry[]>> {
    // Key order is profile, then sequence: each profile's entries come out oldest first.
    const stored = await this.database.getAll('history');
    const histories = new Map<string, HistoryEntry[]>();
    for (const entry of stored) {
      // A damaged record that names no profile (not an object, no string profileId) has no history to go to.
      if (entry === null || typeof entry !== 'object' || typeof entry.profileId !== 'string') continue;
      let history = histories.get(entry.profileId);
      if (!history) histories.set(entry.profileId, (history = []));
      history.push(toHistoryEntry(entry));
    }
    return histories;
  }

  private async readAllState(): Promise<Map<string, unknown>> {
    const transaction = this.database.transaction('state', 'readonly');
    return runTransaction(transaction, async () => {
      // Keys and values of one store in one transaction come back in the same (key) order.
      const keysAndValues = await Promise.all([transaction.store.getAllKeys(), transaction.store.getAll()]);
      const state = new Map<string, unknown>();
      keysAndValues[0].forEach((key, index) => {
        if (key !== CURRENT_MODEL_STATE_KEY) state.set(key, keysAndValues[1][index]);
      });
      return state;
    });
  }

  close(): void {
    this.database.close();
  }
}
