import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { OndeckError } from '../models/errors/OndeckError';
import { registerErrorTransfer } from '../worker/registerErrorTransfer';
import type { EngineApi, EngineEvent, EngineInitOptions } from '../models/contract/EngineApi';
import type { Recommender } from './Recommender';
import { RECOMMENDER_DEFAULTS, type RecommenderOptions } from '../models/contract/RecommenderOptions';
import type { RecommenderEventMap, RecommenderStatus } from '../models/contract/types';
import { sdkScriptBase } from './sdkScriptBase';
import { screeningHelperUrl, screeningHelperWorkerOptions, type HelperPortHandover } from '../worker/backends/parallel/screeningHelperFragment';
import { findMissingCapabilities, isUnsupportedEngineMessage, PAGE_CAPABILITIES } from '../worker/compat/requiredCapabilities';

type Listeners = { [K in keyof RecommenderEventMap]: Set<(payload: RecommenderEventMap[K]) => void> };

/**
 * Starts the on-device recommender: spawns the engine in a Web Worker, loads the model (from
 * IndexedDB, else by a first sync from `syncUrl`, else from `modelUrl`) and returns the {@link Recommender} the app talks to. If the worker
 * crashes it is restarted and its state restored from IndexedDB; calls made meanwhile wait.
 *
 * @example
 * ```ts
 * import { createRecommender } from 'ondeck';
 * const recommender = createRecommender({ modelUrl: '/models/current/', workerUrl: '/ondeck/ondeck-worker.js' });
 * recommender.on('error', (e) => console.warn(e.code, e.message));
 * const rows = await recommender.rows({ perRow: 12 });
 * ```
 */
export function createRecommender(options: RecommenderOptions = {}): Recommender {
  // Checked before anything reads it: `null` (plain JavaScript) would otherwise be a TypeError.
  if (typeof options !== 'object' || options === null) {
    throw new OndeckError('invalid-argument', { name: 'options', reason: `must be an object, got ${options === null ? 'null' : typeof options}` });
  }
  registerErrorTransfer();
  // Relative URLs (options or defaults) resolve against the script that loaded ondeck.
  const workerUrl = new URL(options.workerUrl ?? 'ondeck-worker.js', sdkScriptBase).href;
  // The worker would resolve relative URLs against its own script; the app means its page.
  const pageBase = typeof location !== 'undefined' ? location.href : sdkScriptBase;
  const init: EngineInitOptions = {
    modelUrl: options.modelUrl === undefined ? undefined : new URL(options.modelUrl, pageBase).href,
    databaseName: options.databaseName ?? RECOMMENDER_DEFAULTS.databaseName,
    backend: options.backend ?? RECOMMENDER_DEFAULTS.backend,
    ortBaseUrl: new URL(options.ortBaseUrl ?? 'ort/', options.ortBaseUrl === undefined ? workerUrl : pageBase).href,
    threads: options.threads ?? RECOMMENDER_DEFAULTS.threads,
    // Engines whose workers cannot start workers get the js kernel's helpers from the page.
    pageHelpers: typeof Worker === 'function' && typeof MessageChannel === 'function',
    historyLimit: options.historyLimit ?? RECOMMENDER_DEFAULTS.historyLimit,
    profileId: options.profileId,
    syncUrl: options.syncUrl === undefined ? undefined : new URL(options.syncUrl, pageBase).href,
    publicKey: options.publicKey,
    publicKeys: options.publicKeys,
    signatureThreshold: options.signatureThreshold,
    syncDirectoryId: options.syncDirectoryId,
    syncRoot: options.syncRoot,
    syncIntervalMs: options.syncIntervalMs ?? RECOMMENDER_DEFAULTS.syncIntervalMs,
    syncRetryMs: options.syncRetryMs ?? RECOMMENDER_DEFAULTS.syncRetryMs,
    syncLimits: options.syncLimits,
  };
  const listeners: Listeners = { ready: new Set(), update: new Set(), progress: new Set(), error: new Set() };
  const emit = <K extends keyof RecommenderEventMap>(event: K, payload: RecommenderEventMap[K]): void => {
    listeners[event].forEach((listener) => {
      try {
        listener(payload);
      } catch {
        // A throwing listener must not break the recommender or the other listeners.
      }
    });
  };
  const onEngineEvent = proxy((event: EngineEvent) => {
    if (event.type === 'helper-wanted') startPageHelper(event.id);
    else if (event.type === 'error') emit('error', { code: event.code, message: event.message });
    else if (event.type === 'progress') emit('progress', event.progress);
    else emit(event.type, event.status);
  });

  let worker: Worker | undefined;
  let remote: Remote<EngineApi> | undefined;
  let started: Promise<RecommenderStatus>;
  let crashed: Promise<never>;
  /**
   * The reject functions of the calls waiting on the current worker: a crash rejects them all.
   * Racing each call against `crashed` instead would leave one reaction per call on a promise that
   * stays pending while the worker lives, and with it every result ever returned (WebKit).
   */
  let waiting = new Set<(error: unknown) => void>();
  /** Set once the current worker crashed (or never ran): calls made then fail with it at once. */
  let stopped: { error: unknown } | undefined;
  /** Rejects the calls waiting on the worker that `settled` belongs to, once it crashes. */
  const watchCrash = (settled: Promise<never>): void => {
    const calls = (waiting = new Set());
    stopped = undefined;
    settled.catch((error: unknown) => {
      if (crashed === settled) stopped = { error };
      calls.forEach((reject) => reject(error));
      calls.clear();
    });
  };
  let disposed = false;
  /** Set once the page or the worker found a missing capability: final, no restart helps. */
  let unsupported: OndeckError | undefined;
  const refuse = (missing: readonly string[], where: 'page' | 'worker'): Promise<never> => {
    unsupported = new OndeckError('unsupported-engine', { missing, where });
    const error = unsupported;
    // Listeners are attached after createRecommender returns: tell them on the next turn.
    setTimeout(() => emit('error', { code: error.code, message: error.message }), 0);
    return Promise.reject(error);
  };
  /** Screening helpers this page started for the engine (see `EngineInitOptions.pageHelpers`). */
  const pageHelpers = new Set<Worker>();

  /**
   * Starts a helper (the worker script again, with the helper fragment) and connects it to the
   * engine's worker through a channel of its own. Any failure leaves the engine screening that
   * part itself.
   */
  const startPageHelper = (id: number): void => {
    try {
      const helper = new Worker(screeningHelperUrl(workerUrl), screeningHelperWorkerOptions);
      const channel = new MessageChannel();
      helper.postMessage({ ondeckScreeningPort: channel.port1 } satisfies HelperPortHandover, [channel.port1]);
      // It says when the engine stopped it; it closes itself, and the page forgets it.
      helper.onmessage = (event: MessageEvent<{ type?: string }>) => {
        if (event.data?.type !== 'stopped') return;
        helper.terminate();
        pageHelpers.delete(helper);
      };
      // A helper whose script fails is let go; the engine keeps screening its part itself.
      helper.onerror = () => {
        helper.terminate();
        pageHelpers.delete(helper);
      };
      pageHelpers.add(helper);
      remote?.adoptScreeningHelperPort(id, transfer(channel.port2, [channel.port2])).catch(() => undefined);
    } catch {
      // No helper here (a CSP without worker-src, say): the engine keeps screening that part.
    }
  };
  const stopPageHelpers = (): void => {
    pageHelpers.forEach((helper) => helper.terminate());
    pageHelpers.clear();
  };

  const start = (): Promise<RecommenderStatus> => {
    const missingOnPage = findMissingCapabilities(PAGE_CAPABILITIES);
    if (missingOnPage.length > 0) {
      crashed = refuse(missingOnPage, 'page');
      watchCrash(crashed);
      return crashed;
    }
    worker = new Worker(workerUrl);
    remote = wrap<EngineApi>(worker);
    crashed = new Promise<never>((_, reject) => {
      // The worker's first check reports what it lacks, then stops (worker/compat/stopUnlessWorkerCapable.ts).
      worker!.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (!isUnsupportedEngineMessage(event.data)) return;
        refuse(event.data.ondeckUnsupportedEngine.missing, 'worker').catch(reject);
        worker?.terminate();
      });
      worker!.addEventListener('error', (event) => {
        event.preventDefault();
        // The stop that follows an unsupported-engine report is no crash: nothing to restart.
        if (unsupported) return;
        const error = new OndeckError('worker-crashed', { reason: event.message });
        reject(error);
        emit('error', { code: error.code, message: error.message });
        if (!disposed && options.restartOnCrash !== false) restart();
      });
    });
    crashed.catch(() => undefined);
    watchCrash(crashed);
    return Promise.race([remote.init(init, onEngineEvent), crashed]);
  };
  const restart = (): void => {
    stopPageHelpers();
    remote?.[releaseProxy]();
    worker?.terminate();
    started = start();
    started.catch(() => undefined);
  };

  started = start();
  // An app that never awaits `ready` must not see an unhandled rejection; one that does still gets it.
  started.catch(() => undefined);
  if (options.persistStorage !== false && typeof navigator !== 'undefined' && navigator.storage && navigator.storage.persist) {
    // Best effort: the browser may say no; ondeck works either way.
    navigator.storage.persist().catch(() => undefined);
  }

  /** Runs `task` on the engine once it is up; fails fast if the worker crashes mid-call. */
  const call = async <T>(task: (engine: Remote<EngineApi>) => Promise<T>): Promise<T> => {
    if (disposed) throw new OndeckError('disposed');
    await started;
    if (stopped) throw stopped.error;
    const calls = waiting;
    return new Promise<T>((resolve, reject) => {
      calls.add(reject);
      const done = (): void => {
        calls.delete(reject);
      };
      task(remote!).then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  };

  const recommender: Recommender = {
    get ready() {
      return started;
    },
    track: (event) => call((engine) => engine.track(event)),
    recommend: (request) => call((engine) => engine.recommend(request)),
    similar: (itemId, similarOptions) => call((engine) => engine.similar(itemId, similarOptions)),
    rows: (request) => call((engine) => engine.rows(request)),
    profiles: {
      list: () => call((engine) => engine.listProfiles()),
      create: (profile) => call((engine) => engine.createProfile(profile)),
      switch: (id) => call((engine) => engine.switchProfile(id)),
      delete: (id) => call((engine) => engine.deleteProfile(id)),
    },
    forget: () => call((engine) => engine.forget()),
    status: () => call((engine) => engine.status()),
    updateModel: (url) => call((engine) => engine.updateModel(url)),
    sync: () => call((engine) => engine.sync()),
    on(event, listener) {
      if (!Object.prototype.hasOwnProperty.call(listeners, event)) {
        throw new OndeckError('invalid-argument', { name: 'event', reason: `must be one of ${Object.keys(listeners).join(', ')}, got ${String(event)}` });
      }
      if (typeof listener !== 'function') throw new OndeckError('invalid-argument', { name: 'listener', reason: `must be a function, got ${typeof listener}` });
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    },
    async dispose() {
      if (disposed) return;
      // A worker that refused to run (unsupported-engine) answers nothing: do not wait for it.
      if (!unsupported) await remote?.dispose().catch(() => undefined);
      disposed = true;
      remote?.[releaseProxy]();
      worker?.terminate();
      stopPageHelpers();
    },
  };
  return recommender;
}
