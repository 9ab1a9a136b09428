import { OndeckError, isOndeckError } from '../../models/errors/OndeckError';
import type { HistoryEntry, Profile } from '../../models/contract/types';
import type { IndexedDbEngineStorage } from './createIndexedDbStorage';
import { createMemoryStorage } from './createMemoryStorage';
import { describeError, errorName } from './describeError';
import type { EngineStorage, StoredModel, StoredModelDelta } from './EngineStorage';
import { isQuotaExceededError } from './isQuotaExceededError';

/** Options of {@link withMemoryFallback}. */
export interface MemoryFallbackOptions {
  /** Told about every storage failure that was absorbed (`storage-quota`, `storage-failed`, `model-corrupt`). */
  readonly onError?: (error: OndeckError) => void;
}

/**
 * Wraps the IndexedDB storage so that its failures never reach the caller. When an operation
 * fails (QuotaExceededError, a connection the browser closed, any other DOMException), it reports
 * `storage-quota` or `storage-failed` through `onError`, copies everything that can still be read
 * (current model, profiles, histories, state) into a memory storage, and runs that operation and
 * every later one there. The failed IndexedDB write itself rolled back with its transaction, so
 * the database still holds the previous, complete data for the next start.
 *
 * Mistakes of the caller (`invalid-argument`) are rethrown, not absorbed. A current model that
 * reads back corrupt is reported as `model-corrupt` and treated as absent, without leaving
 * IndexedDB: the next `saveModel` replaces it.
 *
 * @example
 * ```ts
 * const storage = withMemoryFallback(await createIndexedDbStorage({ indexedDB }), {
 *   onError: (error) => postMessage({ type: 'error', code: error.code, message: error.message }),
 * });
 * await storage.appendHistory('main', entry, 500); // resolves even when the disk is full
 * ```
 */
export function withMemoryFallback(primary: IndexedDbEngineStorage, options: MemoryFallbackOptions = {}): EngineStorage {
  return new FallbackStorage(primary, options.onError);
}

class FallbackStorage implements EngineStorage {
  private active: EngineStorage;
  private switching: Promise<EngineStorage> | undefined;

  constructor(
    private readonly primary: IndexedDbEngineStorage,
    private readonly onError: ((error: OndeckError) => void) | undefined,
  ) {
    this.active = primary;
  }

  get kind(): 'indexeddb' | 'memory' {
    return this.active.kind;
  }

  async loadCurrentModel(): Promise<StoredModel | undefined> {
    return this.run('loadCurrentModel', async (storage) => {
      try {
        return await storage.loadCurrentModel();
      } catch (error) {
        if (storage !== this.primary || !isOndeckError(error, 'model-corrupt')) throw error;
        this.report(error);
        return undefined;
      }
    });
  }

  saveModel(model: StoredModel): Promise<void> {
    return this.run('saveModel', (storage) => storage.saveModel(model));
  }

  saveModelDelta(delta: StoredModelDelta): Promise<void> {
    return this.run('saveModelDelta', (storage) => storage.saveModelDelta(delta));
  }

  getState<T>(key: string): Promise<T | undefined> {
    return this.run('getState', (storage) => storage.getState<T>(key));
  }

  setState(key: string, value: unknown): Promise<void> {
    return this.run('setState', (storage) => storage.setState(key, value));
  }

  listProfiles(): Promise<Profile[]> {
    return this.run('listProfiles', (storage) => storage.listProfiles());
  }

  putProfile(profile: Profile): Promise<void> {
    return this.run('putProfile', (storage) => storage.putProfile(profile));
  }

  deleteProfile(id: string): Promise<void> {
    return this.run('deleteProfile', (storage) => storage.deleteProfile(id));
  }

  appendHistory(profileId: string, entry: HistoryEntry, limit: number): Promise<void> {
    return this.run('appendHistory', (storage) => storage.appendHistory(profileId, entry, limit));
  }

  loadHistory(profileId: string): Promise<HistoryEntry[]> {
    return this.run('loadHistory', (storage) => storage.loadHistory(profileId));
  }

  clearHistory(profileId: string): Promise<void> {
    return this.run('clearHistory', (storage) => storage.clearHistory(profileId));
  }

  close(): void {
    this.active.close();
    if (this.active !== this.primary) this.closePrimaryQuietly();
  }

  private async run<T>(operation: string, call: (storage: EngineStorage) => Promise<T>): Promise<T> {
    const storage = this.switching ? await this.switching : this.active;
    if (storage !== this.primary) return call(storage);
    try {
      return await call(storage);
    } catch (error) {
      if (isOndeckError(error, 'invalid-argument')) throw error;
      const memory = await this.switchToMemory(operation, error);
      return call(memory);
    }
  }

  /** Moves to memory once, however many operations fail at the same time. */
  private switchToMemory(operation: string, cause: unknown): Promise<EngineStorage> {
    if (!this.switching) {
      this.switching = this.primary.readSnapshot().then((snapshot) => {
        const memory = createMemoryStorage(snapshot);
        this.active = memory;
        this.closePrimaryQuietly();
        this.report(
          new OndeckError(isQuotaExceededError(cause) ? 'storage-quota' : 'storage-failed', {
            operation,
            reason: describeError(cause),
            errorName: errorName(cause),
            unreadable: snapshot.unreadable,
          }),
        );
        return memory;
      });
    }
    return this.switching;
  }

  private closePrimaryQuietly(): void {
    try {
      this.primary.close();
    } catch {
      // Already closed by the browser; nothing left to release.
    }
  }

  private report(error: OndeckError): void {
    if (!this.onError) return;
    try {
      this.onError(error);
    } catch {
      // A failing listener must not turn an absorbed storage failure into a crash.
    }
  }
}
