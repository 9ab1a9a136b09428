import { afterEach, describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import type { HistoryEntry, Profile } from '../../../models/contract/types';
import { CURRENT_MODEL_STATE_KEY } from '../../../worker/storage/checkStorageArguments';
import { createIndexedDbStorage } from '../../../worker/storage/createIndexedDbStorage';
import { createMemoryStorage } from '../../../worker/storage/createMemoryStorage';
import type { EngineStorage } from '../../../worker/storage/EngineStorage';
import { openEngineStorage } from '../../../worker/storage/openEngineStorage';
import { freshIndexedDb, sameFiles, testModel, useFakeIndexedDbClasses } from '../../support/fakeIndexedDb';

useFakeIndexedDbClasses();

const CHUNK_BYTES = 8;

const storageFactories: Array<[string, () => Promise<EngineStorage>]> = [
  ['indexeddb', () => createIndexedDbStorage({ indexedDB: freshIndexedDb(), chunkBytes: CHUNK_BYTES })],
  ['memory', async () => createMemoryStorage()],
  [
    'openEngineStorage (indexeddb behind the memory fallback)',
    async () => {
      const storage = await openEngineStorage({
        indexedDB: freshIndexedDb(),
        chunkBytes: CHUNK_BYTES,
        onError: (error) => {
          throw new Error(`unexpected storage error ${error.code}: ${error.message}`);
        },
      });
      expect(storage.kind).toBe('indexeddb');
      return storage;
    },
  ],
];

function entry(itemId: string, time: number): HistoryEntry {
  return { itemId, type: 'play', time };
}

async function expectInvalidArgument(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOndeckError(error, 'invalid-argument'), `expected invalid-argument, got ${String(error)}`).toBe(true);
}

describe.each(storageFactories)('EngineStorage contract: %s', (_name, createStorage) => {
  let storage: EngineStorage | undefined;
  const open = async (): Promise<EngineStorage> => (storage = await createStorage());
  afterEach(() => {
    if (storage) storage.close();
    storage = undefined;
  });

  it('has no model before the first save', async () => {
    const store = await open();
    expect(await store.loadCurrentModel()).toBeUndefined();
  });

  it('round-trips a model whose files are 0 bytes, one chunk, one chunk + 1 and several chunks', async () => {
    const store = await open();
    const model = testModel(3, {
      'empty.bin': 0,
      'one-chunk.bin': CHUNK_BYTES,
      'chunk-plus-one.bin': CHUNK_BYTES + 1,
      'several.bin': 3 * CHUNK_BYTES + 5,
    });
    await store.saveModel(model);
    const loaded = await store.loadCurrentModel();
    expect(loaded).toBeDefined();
    expect(loaded!.manifest).toEqual(model.manifest);
    expect(loaded!.storedAt).toBe(model.storedAt);
    expect(Array.from(loaded!.files.keys()).sort()).toEqual(['chunk-plus-one.bin', 'empty.bin', 'one-chunk.bin', 'several.bin']);
    expect(loaded!.files.get('empty.bin')!.length).toBe(0);
    expect(loaded!.files.get('chunk-plus-one.bin')!.length).toBe(CHUNK_BYTES + 1);
    expect(sameFiles(loaded!.files, model.files)).toBe(true);
  });

  it('keeps its own copy of the model bytes, in and out', async () => {
    const store = await open();
    const model = testModel(1, { 'factors.bin': 20 });
    const expected = model.files.get('factors.bin')!.slice();
    await store.saveModel(model);
    model.files.get('factors.bin')!.fill(0);
    const first = await store.loadCurrentModel();
    first!.files.get('factors.bin')!.fill(255);
    const second = await store.loadCurrentModel();
    expect(Array.from(second!.files.get('factors.bin')!)).toEqual(Array.from(expected));
  });

  it('makes the newest saved version current, also when the version number goes down (rollback)', async () => {
    const store = await open();
    await store.saveModel(testModel(1, { 'a.bin': 10 }));
    await store.saveModel(testModel(2, { 'a.bin': 17, 'b.bin': 3 }));
    let loaded = await store.loadCurrentModel();
    expect(loaded!.manifest.modelVersion).toBe(2);
    expect(sameFiles(loaded!.files, testModel(2, { 'a.bin': 17, 'b.bin': 3 }).files)).toBe(true);
    await store.saveModel(testModel(1, { 'a.bin': 10 }));
    loaded = await store.loadCurrentModel();
    expect(loaded!.manifest.modelVersion).toBe(1);
    expect(sameFiles(loaded!.files, testModel(1, { 'a.bin': 10 }).files)).toBe(true);
  });

  it('re-saving the same version with smaller files leaves no stale bytes behind', async () => {
    const store = await open();
    await store.saveModel(testModel(4, { 'a.bin': 5 * CHUNK_BYTES, 'b.bin': 9 }));
    const smaller = testModel(4, { 'a.bin': CHUNK_BYTES + 2 });
    await store.saveModel(smaller);
    const loaded = await store.loadCurrentModel();
    expect(sameFiles(loaded!.files, smaller.files)).toBe(true);
  });

  it('rejects a model without an integer version', async () => {
    const store = await open();
    const model = testModel(1, { 'a.bin': 1 });
    await expectInvalidArgument(store.saveModel({ ...model, manifest: { ...model.manifest, modelVersion: 1.5 } }));
  });

  it('journals a version as its base plus deltas, then a whole save of it replaces both', async () => {
    const store = await open();
    const base = testModel(5, { 'a.bin': 3 * CHUNK_BYTES + 1, 'b.bin': 4 });
    await store.saveModel(base);
    const deltas = [new Uint8Array([1, 2, 3]), new Uint8Array(2 * CHUNK_BYTES + 3).fill(9)];
    const next = testModel(6, { 'a.bin': 2 });
    await store.saveModelDelta({ manifest: next.manifest, baseVersion: 5, deltas, storedAt: next.storedAt });
    deltas[0].fill(0);
    let loaded = await store.loadCurrentModel();
    expect(loaded!.manifest).toEqual(next.manifest);
    expect(loaded!.storedAt).toBe(next.storedAt);
    expect(sameFiles(loaded!.files, base.files)).toBe(true);
    expect(loaded!.deltas!.map((bytes) => Array.from(bytes))).toEqual([[1, 2, 3], Array.from(new Uint8Array(2 * CHUNK_BYTES + 3).fill(9))]);
    // The journaled version is not a base for another delta: it must be stored whole first.
    await expectInvalidArgument(store.saveModelDelta({ manifest: testModel(7, {}).manifest, baseVersion: 6, deltas: [new Uint8Array(1)], storedAt: 1 }));
    await store.saveModel(next);
    loaded = await store.loadCurrentModel();
    expect(loaded!.deltas).toBeUndefined();
    expect(sameFiles(loaded!.files, next.files)).toBe(true);
    await store.saveModelDelta({ manifest: testModel(7, {}).manifest, baseVersion: 6, deltas: [new Uint8Array(1)], storedAt: 1 });
    expect((await store.loadCurrentModel())!.manifest.modelVersion).toBe(7);
  });

  it('refuses a delta whose base is not the current version, and bad delta arguments', async () => {
    const store = await open();
    const delta = { manifest: testModel(2, {}).manifest, baseVersion: 1, deltas: [new Uint8Array(4)], storedAt: 1 };
    await expectInvalidArgument(store.saveModelDelta(delta));
    await store.saveModel(testModel(3, { 'a.bin': 1 }));
    await expectInvalidArgument(store.saveModelDelta(delta));
    await store.saveModel(testModel(1, { 'a.bin': 1 }));
    await expectInvalidArgument(store.saveModelDelta({ ...delta, deltas: [] }));
    await expectInvalidArgument(store.saveModelDelta({ ...delta, baseVersion: 2 }));
    const loaded = await store.loadCurrentModel();
    expect(loaded!.manifest.modelVersion).toBe(1);
    expect(loaded!.deltas).toBeUndefined();
    await expectInvalidArgument(store.saveModel({ ...testModel(2, {}), deltas: [new Uint8Array(1)] }));
  });

  it('stores state values by key and reserves the model pointer key', async () => {
    const store = await open();
    expect(await store.getState('lastSync')).toBeUndefined();
    await store.setState('lastSync', '2026-01-02T03:04:05.000Z');
    await store.setState('etag', { value: 'abc', sizes: [1, 2, 3] });
    await store.setState('lastSync', '2026-02-02T00:00:00.000Z');
    expect(await store.getState<string>('lastSync')).toBe('2026-02-02T00:00:00.000Z');
    expect(await store.getState('etag')).toEqual({ value: 'abc', sizes: [1, 2, 3] });
    await expectInvalidArgument(store.setState(CURRENT_MODEL_STATE_KEY, 7));
    await expectInvalidArgument(store.getState(CURRENT_MODEL_STATE_KEY));
  });

  it('lists profiles by id, replaces a profile with the same id', async () => {
    const store = await open();
    const kids: Profile = { id: 'kids', name: 'Kids', maturityLimit: 7, createdAt: 2 };
    await store.putProfile({ id: 'main', name: 'Main', createdAt: 1 });
    await store.putProfile(kids);
    await store.putProfile({ id: 'main', name: 'Grown-ups', createdAt: 1 });
    expect(await store.listProfiles()).toEqual([kids, { id: 'main', name: 'Grown-ups', createdAt: 1 }]);
    await expectInvalidArgument(store.putProfile({ id: '', name: 'nobody', createdAt: 0 }));
  });

  it('returns history oldest first, per profile', async () => {
    const store = await open();
    expect(await store.loadHistory('main')).toEqual([]);
    await store.appendHistory('main', entry('m1', 10), 100);
    await store.appendHistory('kids', entry('k1', 11), 100);
    await store.appendHistory('main', { itemId: 'm2', type: 'progress', time: 12, progress: 0.5 }, 100);
    await store.appendHistory('kids', entry('k2', 13), 100);
    // Same time as m2: order comes from insertion, not from the time field.
    await store.appendHistory('main', entry('m3', 12), 100);
    expect(await store.loadHistory('main')).toEqual([entry('m1', 10), { itemId: 'm2', type: 'progress', time: 12, progress: 0.5 }, entry('m3', 12)]);
    expect(await store.loadHistory('kids')).toEqual([entry('k1', 11), entry('k2', 13)]);
  });

  it('trims each profile to its newest `limit` entries', async () => {
    const store = await open();
    for (let i = 0; i < 10; i++) {
      await store.appendHistory('main', entry(`m${i}`, i), 4);
      if (i < 3) await store.appendHistory('kids', entry(`k${i}`, i), 4);
    }
    expect((await store.loadHistory('main')).map((e) => e.itemId)).toEqual(['m6', 'm7', 'm8', 'm9']);
    expect((await store.loadHistory('kids')).map((e) => e.itemId)).toEqual(['k0', 'k1', 'k2']);
    // A smaller limit on the next append trims further; the sequence keeps counting up after trims.
    await store.appendHistory('main', entry('m10', 10), 2);
    expect((await store.loadHistory('main')).map((e) => e.itemId)).toEqual(['m9', 'm10']);
    await store.appendHistory('main', entry('m11', 11), Infinity);
    expect((await store.loadHistory('main')).map((e) => e.itemId)).toEqual(['m9', 'm10', 'm11']);
    await store.appendHistory('main', entry('m12', 12), 0);
    expect(await store.loadHistory('main')).toEqual([]);
    expect((await store.loadHistory('kids')).map((e) => e.itemId)).toEqual(['k0', 'k1', 'k2']);
  });

  it('clearHistory forgets one profile only, and appending starts afresh', async () => {
    const store = await open();
    await store.appendHistory('main', entry('m1', 1), 10);
    await store.appendHistory('kids', entry('k1', 2), 10);
    await store.clearHistory('main');
    expect(await store.loadHistory('main')).toEqual([]);
    expect(await store.loadHistory('kids')).toEqual([entry('k1', 2)]);
    await store.appendHistory('main', entry('m2', 3), 10);
    expect(await store.loadHistory('main')).toEqual([entry('m2', 3)]);
  });

  it('deleteProfile removes the profile and its history, nothing else', async () => {
    const store = await open();
    await store.putProfile({ id: 'main', name: 'Main', createdAt: 1 });
    await store.putProfile({ id: 'main2', name: 'Prefix twin', createdAt: 2 });
    await store.appendHistory('main', entry('m1', 1), 10);
    await store.appendHistory('main2', entry('x1', 2), 10);
    await store.deleteProfile('main');
    expect((await store.listProfiles()).map((p) => p.id)).toEqual(['main2']);
    expect(await store.loadHistory('main')).toEqual([]);
    expect(await store.loadHistory('main2')).toEqual([entry('x1', 2)]);
  });

  it('refuses bad history arguments', async () => {
    const store = await open();
    await expectInvalidArgument(store.appendHistory('main', entry('m1', 1), -1));
    await expectInvalidArgument(store.appendHistory('main', entry('m1', 1), 2.5));
    await expectInvalidArgument(store.appendHistory('', entry('m1', 1), 10));
    await expectInvalidArgument(store.appendHistory('main', { itemId: 'm1', type: 'play', time: Number.NaN }, 10));
    await expectInvalidArgument(store.loadHistory(''));
    expect(await store.loadHistory('main')).toEqual([]);
  });
});
