import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OndeckError } from '../../../models/errors/OndeckError';
import { isOndeckError } from '../../../models/errors/OndeckError';
import type { HistoryEntry } from '../../../models/contract/types';
import { createIndexedDbStorage } from '../../../worker/storage/createIndexedDbStorage';
import type { EngineStorage } from '../../../worker/storage/EngineStorage';
import { openEngineStorage } from '../../../worker/storage/openEngineStorage';
import { openOndeckDatabase } from '../../../worker/storage/openOndeckDatabase';
import { FakeObjectStore, freshIndexedDb, sameFiles, testModel, useFakeIndexedDbClasses } from '../../support/fakeIndexedDb';

useFakeIndexedDbClasses();

const CHUNK_BYTES = 8;

function entry(itemId: string, time: number): HistoryEntry {
  return { itemId, type: 'play', time };
}

/** Makes every `put` into `storeName` throw a QuotaExceededError, as a full disk would. */
function failPutsWithQuota(storeName: string): void {
  const originalPut = FakeObjectStore.prototype.put;
  vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (this.name === storeName) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return originalPut.call(this, value, key);
  });
}

describe('openEngineStorage', () => {
  const opened: EngineStorage[] = [];
  const track = <T extends EngineStorage>(storage: T): T => {
    opened.push(storage);
    return storage;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    while (opened.length > 0) opened.pop()!.close();
  });

  it('falls back to memory and reports storage-unavailable when there is no indexedDB', async () => {
    expect(typeof (globalThis as { indexedDB?: unknown }).indexedDB).toBe('undefined');
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ onError: (error) => errors.push(error) }));
    expect(storage.kind).toBe('memory');
    expect(errors.map((e) => e.code)).toEqual(['storage-unavailable']);
    // And it works as storage.
    await storage.appendHistory('main', entry('a', 1), 10);
    expect(await storage.loadHistory('main')).toEqual([entry('a', 1)]);
  });

  it('falls back to memory when the open fails (database at a newer schema version)', async () => {
    const indexedDB = freshIndexedDb();
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('ondeck', 99);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, onError: (error) => errors.push(error) }));
    expect(storage.kind).toBe('memory');
    expect(errors.map((e) => e.code)).toEqual(['storage-unavailable']);
    expect(errors[0].details.errorName).toBe('VersionError');
  });

  it('falls back to memory when indexedDB.open throws (Firefox private mode)', async () => {
    const throwingFactory = {
      open() {
        throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
      },
    } as unknown as IDBFactory;
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB: throwingFactory, onError: (error) => errors.push(error) }));
    expect(storage.kind).toBe('memory');
    expect(errors.map((e) => e.code)).toEqual(['storage-unavailable']);
    expect(errors[0].details.errorName).toBe('InvalidStateError');
  });

  it('falls back to memory when the open never answers', async () => {
    // A request whose events never fire, as with a blocked upgrade that nobody releases.
    const silentFactory = { open: () => ({}) } as unknown as IDBFactory;
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB: silentFactory, openTimeoutMs: 5, onError: (error) => errors.push(error) }));
    expect(storage.kind).toBe('memory');
    expect(errors.map((e) => e.code)).toEqual(['storage-unavailable']);
  });

  it('survives a QuotaExceededError on appendHistory: reports storage-quota, keeps the entry in memory, loses nothing readable', async () => {
    const indexedDB = freshIndexedDb();
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, chunkBytes: CHUNK_BYTES, onError: (error) => errors.push(error) }));
    const model = testModel(3, { 'factors.bin': 19, 'catalog.json': 4 });
    await storage.saveModel(model);
    await storage.putProfile({ id: 'main', name: 'Main', createdAt: 1 });
    await storage.appendHistory('main', entry('a', 1), 10);
    await storage.appendHistory('main', entry('b', 2), 10);
    await storage.appendHistory('guest', entry('g', 3), 10);
    await storage.setState('lastSync', 'today');
    expect(storage.kind).toBe('indexeddb');
    expect(errors).toEqual([]);

    failPutsWithQuota('history');
    await expect(storage.appendHistory('main', entry('c', 4), 10)).resolves.toBeUndefined();
    expect(errors.map((e) => e.code)).toEqual(['storage-quota']);
    expect(errors[0].details.operation).toBe('appendHistory');
    expect(errors[0].details.unreadable).toEqual([]);
    expect(storage.kind).toBe('memory');

    expect(await storage.loadHistory('main')).toEqual([entry('a', 1), entry('b', 2), entry('c', 4)]);
    expect(await storage.loadHistory('guest')).toEqual([entry('g', 3)]);
    expect(await storage.listProfiles()).toEqual([{ id: 'main', name: 'Main', createdAt: 1 }]);
    expect(await storage.getState('lastSync')).toBe('today');
    const loaded = await storage.loadCurrentModel();
    expect(sameFiles(loaded!.files, model.files)).toBe(true);
    // Later operations stay in memory (no second report) and keep trimming.
    await storage.appendHistory('main', entry('d', 5), 3);
    expect((await storage.loadHistory('main')).map((e) => e.itemId)).toEqual(['b', 'c', 'd']);
    expect(errors).toHaveLength(1);

    // The database itself still holds the history from before the failure, for the next start.
    vi.restoreAllMocks();
    const reopened = track(await createIndexedDbStorage({ indexedDB, chunkBytes: CHUNK_BYTES }));
    expect(await reopened.loadHistory('main')).toEqual([entry('a', 1), entry('b', 2)]);
  });

  it('also absorbs a quota error that aborts the transaction at commit time, as Chromium reports it', async () => {
    const indexedDB = freshIndexedDb();
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, chunkBytes: CHUNK_BYTES, onError: (error) => errors.push(error) }));
    const previous = testModel(1, { 'factors.bin': 12 });
    await storage.saveModel(previous);
    await storage.appendHistory('main', entry('a', 1), 10);

    // The last chunk's write succeeds, then the transaction aborts with a QuotaExceededError
    // (fake-indexeddb's internal `_abort(name)` sets transaction.error like a real engine does).
    const next = testModel(2, { 'factors.bin': 30 });
    const lastChunkKey = JSON.stringify([2, 'factors.bin', 3]);
    const originalPut = FakeObjectStore.prototype.put;
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = originalPut.call(this, value, key) as IDBRequest;
      if (JSON.stringify(key) === lastChunkKey) {
        const transaction = this.transaction as IDBTransaction & { _abort(errorName: string): void };
        request.addEventListener('success', () => transaction._abort('QuotaExceededError'));
      }
      return request;
    });
    await expect(storage.saveModel(next)).resolves.toBeUndefined();
    expect(errors.map((e) => [e.code, e.details.operation, e.details.errorName])).toEqual([['storage-quota', 'saveModel', 'QuotaExceededError']]);
    expect(storage.kind).toBe('memory');
    expect(sameFiles((await storage.loadCurrentModel())!.files, next.files)).toBe(true);
    expect(await storage.loadHistory('main')).toEqual([entry('a', 1)]);

    vi.restoreAllMocks();
    const reopened = track(await createIndexedDbStorage({ indexedDB, chunkBytes: CHUNK_BYTES }));
    expect(sameFiles((await reopened.loadCurrentModel())!.files, previous.files)).toBe(true);
  });

  it('a saveModel that hits the quota keeps the previous model current in IndexedDB and serves the new one from memory', async () => {
    const indexedDB = freshIndexedDb();
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, chunkBytes: CHUNK_BYTES, onError: (error) => errors.push(error) }));
    const previous = testModel(1, { 'factors.bin': 12 });
    const next = testModel(2, { 'factors.bin': 30 });
    await storage.saveModel(previous);

    failPutsWithQuota('modelChunks');
    await expect(storage.saveModel(next)).resolves.toBeUndefined();
    expect(errors.map((e) => [e.code, e.details.operation])).toEqual([['storage-quota', 'saveModel']]);
    expect(storage.kind).toBe('memory');
    const current = await storage.loadCurrentModel();
    expect(current!.manifest.modelVersion).toBe(2);
    expect(sameFiles(current!.files, next.files)).toBe(true);

    vi.restoreAllMocks();
    const reopened = track(await createIndexedDbStorage({ indexedDB, chunkBytes: CHUNK_BYTES }));
    const persisted = await reopened.loadCurrentModel();
    expect(persisted!.manifest.modelVersion).toBe(1);
    expect(sameFiles(persisted!.files, previous.files)).toBe(true);
  });

  it('hands damaged history records on as stored, and still copies the readable history to memory on a fallback', async () => {
    const indexedDB = freshIndexedDb();
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, onError: (error) => errors.push(error) }));
    await storage.appendHistory('main', entry('a', 1), 10);
    const db = await openOndeckDatabase({ indexedDB });
    await db.put('history', null as never, ['main', 1]);
    await db.put('history', { profileId: 'main', itemId: 'b', type: 'play', time: Number.NaN }, ['main', 2]);
    db.close();
    await storage.appendHistory('main', entry('c', 3), 10);
    const damaged = { itemId: 'b', type: 'play', time: Number.NaN };
    // Sorting them out is the reader's job (the engine's validateStoredHistory counts them).
    expect(await storage.loadHistory('main')).toEqual([entry('a', 1), null, damaged, entry('c', 3)]);
    expect(storage.kind).toBe('indexeddb');

    failPutsWithQuota('history');
    await storage.appendHistory('main', entry('d', 4), 10);
    expect(errors.map((e) => e.code)).toEqual(['storage-quota']);
    expect(errors[0].details.unreadable).toEqual([]);
    // A record that is not even an object names no profile, so only it is left behind.
    expect(await storage.loadHistory('main')).toEqual([entry('a', 1), damaged, entry('c', 3), entry('d', 4)]);
  });

  it('reports other failures as storage-failed, and only once for concurrent failures', async () => {
    const indexedDB = freshIndexedDb();
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, onError: (error) => errors.push(error) }));
    await storage.putProfile({ id: 'main', name: 'Main', createdAt: 1 });
    const originalPut = FakeObjectStore.prototype.put;
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name !== 'profiles') throw new DOMException('disk went away', 'UnknownError');
      return originalPut.call(this, value, key);
    });
    await Promise.all([storage.appendHistory('main', entry('a', 1), 10), storage.appendHistory('main', entry('b', 2), 10), storage.setState('k', 1)]);
    expect(errors.map((e) => e.code)).toEqual(['storage-failed']);
    expect(storage.kind).toBe('memory');
    expect((await storage.loadHistory('main')).map((e) => e.itemId).sort()).toEqual(['a', 'b']);
    expect(await storage.getState('k')).toBe(1);
    expect(await storage.listProfiles()).toEqual([{ id: 'main', name: 'Main', createdAt: 1 }]);
  });

  it('passes caller mistakes through without leaving IndexedDB', async () => {
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB: freshIndexedDb(), onError: (error) => errors.push(error) }));
    const error = await storage.appendHistory('main', entry('a', 1), -1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
    expect(storage.kind).toBe('indexeddb');
    expect(errors).toEqual([]);
  });

  it('treats a corrupt stored model as absent, reports model-corrupt and stays on IndexedDB', async () => {
    const indexedDB = freshIndexedDb();
    const errors: OndeckError[] = [];
    const storage = track(await openEngineStorage({ indexedDB, chunkBytes: CHUNK_BYTES, onError: (error) => errors.push(error) }));
    await storage.saveModel(testModel(1, { 'factors.bin': 20 }));
    const db = await openOndeckDatabase({ indexedDB });
    await db.delete('modelChunks', [1, 'factors.bin', 2]);
    db.close();
    expect(await storage.loadCurrentModel()).toBeUndefined();
    expect(errors.map((e) => e.code)).toEqual(['model-corrupt']);
    expect(storage.kind).toBe('indexeddb');
    // The next save repairs it.
    const repaired = testModel(2, { 'factors.bin': 20 });
    await storage.saveModel(repaired);
    expect(sameFiles((await storage.loadCurrentModel())!.files, repaired.files)).toBe(true);
  });

  it('a throwing onError listener does not break the fallback', async () => {
    const storage = track(
      await openEngineStorage({
        onError: () => {
          throw new Error('listener bug');
        },
      }),
    );
    expect(storage.kind).toBe('memory');
    await storage.setState('k', 'v');
    expect(await storage.getState('k')).toBe('v');
  });
});
