import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { CURRENT_MODEL_STATE_KEY } from '../../../worker/storage/checkStorageArguments';
import { createIndexedDbStorage, type IndexedDbEngineStorage } from '../../../worker/storage/createIndexedDbStorage';
import { openOndeckDatabase } from '../../../worker/storage/openOndeckDatabase';
import { FakeObjectStore, freshIndexedDb, sameFiles, testModel, useFakeIndexedDbClasses } from '../../support/fakeIndexedDb';

useFakeIndexedDbClasses();

const CHUNK_BYTES = 8;

/** What the database holds, read with a separate connection. */
async function inspect(indexedDB: IDBFactory) {
  const db = await openOndeckDatabase({ indexedDB });
  const chunkKeys = await db.getAllKeys('modelChunks');
  const chunkSizes = (await db.getAll('modelChunks')).map((chunk) => chunk.data.byteLength);
  const models = await db.getAll('models');
  const pointer = await db.get('state', CURRENT_MODEL_STATE_KEY);
  db.close();
  return { chunkKeys, chunkSizes, models, pointer };
}

describe('createIndexedDbStorage', () => {
  const opened: IndexedDbEngineStorage[] = [];
  const open = async (indexedDB: IDBFactory) => {
    const storage = await createIndexedDbStorage({ indexedDB, chunkBytes: CHUNK_BYTES });
    opened.push(storage);
    return storage;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    while (opened.length > 0) opened.pop()!.close();
  });

  it('stores each file as ceil(bytes / chunkBytes) chunk records keyed [version, file, index]', async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    await storage.saveModel(testModel(5, { 'z-empty.bin': 0, 'b-one.bin': 8, 'a-nine.bin': 9, 'c-twenty.bin': 20 }));
    const { chunkKeys, chunkSizes, models, pointer } = await inspect(indexedDB);
    expect(chunkKeys).toEqual([
      [5, 'a-nine.bin', 0],
      [5, 'a-nine.bin', 1],
      [5, 'b-one.bin', 0],
      [5, 'c-twenty.bin', 0],
      [5, 'c-twenty.bin', 1],
      [5, 'c-twenty.bin', 2],
    ]);
    expect(chunkSizes).toEqual([8, 1, 8, 8, 8, 4]);
    expect(pointer).toBe(5);
    expect(models.map((m) => m.version)).toEqual([5]);
    expect(models[0].files).toEqual([
      { name: 'z-empty.bin', bytes: 0, chunks: 0 },
      { name: 'b-one.bin', bytes: 8, chunks: 1 },
      { name: 'a-nine.bin', bytes: 9, chunks: 2 },
      { name: 'c-twenty.bin', bytes: 20, chunks: 3 },
    ]);
  });

  it('keeps everything across close and reopen', async () => {
    const indexedDB = freshIndexedDb();
    const model = testModel(2, { 'factors.bin': 30, 'catalog.json': 3 });
    const first = await open(indexedDB);
    await first.saveModel(model);
    await first.putProfile({ id: 'main', name: 'Main', createdAt: 1 });
    await first.appendHistory('main', { itemId: 'a', type: 'play', time: 1 }, 10);
    await first.appendHistory('main', { itemId: 'b', type: 'like', time: 2 }, 10);
    await first.setState('lastSync', 'yesterday');
    first.close();

    const second = await open(indexedDB);
    const loaded = await second.loadCurrentModel();
    expect(sameFiles(loaded!.files, model.files)).toBe(true);
    expect(await second.listProfiles()).toEqual([{ id: 'main', name: 'Main', createdAt: 1 }]);
    expect((await second.loadHistory('main')).map((e) => e.itemId)).toEqual(['a', 'b']);
    expect(await second.getState('lastSync')).toBe('yesterday');
    // The sequence continues after a reopen: the new entry sorts after the old ones.
    await second.appendHistory('main', { itemId: 'c', type: 'play', time: 0 }, 10);
    expect((await second.loadHistory('main')).map((e) => e.itemId)).toEqual(['a', 'b', 'c']);
  });

  it('deletes older versions once a new one is committed (also on rollback to a lower number)', async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    await storage.saveModel(testModel(1, { 'a.bin': 20 }));
    await storage.saveModel(testModel(2, { 'a.bin': 9, 'b.bin': 1 }));
    await storage.saveModel(testModel(3, { 'a.bin': 17 }));
    let state = await inspect(indexedDB);
    expect(state.models.map((m) => m.version)).toEqual([3]);
    expect(state.chunkKeys).toEqual([
      [3, 'a.bin', 0],
      [3, 'a.bin', 1],
      [3, 'a.bin', 2],
    ]);
    await storage.saveModel(testModel(2, { 'b.bin': 3 }));
    state = await inspect(indexedDB);
    expect(state.pointer).toBe(2);
    expect(state.models.map((m) => m.version)).toEqual([2]);
    expect(state.chunkKeys).toEqual([[2, 'b.bin', 0]]);
  });

  it("keeps a journaled version's base until the version is saved whole, then keeps only that", async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    await storage.saveModel(testModel(1, { 'a.bin': 9 }));
    await storage.saveModel(testModel(2, { 'a.bin': 20 }));
    await storage.saveModelDelta({ manifest: testModel(3, {}).manifest, baseVersion: 2, deltas: [new Uint8Array(10), new Uint8Array(3)], storedAt: 3 });
    let state = await inspect(indexedDB);
    expect(state.pointer).toBe(3);
    expect(state.models.map((m) => [m.version, m.baseVersion])).toEqual([
      [2, undefined],
      [3, 2],
    ]);
    expect(state.chunkKeys).toEqual([
      [2, 'a.bin', 0],
      [2, 'a.bin', 1],
      [2, 'a.bin', 2],
      [3, 'delta:0', 0],
      [3, 'delta:0', 1],
      [3, 'delta:1', 0],
    ]);
    await storage.saveModel(testModel(3, { 'a.bin': 4 }));
    state = await inspect(indexedDB);
    expect(state.models.map((m) => [m.version, m.baseVersion])).toEqual([[3, undefined]]);
    expect(state.chunkKeys).toEqual([[3, 'a.bin', 0]]);
  });

  it('a journal write that fails (second delta chunk) leaves the base current and whole', async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    const previous = testModel(1, { 'factors.bin': 20 });
    await storage.saveModel(previous);
    const before = await inspect(indexedDB);
    const originalPut = FakeObjectStore.prototype.put;
    let chunkPuts = 0;
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'modelChunks' && ++chunkPuts === 2) throw new DOMException('simulated quota', 'QuotaExceededError');
      return originalPut.call(this, value, key);
    });
    const failure = await storage.saveModelDelta({ manifest: testModel(2, {}).manifest, baseVersion: 1, deltas: [new Uint8Array(12)], storedAt: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    vi.restoreAllMocks();
    expect((failure as DOMException).name).toBe('QuotaExceededError');
    const loaded = await storage.loadCurrentModel();
    expect(loaded!.manifest.modelVersion).toBe(1);
    expect(loaded!.deltas).toBeUndefined();
    expect(sameFiles(loaded!.files, previous.files)).toBe(true);
    expect(await inspect(indexedDB)).toEqual(before);
  });

  it('a save that throws mid-way (third chunk write) leaves the previous model current, complete and alone', async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    const previous = testModel(1, { 'factors.bin': 20, 'catalog.json': 5 });
    await storage.saveModel(previous);
    const before = await inspect(indexedDB);

    const originalPut = FakeObjectStore.prototype.put;
    let chunkPuts = 0;
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      // By now the pointer, the metadata and two chunks of version 2 are already queued.
      if (this.name === 'modelChunks' && ++chunkPuts === 3) throw new DOMException('simulated failure', 'UnknownError');
      return originalPut.call(this, value, key);
    });
    const failure = await storage.saveModel(testModel(2, { 'factors.bin': 40 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((failure as DOMException).name).toBe('UnknownError');
    vi.restoreAllMocks();

    const loaded = await storage.loadCurrentModel();
    expect(loaded!.manifest.modelVersion).toBe(1);
    expect(sameFiles(loaded!.files, previous.files)).toBe(true);
    expect(await inspect(indexedDB)).toEqual(before);
  });

  it('a save whose transaction aborts after its last write (crash before commit) changes nothing', async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    const previous = testModel(1, { 'factors.bin': 20 });
    await storage.saveModel(previous);
    const before = await inspect(indexedDB);

    const next = testModel(2, { 'factors.bin': 33, 'catalog.json': 2 });
    const lastChunkKey = JSON.stringify([2, 'catalog.json', 0]);
    const originalPut = FakeObjectStore.prototype.put;
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = originalPut.call(this, value, key) as IDBRequest;
      if (JSON.stringify(key) === lastChunkKey) {
        // Every write of the save, the pointer included, has run; the commit has not happened.
        const transaction = this.transaction;
        request.addEventListener('success', () => transaction.abort());
      }
      return request;
    });
    const failure = await storage.saveModel(next).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((failure as DOMException).name).toBe('AbortError');
    vi.restoreAllMocks();

    const loaded = await storage.loadCurrentModel();
    expect(loaded!.manifest.modelVersion).toBe(1);
    expect(sameFiles(loaded!.files, previous.files)).toBe(true);
    expect(await inspect(indexedDB)).toEqual(before);
  });

  it('reports a model with a missing chunk as model-corrupt', async () => {
    const indexedDB = freshIndexedDb();
    const storage = await open(indexedDB);
    await storage.saveModel(testModel(1, { 'factors.bin': 20 }));
    const db = await openOndeckDatabase({ indexedDB });
    await db.delete('modelChunks', [1, 'factors.bin', 1]);
    db.close();
    const error = await storage.loadCurrentModel().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOndeckError(error, 'model-corrupt')).toBe(true);
    expect((error as { details: { file: string } }).details.file).toBe('factors.bin');
  });

  it('turns a value IndexedDB cannot clone into invalid-argument', async () => {
    const storage = await open(freshIndexedDb());
    const error = await storage
      .setState('callback', () => 1)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
  });

  it('refuses a chunk size that is not a positive integer', async () => {
    const error = await createIndexedDbStorage({ indexedDB: freshIndexedDb(), chunkBytes: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
  });
});
