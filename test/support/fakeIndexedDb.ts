import {
  IDBCursor as FakeIDBCursor,
  IDBDatabase as FakeIDBDatabase,
  IDBFactory as FakeIDBFactory,
  IDBIndex as FakeIDBIndex,
  IDBKeyRange as FakeIDBKeyRange,
  IDBObjectStore as FakeIDBObjectStore,
  IDBRequest as FakeIDBRequest,
  IDBTransaction as FakeIDBTransaction,
} from 'fake-indexeddb';
import { afterAll, beforeAll, vi } from 'vitest';
import type { ModelManifest } from '../../models/artifact/ModelManifest';
import type { StoredModel } from '../../worker/storage/EngineStorage';

/**
 * idb checks `instanceof` against the global IndexedDB classes (IDBRequest, IDBDatabase, …) and
 * the storage builds key ranges with the global IDBKeyRange, so the suites stub those classes with
 * fake-indexeddb's for their duration. The `indexedDB` factory itself is NOT made global: every
 * test passes a fresh one explicitly, and "no indexedDB" stays true in Node.
 */
export function useFakeIndexedDbClasses(): void {
  beforeAll(() => {
    vi.stubGlobal('IDBCursor', FakeIDBCursor);
    vi.stubGlobal('IDBDatabase', FakeIDBDatabase);
    vi.stubGlobal('IDBIndex', FakeIDBIndex);
    vi.stubGlobal('IDBKeyRange', FakeIDBKeyRange);
    vi.stubGlobal('IDBObjectStore', FakeIDBObjectStore);
    vi.stubGlobal('IDBRequest', FakeIDBRequest);
    vi.stubGlobal('IDBTransaction', FakeIDBTransaction);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });
}

/** A new, empty IndexedDB (its own set of databases). */
export function freshIndexedDb(): IDBFactory {
  return new FakeIDBFactory();
}

/** fake-indexeddb's object store class, for spying on `put` to inject failures. */
export const FakeObjectStore = FakeIDBObjectStore;

/**
 * Deterministic bytes that differ per model version, file and position, so a chunk of the wrong
 * version, file or order would be caught: byte i = (version·31 + salt·7 + i) mod 251.
 */
export function patternBytes(version: number, salt: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (version * 31 + salt * 7 + i) % 251;
  return bytes;
}

/** A minimal valid manifest for `version`. */
export function testManifest(version: number): ModelManifest {
  return {
    format: 'ondeck-model',
    formatVersion: 1,
    modelVersion: version,
    lineageId: 'lineage-test',
    createdAt: '2026-01-01T00:00:00.000Z',
    dims: 4,
    itemCount: 3,
    foldIn: { alpha: 1, unobservedWeight: 0.3, regularization: 0.01, regularizationExponent: 1 },
    training: { algorithm: 'ials', epochs: 2 },
    files: {},
  };
}

/** A model of `version` whose files have the given sizes (file name → bytes). */
export function testModel(version: number, sizes: Record<string, number>): StoredModel {
  const files = new Map<string, Uint8Array>();
  Object.keys(sizes).forEach((name, index) => files.set(name, patternBytes(version, index, sizes[name])));
  return { manifest: testManifest(version), files, storedAt: 1_700_000_000_000 + version };
}

/** Asserts that `actual` holds exactly the files of `expected`, byte for byte. */
export function sameFiles(actual: ReadonlyMap<string, Uint8Array>, expected: ReadonlyMap<string, Uint8Array>): boolean {
  if (actual.size !== expected.size) return false;
  for (const [name, bytes] of expected) {
    const other = actual.get(name);
    if (!other || other.length !== bytes.length) return false;
    for (let i = 0; i < bytes.length; i++) if (other[i] !== bytes[i]) return false;
  }
  return true;
}
