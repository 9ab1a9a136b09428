import { OndeckError, isOndeckError } from '../models/errors/OndeckError';
import type {
  EngineProbes,
  Profile,
  Recommendation,
  RecommenderStatus,
  RecommendFilter,
  RecommendRequest,
  Row,
  RowsRequest,
  SyncResult,
  TrackEvent,
} from '../models/contract/types';
import type { EngineApi, EngineEvent, EngineInitOptions } from '../models/contract/EngineApi';
import { RECOMMENDER_DEFAULTS } from '../models/contract/RecommenderOptions';
import { currentThreadingEnvironment, resolveOrtThreads } from './backends/resolveOrtThreads';
import { resolveJsThreads } from './backends/parallel/resolveJsThreads';
import { canSpawnScreeningHelpers } from './backends/parallel/spawnScreeningHelperWorker';
import { probeEngine } from './backends/probeEngine';
import { DeferredHelperPort } from './backends/parallel/DeferredHelperPort';
import { checkModelUrl } from './engine/checkEngineArguments';
import { ModelServing, type ServingState } from './engine/ModelServing';
import { ViewerProfiles } from './engine/ViewerProfiles';
import { ModelLifecycle } from './model/ModelLifecycle';
import type { EngineStorage } from './storage/EngineStorage';
import { openEngineStorage } from './storage/openEngineStorage';
import { createSyncController, type SyncController } from './sync/createSyncController';

/**
 * The on-device engine, a façade over its concerns: storage, the viewers
 * ({@link ViewerProfiles}), the version being served and its scoring backend
 * ({@link ModelServing}), installing and storing versions ({@link ModelLifecycle}) and signed
 * sync ({@link createSyncController}, which installs through the lifecycle). Runs in the worker
 * (and in Node for tests); the main thread talks to it through {@link EngineApi}. One model
 * version serves at a time; an update is decoded and verified off to the side and swapped in
 * with a single assignment, so queries never see a mix.
 */
export class Engine implements EngineApi {
  private storage?: EngineStorage;
  private options: EngineInitOptions = {};
  private emit: (event: EngineEvent) => void = () => undefined;
  /** The viewers: profiles, the current one and its history (open once storage is). */
  private viewers?: ViewerProfiles;
  private serving?: ModelServing;
  private lifecycle?: ModelLifecycle;
  private syncController?: SyncController;
  private lastError?: string;
  /** What this engine offers (see `status().engineProbes`), read once, when first asked for. */
  private engineProbes?: EngineProbes;
  private disposed = false;

  async init(options: EngineInitOptions, onEvent: (event: EngineEvent) => void): Promise<RecommenderStatus> {
    // Bad options fail the start with their own typed error, before anything is opened. Resolved
    // once: a realm's isolation and core count do not change while it lives.
    const environment = currentThreadingEnvironment();
    const ortThreads = resolveOrtThreads(options.threads, environment);
    const jsThreads = resolveJsThreads(options.threads, {
      hardwareConcurrency: environment.hardwareConcurrency,
      nestedWorkers: canSpawnScreeningHelpers(),
      pageHelpers: options.pageHelpers === true,
    });
    this.options = options;
    this.emit = onEvent;
    const reportError = (error: unknown): void => this.reportError(error);
    const storage = await openEngineStorage({ databaseName: options.databaseName, onError: reportError });
    this.storage = storage;
    const viewers = new ViewerProfiles({ storage, historyLimit: options.historyLimit ?? RECOMMENDER_DEFAULTS.historyLimit, onError: reportError });
    this.viewers = viewers;
    await viewers.restore(options.profileId);
    const serving = new ModelServing({
      backend: options.backend,
      ortBaseUrl: options.ortBaseUrl,
      ortThreads,
      jsThreads,
      emit: onEvent,
      onModelChanged: () => viewers.modelChanged(),
      onBackendUpgraded: () => void this.emitUpdate(),
      onError: reportError,
    });
    this.serving = serving;
    const lifecycle = new ModelLifecycle({ storage, serving, onSwitched: () => this.emitUpdate(), onError: reportError });
    this.lifecycle = lifecycle;
    await lifecycle.restore();

    if (options.syncUrl) {
      this.syncController = await createSyncController({
        syncUrl: options.syncUrl,
        trust: {
          publicKey: options.publicKey,
          publicKeys: options.publicKeys,
          signatureThreshold: options.signatureThreshold,
          syncDirectoryId: options.syncDirectoryId,
          syncRoot: options.syncRoot,
        },
        intervalMs: options.syncIntervalMs ?? RECOMMENDER_DEFAULTS.syncIntervalMs,
        retryMs: options.syncRetryMs ?? RECOMMENDER_DEFAULTS.syncRetryMs,
        storage,
        databaseName: options.databaseName ?? RECOMMENDER_DEFAULTS.databaseName,
        installer: lifecycle,
        limits: options.syncLimits,
        onProgress: (progress) => this.emit({ type: 'progress', progress }),
        onError: reportError,
      });
      // A first start has nothing to serve: wait for the first sync (its failure was reported).
      if (!serving.current) await this.syncController.sync().catch(() => undefined);
      await this.syncController.start();
    }
    if (!serving.current && options.modelUrl) {
      await this.updateModel(options.modelUrl);
    } else if (serving.current && options.modelUrl && !options.syncUrl) {
      // Serve what we have now; look for a newer version without delaying the first result.
      void this.updateModel(options.modelUrl).catch(() => undefined);
    }
    if (!serving.current) {
      this.syncController?.stop();
      throw new OndeckError('not-ready', { reason: options.modelUrl || options.syncUrl ? 'the model could not be loaded' : 'no stored model, no syncUrl and no modelUrl' });
    }
    const status = await this.status();
    this.emit({ type: 'ready', status });
    return status;
  }

  async track(event: TrackEvent): Promise<{ accepted: boolean }> {
    const { engine } = this.requireServing();
    return this.requireViewers().track(event, (itemId) => engine.indexOfItem(itemId));
  }

  async recommend(request: RecommendRequest = {}): Promise<Recommendation[]> {
    const { engine } = this.requireServing();
    const viewers = this.requireViewers();
    return engine.recommend(
      viewers.viewer((itemId) => engine.indexOfItem(itemId)),
      request,
      viewers.current.maturityLimit,
    );
  }

  async similar(itemId: string, options: { count?: number; filter?: RecommendFilter } = {}): Promise<Recommendation[]> {
    const { engine } = this.requireServing();
    const viewers = this.requireViewers();
    return engine.similar(
      itemId,
      options,
      viewers.viewer((id) => engine.indexOfItem(id)),
      viewers.current.maturityLimit,
    );
  }

  async rows(request: RowsRequest = {}): Promise<Row[]> {
    const { engine } = this.requireServing();
    const viewers = this.requireViewers();
    return engine.rows(
      viewers.viewer((itemId) => engine.indexOfItem(itemId)),
      request,
      viewers.current.maturityLimit,
    );
  }

  async listProfiles(): Promise<Profile[]> {
    return this.requireViewers().list();
  }

  async createProfile(input: { name: string; maturityLimit?: number; id?: string }): Promise<Profile> {
    return this.requireViewers().create(input);
  }

  async switchProfile(id: string): Promise<Profile> {
    return this.requireViewers().switchTo(id);
  }

  async deleteProfile(id: string): Promise<void> {
    return this.requireViewers().delete(id);
  }

  async forget(): Promise<void> {
    return this.requireViewers().forget();
  }

  async status(): Promise<RecommenderStatus> {
    const serving = this.serving?.current;
    const lastSync = this.lifecycle?.lastModelUpdate;
    return {
      backend: serving?.selection.backend.name ?? 'js',
      backendReason: serving?.selection.reason ?? 'no model loaded yet',
      backendAttempts: serving?.selection.attempts ?? [],
      backendThreads: serving?.selection.backend.threads ?? 1,
      modelVersion: serving?.model.manifest.modelVersion,
      lineageId: serving?.model.manifest.lineageId,
      itemCount: serving?.model.manifest.itemCount ?? 0,
      dims: serving?.model.manifest.dims ?? 0,
      storage: this.storage?.kind ?? 'memory',
      profileId: this.viewers?.current.id ?? 'default',
      historyLength: this.viewers?.historyLength ?? 0,
      unknownItemsTracked: this.viewers?.unknownItemsTracked ?? 0,
      invalidHistoryRecordsSkipped: this.viewers?.invalidHistoryRecordsSkipped ?? 0,
      ...(lastSync ? { lastSync } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.syncController ? { sync: this.syncController.status() } : {}),
      engineProbes: (this.engineProbes ??= probeEngine()),
    };
  }

  async sync(): Promise<SyncResult> {
    if (this.disposed) throw new OndeckError('disposed');
    if (!this.syncController) throw new OndeckError('invalid-argument', { name: 'syncUrl', reason: 'sync() needs createRecommender({ syncUrl, publicKey })' });
    // Failures were reported as error events by the controller; the caller gets them too.
    return this.syncController.sync();
  }

  async updateModel(argument?: string): Promise<RecommenderStatus> {
    const url = checkModelUrl(argument) ?? this.options.modelUrl;
    if (!url) throw new OndeckError('invalid-argument', { name: 'url', reason: 'no model URL given' });
    try {
      await this.requireLifecycle().installFromUrl(url);
      return await this.status();
    } catch (error) {
      this.reportError(error);
      throw error;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.syncController?.stop();
    this.lifecycle?.stop();
    await this.serving?.dispose();
    this.storage?.close();
  }

  async adoptScreeningHelperPort(id: number, port: MessagePort): Promise<void> {
    // Before a start, nobody can be waiting for it: it is stopped at once.
    if (this.serving) this.serving.adoptScreeningHelperPort(id, port);
    else new DeferredHelperPort(true).attach(port);
  }

  /** Tells the page that what serves changed (a new version, or a faster backend). */
  private async emitUpdate(): Promise<void> {
    this.emit({ type: 'update', status: await this.status() });
  }

  private requireServing(): ServingState {
    if (this.disposed) throw new OndeckError('disposed');
    const current = this.serving?.current;
    if (!current) throw new OndeckError('not-ready');
    return current;
  }

  private requireViewers(): ViewerProfiles {
    if (this.disposed) throw new OndeckError('disposed');
    if (!this.viewers) throw new OndeckError('not-ready', { reason: 'storage is not open' });
    return this.viewers;
  }

  private requireLifecycle(): ModelLifecycle {
    if (this.disposed) throw new OndeckError('disposed');
    if (!this.lifecycle) throw new OndeckError('not-ready', { reason: 'storage is not open' });
    return this.lifecycle;
  }

  private reportError(error: unknown): void {
    const code = isOndeckError(error) ? error.code : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.emit({ type: 'error', code, message });
  }
}
