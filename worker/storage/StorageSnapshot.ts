import type { HistoryEntry, Profile } from '../../models/contract/types';
import type { StoredModel } from './EngineStorage';

/**
 * Everything that could be read out of a storage, for moving it into another one (IndexedDB →
 * memory when IndexedDB stops accepting writes). Each part is read on its own, so one unreadable
 * part does not lose the others.
 *
 * @example
 * ```ts
 * const snapshot = await indexedDbStorage.readSnapshot();
 * const memory = createMemoryStorage(snapshot);
 * if (snapshot.unreadable.length > 0) console.warn('lost', snapshot.unreadable);
 * ```
 */
export interface StorageSnapshot {
  readonly model?: StoredModel;
  readonly profiles: readonly Profile[];
  /** Profile id → history, oldest first (also for histories whose profile record is missing). */
  readonly histories: ReadonlyMap<string, readonly HistoryEntry[]>;
  readonly state: ReadonlyMap<string, unknown>;
  /** Parts that could not be read (`model`, `profiles`, `histories`, `state`). */
  readonly unreadable: readonly string[];
}
