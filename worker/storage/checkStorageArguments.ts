import { OndeckError } from '../../models/errors/OndeckError';
import type { HistoryEntry, Profile } from '../../models/contract/types';
import type { StoredModel, StoredModelDelta } from './EngineStorage';
import { STATE_KEYS } from './OndeckDatabaseSchema';

/**
 * State key under which the IndexedDB storage keeps the "current model version" pointer (in the
 * same store as other state, so the pointer and the model commit in one transaction). Reserved in
 * every storage so both implementations accept the same keys.
 */
export const CURRENT_MODEL_STATE_KEY = STATE_KEYS.currentModelVersion;

/**
 * Throws `invalid-argument` unless `id` is a non-empty string.
 *
 * @example
 * ```ts
 * checkProfileId('kids'); // ok
 * checkProfileId('');     // throws OndeckError invalid-argument
 * ```
 */
export function checkProfileId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new OndeckError('invalid-argument', { name: 'profile id', reason: `must be a non-empty string, got ${JSON.stringify(id)}` });
  }
}

/**
 * Throws `invalid-argument` unless `profile` has a valid id.
 *
 * @example
 * ```ts
 * checkProfile({ id: 'kids', name: 'Kids', createdAt: Date.now() });
 * ```
 */
export function checkProfile(profile: Profile): void {
  if (profile === null || typeof profile !== 'object') {
    throw new OndeckError('invalid-argument', { name: 'profile', reason: 'must be an object' });
  }
  checkProfileId(profile.id);
}

/**
 * Throws `invalid-argument` unless `limit` is a non-negative integer or `Infinity`.
 *
 * @example
 * ```ts
 * checkHistoryLimit(500);      // ok
 * checkHistoryLimit(Infinity); // ok: never trim
 * checkHistoryLimit(-1);       // throws
 * ```
 */
export function checkHistoryLimit(limit: number): void {
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new OndeckError('invalid-argument', { name: 'history limit', reason: `must be a non-negative integer, got ${String(limit)}` });
  }
}

/**
 * Throws `invalid-argument` unless `entry` looks like a history entry (item id and finite time).
 *
 * @example
 * ```ts
 * checkHistoryEntry({ itemId: 'tt0110357', type: 'play', time: Date.now() });
 * ```
 */
export function checkHistoryEntry(entry: HistoryEntry): void {
  if (entry === null || typeof entry !== 'object' || typeof entry.itemId !== 'string' || !Number.isFinite(entry.time)) {
    throw new OndeckError('invalid-argument', { name: 'history entry', reason: 'needs a string itemId and a finite time' });
  }
}

/**
 * Throws `invalid-argument` for a non-string or reserved state key.
 *
 * @example
 * ```ts
 * checkStateKey('lastSync'); // ok
 * checkStateKey(CURRENT_MODEL_STATE_KEY); // throws
 * ```
 */
export function checkStateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new OndeckError('invalid-argument', { name: 'state key', reason: 'must be a non-empty string' });
  }
  if (key === CURRENT_MODEL_STATE_KEY) {
    throw new OndeckError('invalid-argument', { name: 'state key', reason: `"${key}" is reserved for the storage itself` });
  }
}

/**
 * Throws `invalid-argument` unless the model has a non-negative integer `manifest.modelVersion` and
 * every file is a `Uint8Array`.
 *
 * @example
 * ```ts
 * checkStoredModel({ manifest, files: new Map([['factors.bin', bytes]]), storedAt: Date.now() });
 * ```
 */
export function checkStoredModel(model: StoredModel): void {
  const version = model && model.manifest ? model.manifest.modelVersion : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new OndeckError('invalid-argument', { name: 'model', reason: `manifest.modelVersion must be a non-negative integer, got ${String(version)}` });
  }
  if (!model.files || typeof model.files.forEach !== 'function') {
    throw new OndeckError('invalid-argument', { name: 'model', reason: 'files must be a Map of file name → Uint8Array' });
  }
  model.files.forEach((bytes, fileName) => {
    if (typeof fileName !== 'string' || !(bytes instanceof Uint8Array)) {
      throw new OndeckError('invalid-argument', { name: 'model', reason: `file ${String(fileName)} is not a Uint8Array` });
    }
  });
  if (model.deltas !== undefined) {
    throw new OndeckError('invalid-argument', { name: 'model', reason: 'a version made of a base and deltas is saved with saveModelDelta' });
  }
}

/**
 * Throws `invalid-argument` unless `delta` names a new version, an integer base version other than
 * it, and at least one delta blob.
 *
 * @example
 * ```ts
 * checkStoredModelDelta({ manifest: v8, baseVersion: 7, deltas: [bytes], storedAt: Date.now() });
 * ```
 */
export function checkStoredModelDelta(delta: StoredModelDelta): void {
  const version = delta && delta.manifest ? delta.manifest.modelVersion : undefined;
  const fail = (reason: string): never => {
    throw new OndeckError('invalid-argument', { name: 'model delta', reason });
  };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) fail(`manifest.modelVersion must be a non-negative integer, got ${String(version)}`);
  if (!Number.isInteger(delta.baseVersion) || delta.baseVersion < 0 || delta.baseVersion === version)
    fail(`baseVersion ${String(delta.baseVersion)} must be another stored version`);
  if (!Array.isArray(delta.deltas) || delta.deltas.length === 0 || !delta.deltas.every((bytes) => bytes instanceof Uint8Array))
    fail('deltas must be a non-empty array of Uint8Array');
}
