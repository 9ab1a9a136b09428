import { OndeckError } from '../../models/errors/OndeckError';
import type { HistoryEntry, Profile } from '../../models/contract/types';
import { checkHistoryEntry, checkHistoryLimit, checkProfile, checkProfileId, checkStateKey, checkStoredModel, checkStoredModelDelta } from './checkStorageArguments';
import type { EngineStorage, StoredModel, StoredModelDelta } from './EngineStorage';
import type { StorageSnapshot } from './StorageSnapshot';

/**
 * Storage that lives in plain Maps for this session only: used in Node (CLI, tests) and when
 * IndexedDB is missing or has failed. Same contract as the IndexedDB storage, including copies in
 * and out (model bytes are copied on save and on load, so callers may transfer the buffers they
 * get across a worker boundary without detaching the stored ones). Start it from a
 * {@link StorageSnapshot} to carry over what another storage held.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * await storage.putProfile({ id: 'main', name: 'Main', createdAt: Date.now() });
 * await storage.appendHistory('main', { itemId: 'tt0110357', type: 'play', time: Date.now() }, 500);
 * ```
 */
export function createMemoryStorage(initial?: StorageSnapshot): EngineStorage {
  return new MemoryStorage(initial);
}

function copyModel(model: StoredModel): StoredModel {
  const files = new Map<string, Uint8Array>();
  model.files.forEach((bytes, name) => files.set(name, bytes.slice()));
  return { manifest: model.manifest, files, storedAt: model.storedAt, ...(model.deltas ? { deltas: model.deltas.map((bytes) => bytes.slice()) } : {}) };
}

class MemoryStorage implements EngineStorage {
  readonly kind = 'memory' as const;
  private model: StoredModel | undefined;
  private readonly state = new Map<string, unknown>();
  private readonly profiles = new Map<string, Profile>();
  private readonly histories = new Map<string, HistoryEntry[]>();

  constructor(initial?: StorageSnapshot) {
    if (!initial) return;
    if (initial.model) this.model = copyModel(initial.model);
    for (const profile of initial.profiles) this.profiles.set(profile.id, { ...profile });
    initial.histories.forEach((history, profileId) => {
      this.histories.set(
        profileId,
        history.map((entry) => ({ ...entry })),
      );
    });
    initial.state.forEach((value, key) => this.state.set(key, value));
  }

  async loadCurrentModel(): Promise<StoredModel | undefined> {
    return this.model ? copyModel(this.model) : undefined;
  }

  async saveModel(model: StoredModel): Promise<void> {
    checkStoredModel(model);
    // Replacing one reference is atomic, and the previous version is dropped with it.
    this.model = copyModel(model);
  }

  async saveModelDelta(delta: StoredModelDelta): Promise<void> {
    checkStoredModelDelta(delta);
    const current = this.model;
    if (!current || current.deltas || current.manifest.modelVersion !== delta.baseVersion) {
      throw new OndeckError('invalid-argument', { name: 'baseVersion', reason: `${delta.baseVersion} is not the current version stored whole` });
    }
    // The current files (already this storage's own copies) become the base.
    this.model = { manifest: delta.manifest, files: current.files, deltas: delta.deltas.map((bytes) => bytes.slice()), storedAt: delta.storedAt };
  }

  async getState<T>(key: string): Promise<T | undefined> {
    checkStateKey(key);
    return this.state.get(key) as T | undefined;
  }

  async setState(key: string, value: unknown): Promise<void> {
    checkStateKey(key);
    this.state.set(key, value);
  }

  async listProfiles(): Promise<Profile[]> {
    // Same order as IndexedDB's key order: string ids compare by UTF-16 code units, as `<` does.
    const ids = Array.from(this.profiles.keys()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return ids.map((id) => ({ ...(this.profiles.get(id) as Profile) }));
  }

  async putProfile(profile: Profile): Promise<void> {
    checkProfile(profile);
    this.profiles.set(profile.id, { ...profile });
  }

  async deleteProfile(id: string): Promise<void> {
    checkProfileId(id);
    this.profiles.delete(id);
    this.histories.delete(id);
  }

  async appendHistory(profileId: string, entry: HistoryEntry, limit: number): Promise<void> {
    checkProfileId(profileId);
    checkHistoryEntry(entry);
    checkHistoryLimit(limit);
    let history = this.histories.get(profileId);
    if (!history) this.histories.set(profileId, (history = []));
    history.push({ ...entry });
    if (history.length > limit) history.splice(0, history.length - limit);
  }

  async loadHistory(profileId: string): Promise<HistoryEntry[]> {
    checkProfileId(profileId);
    const history = this.histories.get(profileId);
    return history ? history.map((entry) => ({ ...entry })) : [];
  }

  async clearHistory(profileId: string): Promise<void> {
    checkProfileId(profileId);
    this.histories.delete(profileId);
  }

  close(): void {
    // Nothing to release; the data stays readable until the storage is garbage-collected.
  }
}
