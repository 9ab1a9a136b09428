import type { HistoryEntry, Profile, TrackEvent } from '../../models/contract/types';
import { OndeckError } from '../../models/errors/OndeckError';
import { checkNewProfile, checkProfileIdArgument, checkTrackEvent } from './checkEngineArguments';
import type { EngineStorage } from '../storage/EngineStorage';
import { STATE_KEYS } from '../storage/OndeckDatabaseSchema';
import { validateStoredHistory } from '../storage/validateStoredHistory';
import { historyToInteractions, type InterpretedHistory } from './historyToInteractions';

/** The profile every device has; it cannot be lost (deleting it recreates it, empty). */
export const DEFAULT_PROFILE: Profile = Object.freeze({ id: 'default', name: 'Default', createdAt: 0 });

/** What {@link ViewerProfiles} needs from the engine around it. */
export interface ViewerProfilesOptions {
  readonly storage: EngineStorage;
  /** Newest history entries kept per profile. */
  readonly historyLimit: number;
  /** Reports a problem that must not stop the engine (damaged stored history). */
  readonly onError: (error: OndeckError) => void;
}

/**
 * The viewers of one device: their profiles, the current one, and its history, both in storage
 * and in memory, with the history's meaning for the model ({@link InterpretedHistory}) kept until
 * it changes. One concern of the engine, kept apart from the model's lifecycle and serving: this
 * object never looks at a model except through the `indexOfItem` it is handed.
 *
 * @example
 * ```ts
 * const viewers = new ViewerProfiles({ storage, historyLimit: 500, onError: report });
 * await viewers.restore();
 * await viewers.track({ type: 'play', itemId: 'tt01' }, (id) => engine.indexOfItem(id));
 * const rows = await engine.rows(viewers.viewer((id) => engine.indexOfItem(id)), {}, viewers.current.maturityLimit);
 * ```
 */
export class ViewerProfiles {
  private profile: Profile = DEFAULT_PROFILE;
  private history: HistoryEntry[] = [];
  private interpreted?: InterpretedHistory;
  private unknownItems = 0;
  private invalidRecords = 0;

  constructor(private readonly options: ViewerProfilesOptions) {}

  /** The profile in use. */
  get current(): Profile {
    return this.profile;
  }

  /** Entries of the current profile's history held now. */
  get historyLength(): number {
    return this.history.length;
  }

  /** Tracked events whose title the model did not know (counted, ignored). */
  get unknownItemsTracked(): number {
    return this.unknownItems;
  }

  /** Stored records of the current profile that were unreadable and left out when it was loaded. */
  get invalidHistoryRecordsSkipped(): number {
    return this.invalidRecords;
  }

  /**
   * Opens the profile used last (or `requested`), creating the default profile on a first start.
   * @throws OndeckError `unknown-profile` when `requested` does not exist.
   */
  async restore(requested?: string): Promise<void> {
    const { storage } = this.options;
    let profiles = await storage.listProfiles();
    if (!profiles.some((profile) => profile.id === DEFAULT_PROFILE.id)) {
      await storage.putProfile(DEFAULT_PROFILE);
      profiles = await storage.listProfiles();
    }
    const wanted = requested ?? (await storage.getState<string>(STATE_KEYS.currentProfile)) ?? DEFAULT_PROFILE.id;
    const profile = profiles.find((candidate) => candidate.id === wanted);
    if (requested && !profile) throw new OndeckError('unknown-profile', { id: requested });
    await this.activate(profile ?? DEFAULT_PROFILE);
  }

  /**
   * Records one viewer action, stored before it counts. A title the model does not know is
   * counted and refused, never an error: an app must not crash on a newer catalog or a typo.
   * @throws OndeckError `invalid-argument` for a malformed event.
   */
  async track(event: TrackEvent, indexOfItem: (itemId: string) => number | undefined): Promise<{ accepted: boolean }> {
    const entry = checkTrackEvent(event);
    if (indexOfItem(entry.itemId) === undefined) {
      this.unknownItems++;
      return { accepted: false };
    }
    const limit = this.options.historyLimit;
    await this.options.storage.appendHistory(this.profile.id, entry, limit);
    this.history.push(entry);
    if (this.history.length > limit) this.history.splice(0, this.history.length - limit);
    this.interpreted = undefined;
    return { accepted: true };
  }

  /**
   * The current profile's history as the model reads it, rebuilt only after a change (a new
   * event, another profile, another model: see {@link modelChanged}).
   */
  viewer(indexOfItem: (itemId: string) => number | undefined): InterpretedHistory {
    this.interpreted ??= historyToInteractions(this.history, indexOfItem, Date.now());
    return this.interpreted;
  }

  /** A new model maps ids to other rows: the interpreted history is rebuilt on next use. */
  modelChanged(): void {
    this.interpreted = undefined;
  }

  list(): Promise<Profile[]> {
    return this.options.storage.listProfiles();
  }

  /** @throws OndeckError `invalid-argument` for a bad name, limit or id. */
  async create(input: { name: string; maturityLimit?: number; id?: string }): Promise<Profile> {
    const { name, maturityLimit, id: requestedId } = checkNewProfile(input);
    const id = requestedId ?? `p-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
    const profile: Profile = { id, name, createdAt: Date.now(), ...(maturityLimit !== undefined ? { maturityLimit } : {}) };
    await this.options.storage.putProfile(profile);
    return profile;
  }

  /** @throws OndeckError `unknown-profile`, `invalid-argument`. */
  async switchTo(id: string): Promise<Profile> {
    checkProfileIdArgument(id);
    const profile = (await this.options.storage.listProfiles()).find((candidate) => candidate.id === id);
    if (!profile) throw new OndeckError('unknown-profile', { id });
    await this.activate(profile);
    return profile;
  }

  /** Deletes a profile and its history; the default profile comes back empty. @throws OndeckError `unknown-profile`. */
  async delete(id: string): Promise<void> {
    checkProfileIdArgument(id);
    const { storage } = this.options;
    if (!(await storage.listProfiles()).some((profile) => profile.id === id)) throw new OndeckError('unknown-profile', { id });
    await storage.deleteProfile(id);
    if (id === DEFAULT_PROFILE.id) await storage.putProfile(DEFAULT_PROFILE);
    if (id === this.profile.id) await this.activate(DEFAULT_PROFILE);
  }

  /** Clears the current profile's history, stored and in memory. */
  async forget(): Promise<void> {
    await this.options.storage.clearHistory(this.profile.id);
    this.history = [];
    this.interpreted = undefined;
  }

  private async activate(profile: Profile): Promise<void> {
    const { storage } = this.options;
    // Records come back as stored; one damaged record must not make every query of this profile
    // fail (its NaN would poison the fold-in) on this and every later start: skip it, say so.
    const { entries, invalid, firstProblem } = validateStoredHistory(await storage.loadHistory(profile.id));
    if (invalid > 0) this.options.onError(new OndeckError('history-record-invalid', { profileId: profile.id, count: invalid, reason: firstProblem }));
    this.history = entries;
    this.invalidRecords = invalid;
    this.profile = profile;
    this.interpreted = undefined;
    await storage.setState(STATE_KEYS.currentProfile, profile.id);
  }
}
