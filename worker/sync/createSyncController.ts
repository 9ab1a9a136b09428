import { OndeckError } from '../../models/errors/OndeckError';
import type { SyncLimits, SyncProgress, SyncResult, SyncStatus } from '../../models/contract/types';
import { RECOMMENDER_DEFAULTS } from '../../models/contract/RecommenderOptions';
import type { EngineStorage } from '../storage/EngineStorage';
import { createIndexedDbDownloadCache } from './createIndexedDbDownloadCache';
import { createMemoryDownloadCache } from './createMemoryDownloadCache';
import { checkSyncTrust, type SyncTrustOptions } from './checkSyncTrust';
import { openRootDocument } from './openRootDocument';
import type { DownloadCache } from './DownloadCache';
import { globalSchedulerEnvironment } from './globalSchedulerEnvironment';
import { ModelSync } from './ModelSync';
import type { SyncInstaller } from './SyncInstaller';
import { SyncScheduler, type SchedulerEnvironment } from './SyncScheduler';
import { STATE_KEYS } from '../storage/OndeckDatabaseSchema';

/** State key of the time of the last successful sync attempt (ms since the epoch). */
const LAST_SUCCESS_KEY = STATE_KEYS.lastSuccessfulSync;

/** Progress events are sent at most this often while downloading (phase changes always go out). */
const PROGRESS_INTERVAL_MS = 250;

/** Options of {@link createSyncController}. */
export interface SyncControllerOptions {
  /** Publish directory URL; a trailing `manifest.json` is accepted and stripped. */
  readonly syncUrl: string;
  /** What the device trusts: keys, threshold, publish directory. */
  readonly trust: SyncTrustOptions;
  readonly intervalMs: number;
  readonly retryMs: number;
  readonly storage: EngineStorage;
  /** Name of the engine's IndexedDB database; partial downloads live in `<name>-downloads`. */
  readonly databaseName: string;
  /** The engine side: what it serves, and how a new version is installed. */
  readonly installer: SyncInstaller;
  /** Deadlines of one attempt; missing ones take the defaults. */
  readonly limits?: SyncLimits;
  readonly onProgress: (progress: SyncProgress) => void;
  /** Told about every failed attempt, automatic or forced. */
  readonly onError: (error: unknown) => void;
  readonly fetch?: typeof fetch;
  readonly environment?: SchedulerEnvironment;
  /** @defaultValue the global `indexedDB` */
  readonly indexedDB?: IDBFactory;
}

/** Signed sync as the engine drives it. */
export interface SyncController {
  /** Starts automatic checks: the first one when the last success is an interval old, spread a little. */
  start(): Promise<void>;
  /** An attempt now (joining a running one). */
  sync(): Promise<SyncResult>;
  status(): SyncStatus;
  stop(): void;
}

/**
 * Wires {@link ModelSync} (one attempt), {@link SyncScheduler} (when) and a download cache (in
 * IndexedDB `<databaseName>-downloads` when the engine's storage is IndexedDB, else memory) into
 * what the engine needs. Checks the configuration first: a public key that is not 32 bytes of
 * base64 is the integrator's mistake and fails start-up (`invalid-argument`, {@link checkSyncTrust})
 * rather than every sync later.
 *
 * @example
 * ```ts
 * const controller = await createSyncController({ syncUrl, trust: { publicKey }, intervalMs, retryMs, storage, databaseName, installer, onProgress, onError });
 * await controller.start();
 * ```
 */
export async function createSyncController(options: SyncControllerOptions): Promise<SyncController> {
  const trust = checkSyncTrust(options.trust);
  const shippedRoot = trust.rootText === undefined ? undefined : await openRootDocument(new TextEncoder().encode(trust.rootText), 'syncRoot');
  if (!/^https?:\/\//.test(options.syncUrl))
    throw new OndeckError('invalid-argument', { name: 'syncUrl', reason: `an absolute http(s) URL, got ${JSON.stringify(options.syncUrl)}` });
  const syncUrl = options.syncUrl.replace(/manifest\.json$/, '').replace(/\/?$/, '/');
  const limits = checkLimits(options.limits);
  const environment = options.environment ?? globalSchedulerEnvironment();
  const cache = await openDownloadCache(options);

  let lastSuccess = await options.storage.getState<number>(LAST_SUCCESS_KEY).catch(() => undefined);
  let lastProgressAt = 0;
  let lastPhase = '';
  const modelSync = new ModelSync({
    syncUrl,
    publicKeys: trust.publicKeys,
    threshold: trust.threshold,
    directoryId: trust.directoryId,
    shippedRoot,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    storage: options.storage,
    cache,
    installer: options.installer,
    limits,
    now: () => environment.now(),
    onProgress(progress) {
      const now = environment.now();
      const done = progress.totalBytes > 0 && progress.receivedBytes === progress.totalBytes;
      if (progress.phase === lastPhase && !done && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
      lastPhase = progress.phase;
      lastProgressAt = now;
      options.onProgress(progress);
    },
  });
  let freshUntil = await modelSync.freshUntil();
  let lastResult: SyncResult | undefined;
  let stopped = false;
  const scheduler = new SyncScheduler(
    async () => {
      try {
        lastResult = await modelSync.runOnce();
        lastSuccess = environment.now();
        await options.storage.setState(LAST_SUCCESS_KEY, lastSuccess).catch(() => undefined);
      } catch (error) {
        options.onError(error);
        throw error;
      } finally {
        freshUntil = await modelSync.freshUntil();
      }
    },
    { intervalMs: options.intervalMs, retryBaseMs: options.retryMs },
    environment,
  );
  return {
    async start() {
      if (options.intervalMs <= 0) return;
      const now = environment.now();
      const due = lastSuccess === undefined ? now : lastSuccess + options.intervalMs;
      // Boxes powered on together (a building, a time zone at 8 pm) must not ask at once.
      const spread = environment.random() * Math.min(30_000, options.intervalMs * 0.2);
      scheduler.start(Math.max(0, Math.min(due - now, options.intervalMs)) + spread);
    },
    async sync() {
      if (stopped) throw new OndeckError('disposed');
      await scheduler.syncNow();
      return lastResult!;
    },
    status() {
      const state = scheduler.state();
      return {
        ...(lastSuccess !== undefined ? { lastSuccess: new Date(lastSuccess).toISOString() } : {}),
        ...(state.nextAttemptAt !== undefined ? { nextAttempt: new Date(state.nextAttemptAt).toISOString() } : {}),
        failures: state.failures,
        waitingForNetwork: state.waitingForNetwork,
        running: state.running,
        ...(freshUntil !== undefined ? { freshUntil: new Date(freshUntil).toISOString() } : {}),
        ...(freshUntil !== undefined && environment.now() >= freshUntil ? { staleSince: new Date(freshUntil).toISOString() } : {}),
      };
    },
    stop() {
      stopped = true;
      scheduler.stop();
      cache.close();
    },
  };
}

/** The limits with defaults filled in; a value that is not a positive number is the integrator's mistake. */
function checkLimits(limits: SyncLimits | undefined): Required<SyncLimits> {
  const defaults = RECOMMENDER_DEFAULTS.syncLimits;
  if (limits === undefined) return defaults;
  if (typeof limits !== 'object' || limits === null) throw new OndeckError('invalid-argument', { name: 'syncLimits', reason: 'must be an object' });
  const checked = { ...defaults };
  for (const name of Object.keys(defaults) as (keyof SyncLimits)[]) {
    const value = limits[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new OndeckError('invalid-argument', { name: `syncLimits.${name}`, reason: `must be a positive number, got ${String(value)}` });
    }
    checked[name] = value;
  }
  return checked;
}

async function openDownloadCache(options: SyncControllerOptions): Promise<DownloadCache> {
  const factory = options.indexedDB ?? (typeof indexedDB !== 'undefined' ? indexedDB : undefined);
  if (options.storage.kind !== 'indexeddb' || !factory) return createMemoryDownloadCache();
  try {
    return await createIndexedDbDownloadCache({ indexedDB: factory, databaseName: `${options.databaseName}-downloads` });
  } catch {
    // Only resumability across reloads is lost.
    return createMemoryDownloadCache();
  }
}
