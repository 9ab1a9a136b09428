import { toServedModel, type ServedModel } from './model/ServedModel';
import { OndeckError, isOndeckError } from '../models/errors/OndeckError';
import { MODEL_FILES, type ModelManifest } from '../models/artifact/ModelManifest';
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
import { selectBackend, type BackendPreference, type BackendSelection, type SelectBackendOptions } from './backends/selectBackend';
import { loadOrtInClassicWorker } from './backends/loadOrtInClassicWorker';
import { currentThreadingEnvironment, resolveOrtThreads, type ResolvedOrtThreads } from './backends/resolveOrtThreads';
import { resolveJsThreads, type ResolvedJsThreads } from './backends/parallel/resolveJsThreads';
import { canSpawnScreeningHelpers, spawnScreeningHelperWorker } from './backends/parallel/spawnScreeningHelperWorker';
import { supportsWasmSimd } from './backends/supportsWasmSimd';
import { probeEngine } from './backends/probeEngine';
import { DeferredHelperPort } from './backends/parallel/DeferredHelperPort';
import type { ScreeningHelperPort } from '../models/scoring/parallel/screeningHelperMessages';
import { RecommendationEngine } from './engine/RecommendationEngine';
import { decodeModelFiles } from './model/decodeModelFiles';
import { verifyAppliedTables } from './model/verifyAppliedTables';
import { verifyModelFile } from './model/verifyModelFiles';
import { buildScoringGraph } from '../models/onnx/buildScoringGraph';
import { fetchModelFiles, fetchModelManifest } from './model/fetchModelFiles';
import type { EngineStorage, StoredModel } from './storage/EngineStorage';
import { openEngineStorage } from './storage/openEngineStorage';
import { checkModelUrl } from './engine/checkEngineArguments';
import { ViewerProfiles } from './engine/ViewerProfiles';
import { RECOMMENDER_DEFAULTS } from '../models/contract/RecommenderOptions';
import { createSyncController, type SyncController } from './sync/createSyncController';
import type { DeltaUpdate } from './sync/ModelSync';
import { applyDelta } from '../models/sync/applyDelta';
import { parseManifest } from '../models/artifact/parseManifest';
import { STATE_KEYS } from './storage/OndeckDatabaseSchema';

const STATE_LAST_SYNC = STATE_KEYS.lastModelUpdate;
/** How long after a model switch its derived indexes are built (unless a query needs them first). */
const PREPARE_AFTER_SWITCH_MS = 50;
/** How long after a model switch the background backend upgrade (ORT session build) starts. */
const UPGRADE_AFTER_SWITCH_MS = 1000;
/** How long after a delta install the journaled version is rewritten whole in storage. */
const COMPACT_AFTER_SWITCH_MS = 2000;

/**
 * The on-device engine: storage, profiles and history, the current model and its scoring
 * backend. Runs in the worker (and in Node for tests); the main thread talks to it through
 * {@link EngineApi}. One model version serves at a time; an update is decoded and verified off
 * to the side and swapped in with a single assignment, so queries never see a mix.
 */
export class Engine implements EngineApi {
  private storage?: EngineStorage;
  private options: EngineInitOptions = {};
  /** ORT's thread count for this worker, from `options.threads` (see `resolveOrtThreads`). */
  private ortThreads: ResolvedOrtThreads = { threads: 1, reason: '1 thread (not started)' };
  /** The js kernel's thread count, from the same option (see `resolveJsThreads`). */
  private jsThreads: ResolvedJsThreads = { threads: 1, reason: '1 thread (not started)' };
  private emit: (event: EngineEvent) => void = () => undefined;
  private serving?: { model: ServedModel; engine: RecommendationEngine; selection: BackendSelection };
  /** The viewers: profiles, the current one and its history (open once storage is). */
  private viewers?: ViewerProfiles;
  private lastSync?: string;
  private lastError?: string;
  /** What this engine offers (see `status().engineProbes`), read once, when first asked for. */
  private engineProbes?: EngineProbes;
  private disposed = false;
  private syncController?: SyncController;
  /** Helpers asked of the page (`helper-wanted` events), by id, until their port arrives. */
  private readonly pageHelpersWanted = new Map<number, DeferredHelperPort>();
  private nextPageHelperId = 1;
  /** Model switches (sync installs, updateModel) run one at a time, in call order. */
  private switching: Promise<unknown> = Promise.resolve();

  async init(options: EngineInitOptions, onEvent: (event: EngineEvent) => void): Promise<RecommenderStatus> {
    // Bad options fail the start with their own typed error, before anything is opened. Resolved
    // once: a realm's isolation and core count do not change while it lives.
    const environment = currentThreadingEnvironment();
    this.ortThreads = resolveOrtThreads(options.threads, environment);
    this.jsThreads = resolveJsThreads(options.threads, {
      hardwareConcurrency: environment.hardwareConcurrency,
      nestedWorkers: canSpawnScreeningHelpers(),
      pageHelpers: options.pageHelpers === true,
    });
    this.options = options;
    this.emit = onEvent;
    this.storage = await openEngineStorage({ databaseName: options.databaseName, onError: (error) => this.reportError(error) });
    this.viewers = new ViewerProfiles({
      storage: this.storage,
      historyLimit: options.historyLimit ?? RECOMMENDER_DEFAULTS.historyLimit,
      onError: (error) => this.reportError(error),
    });
    await this.viewers.restore(options.profileId);
    this.lastSync = await this.storage.getState<string>(STATE_LAST_SYNC);

    const stored = await this.storage.loadCurrentModel().catch((error: unknown) => {
      this.reportError(error);
      return undefined;
    });
    if (stored) {
      try {
        const { model, journalFiles } = await this.decodeStored(stored);
        await this.serve(model);
        if (journalFiles) this.compactLater(model, journalFiles);
      } catch (error) {
        // A corrupted stored model is reported and replaced by a fresh download below.
        this.reportError(error);
      }
    }
    if (options.syncUrl) {
      this.syncController = await createSyncController({
        syncUrl: options.syncUrl,
        publicKey: options.publicKey ?? '',
        intervalMs: options.syncIntervalMs ?? RECOMMENDER_DEFAULTS.syncIntervalMs,
        retryMs: options.syncRetryMs ?? RECOMMENDER_DEFAULTS.syncRetryMs,
        storage: this.storage,
        databaseName: options.databaseName ?? RECOMMENDER_DEFAULTS.databaseName,
        serving: () => {
          const manifest = this.serving?.model.manifest;
          return manifest && { lineageId: manifest.lineageId, version: manifest.modelVersion, dims: manifest.dims, itemCount: manifest.itemCount };
        },
        install: async (manifest, files) => {
          await this.install(manifest, files);
        },
        servingTables: () => {
          const model = this.serving?.model;
          return model?.manifestBytes && { manifestBytes: model.manifestBytes, manifest: model.manifest, factors: model.factors, gramian: model.gramian, catalog: model.catalog };
        },
        installDelta: async (update) => {
          await this.installDelta(update);
        },
        onProgress: (progress) => this.emit({ type: 'progress', progress }),
        onError: (error) => this.reportError(error),
      });
      // A first start has nothing to serve: wait for the first sync (its failure was reported).
      if (!this.serving) await this.syncController.sync().catch(() => undefined);
      await this.syncController.start();
    }
    if (!this.serving && options.modelUrl) {
      await this.updateModel(options.modelUrl);
    } else if (this.serving && options.modelUrl && !options.syncUrl) {
      // Serve what we have now; look for a newer version without delaying the first result.
      void this.updateModel(options.modelUrl).catch(() => undefined);
    }
    if (!this.serving) {
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
    const serving = this.serving;
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
      ...(this.lastSync ? { lastSync: this.lastSync } : {}),
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
      // model.json first: an unchanged model costs one small request, not the whole download.
      const manifest = await fetchModelManifest(url);
      const current = this.serving?.model.manifest;
      if (current && current.lineageId === manifest.lineageId && manifest.modelVersion <= current.modelVersion) return this.status();
      const { files } = await fetchModelFiles(url, fetch, manifest);
      // Verify and decode before anything is stored or swapped: a bad download changes nothing.
      return await this.install(manifest, files);
    } catch (error) {
      this.reportError(error);
      throw error;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.syncController?.stop();
    await this.serving?.selection.backend.dispose().catch(() => undefined);
    this.serving = undefined;
    this.storage?.close();
  }

  /**
   * Verifies a downloaded model against its model.json, stores it (one storage transaction: a
   * reload or a quota error mid-way leaves the previous version current and complete), then
   * swaps it in. Until the swap, queries keep being answered by the previous version.
   */
  private install(manifest: ModelManifest, files: Map<string, Uint8Array>): Promise<RecommenderStatus> {
    return this.queueSwitch(async () => {
      const model = toServedModel(await decodeModelFiles(manifest, files));
      await this.requireStorage().saveModel({ manifest, files, storedAt: Date.now() });
      return this.switchTo(model);
    });
  }

  /**
   * Installs a version rebuilt from the serving one by a delta chain. The rebuilt tables are
   * proven against the version's model.json first (every file's SHA-256), then the version is
   * journaled (the deltas, a few hundred KB, next to the stored base: one small transaction) and
   * swapped in. Rewriting it whole, tens of MB, waits until after the switch
   * ({@link compactLater}): until that commits, a reload rebuilds it from base and deltas.
   */
  private installDelta(update: DeltaUpdate): Promise<RecommenderStatus> {
    return this.queueSwitch(async () => {
      const { model, files } = await verifyAppliedTables(update.tables);
      const storage = this.requireStorage();
      const stored = { manifest: model.manifest, storedAt: Date.now() };
      let journaled = true;
      try {
        await storage.saveModelDelta({ ...stored, baseVersion: update.baseVersion, deltas: update.deltas });
      } catch (error) {
        // The stored base is itself journaled (its rewrite has not happened yet): store whole.
        if (!isOndeckError(error, 'invalid-argument')) throw error;
        journaled = false;
        await storage.saveModel({ ...stored, files });
      }
      const status = await this.switchTo(model);
      if (journaled) this.compactLater(model, files);
      return status;
    });
  }

  /** Runs model switches one at a time, in call order. */
  private queueSwitch<T>(run: () => Promise<T>): Promise<T> {
    const result = this.switching.then(run, run);
    this.switching = result.catch(() => undefined);
    return result;
  }

  /** Serves `model` (already stored), records the sync time and tells the page. */
  private async switchTo(model: ServedModel): Promise<RecommenderStatus> {
    // ORT's session for the new version is built a moment later: building it occupies this
    // thread for a while, and the update, and the app's first queries on it, come first.
    await this.serve(model, UPGRADE_AFTER_SWITCH_MS);
    this.lastSync = new Date().toISOString();
    await this.requireStorage().setState(STATE_LAST_SYNC, this.lastSync);
    const status = await this.status();
    this.emit({ type: 'update', status });
    return status;
  }

  /**
   * Rewrites a journaled version whole, {@link COMPACT_AFTER_SWITCH_MS} after the switch (so the
   * bookkeeping writes that finish the update and the app's first queries on the new version are
   * not queued behind a transaction of tens of MB), and only if it still serves. The storage then drops the base and the deltas.
   */
  private compactLater(model: ServedModel, files: Map<string, Uint8Array>): void {
    setTimeout(() => {
      void this.queueSwitch(async () => {
        if (this.disposed || this.serving?.model !== model) return;
        if (!files.has(MODEL_FILES.scoringGraph)) {
          // Left out of the update (see ServedModel); proven against model.json before it is stored.
          const graph = buildScoringGraph(model.factors);
          await verifyModelFile(model.manifest, MODEL_FILES.scoringGraph, graph);
          files.set(MODEL_FILES.scoringGraph, graph);
        }
        await this.requireStorage().saveModel({ manifest: model.manifest, files, storedAt: Date.now() });
      }).catch((error: unknown) => this.reportError(error));
    }, COMPACT_AFTER_SWITCH_MS);
  }

  /**
   * Decodes the stored current version. A journaled one is rebuilt from its base and deltas and
   * verified like a download (then rewritten whole); when that fails, the base is served and
   * stored whole again, so one bad journal costs an update, not the model.
   */
  private async decodeStored(stored: StoredModel): Promise<{ model: ServedModel; journalFiles?: Map<string, Uint8Array> }> {
    if (!stored.deltas) return { model: toServedModel(await decodeModelFiles(stored.manifest, stored.files)) };
    try {
      const files = stored.deltas.reduce<Map<string, Uint8Array>>((current, delta) => applyDelta(current, delta), new Map(stored.files));
      return { model: toServedModel(await decodeModelFiles(stored.manifest, files)), journalFiles: files };
    } catch (error) {
      this.reportError(error);
      const baseJson = stored.files.get(MODEL_FILES.manifest);
      if (!baseJson) throw error;
      const base = toServedModel(await decodeModelFiles(parseManifest(new TextDecoder().decode(baseJson)), stored.files));
      await this.requireStorage().saveModel({ manifest: base.manifest, files: new Map(stored.files), storedAt: Date.now() });
      return { model: base };
    }
  }

  /** Chooses a backend for `model` and swaps it in as the one serving version. */
  private async serve(model: ServedModel, upgradeDelayMs = 0): Promise<void> {
    const previous = this.serving;
    const preference = this.options.backend ?? 'auto';
    // No onnxModel: the wasm backend builds its external-table graph from the factors (same
    // scores as scoring.onnx at half the wasm heap), so the served model need not keep the graph.
    const backendModel = { factors: model.factors };
    // With `auto`, answer at once with the int8 kernel (no download, no compile) and upgrade to
    // ORT in the background: starting onnxruntime-web (fetch + compile 14 MB of wasm + session)
    // takes ~0.6 s, and both backends give the same rankings, so the switch is invisible.
    // Where ORT cannot run (no WebAssembly SIMD) the int8 kernel is final, so it starts with its
    // helper threads; where ORT will take over, helpers would only be started to be stopped.
    const initial = preference !== 'auto' ? this.backendOptions(preference) : supportsWasmSimd() ? { preference: 'js' as const } : this.backendOptions('js');
    const selection = await selectBackend(backendModel, initial);
    const engine = new RecommendationEngine(model, selection.backend);
    // Its indexes (id map, popularity order, the js kernel's screening bounds: ~40 ms at 100k)
    // are caches, built a moment after the switch so that the update's own bookkeeping is not
    // held up by them; a query that comes first builds what it needs itself.
    setTimeout(() => engine.prepare(), PREPARE_AFTER_SWITCH_MS);
    this.serving = {
      model,
      engine,
      selection: preference === 'auto' ? { ...selection, reason: 'js: answering while onnxruntime-web starts (upgrade to wasm pending)' } : selection,
    };
    this.viewers?.modelChanged();
    // Released in the background: an ORT dispose waits behind any session ORT is still creating,
    // and the new version must not wait for that.
    if (previous && previous.selection.backend !== selection.backend) void previous.selection.backend.dispose().catch(() => undefined);
    if (preference === 'auto') this.upgradeBackend(model, backendModel, upgradeDelayMs);
  }

  /** Tries the best backend for `model` in the background and switches to it when it works. */
  private upgradeBackend(model: ServedModel, backendModel: { factors: ServedModel['factors'] }, delayMs: number): void {
    const started = delayMs > 0 ? new Promise<void>((done) => setTimeout(done, delayMs)) : Promise.resolve();
    void started
      .then(() => (this.disposed || this.serving?.model !== model ? undefined : selectBackend(backendModel, this.backendOptions('auto'))))
      .then(async (selection) => {
        if (!selection) return;
        const serving = this.serving;
        if (this.disposed || !serving || serving.model !== model) {
          await selection.backend.dispose();
          return;
        }
        if (selection.backend.name === serving.selection.backend.name) {
          // Nothing better runs here: keep the kernel already serving, report why.
          await selection.backend.dispose();
          this.serving = { ...serving, selection: { ...serving.selection, attempts: selection.attempts, reason: selection.reason } };
          return;
        }
        this.serving = { model, engine: new RecommendationEngine(model, selection.backend), selection };
        void serving.selection.backend.dispose().catch(() => undefined);
        this.emit({ type: 'update', status: await this.status() });
      })
      .catch((error: unknown) => this.reportError(error));
  }

  private backendOptions(preference: BackendPreference): SelectBackendOptions {
    const threads = this.ortThreads;
    return {
      preference,
      ortThreads: threads.threads,
      ortThreadsReason: threads.reason,
      jsThreads: this.jsThreads.threads,
      jsThreadsReason: this.jsThreads.reason,
      spawnScreeningHelper: this.jsThreads.threads > 1 ? () => this.spawnScreeningHelper() : undefined,
      ortRuntimeLoader: this.options.ortBaseUrl ? loadOrtInClassicWorker(this.options.ortBaseUrl) : undefined,
      ortWebGpuRuntimeLoader: this.options.ortBaseUrl ? loadOrtInClassicWorker(this.options.ortBaseUrl, 'webgpu') : undefined,
    };
  }

  /** A helper worker for the js kernel: started here where workers can start workers, else asked of the page. */
  private spawnScreeningHelper(): ScreeningHelperPort {
    if (canSpawnScreeningHelpers()) return spawnScreeningHelperWorker();
    const id = this.nextPageHelperId++;
    const port = new DeferredHelperPort();
    this.pageHelpersWanted.set(id, port);
    this.emit({ type: 'helper-wanted', id });
    return port;
  }

  async adoptScreeningHelperPort(id: number, port: MessagePort): Promise<void> {
    const deferred = this.pageHelpersWanted.get(id);
    this.pageHelpersWanted.delete(id);
    // A helper nobody waits for any more (its backend was released) is stopped at once.
    (deferred ?? new DeferredHelperPort(true)).attach(port);
  }

  private requireServing(): NonNullable<Engine['serving']> {
    if (this.disposed) throw new OndeckError('disposed');
    if (!this.serving) throw new OndeckError('not-ready');
    return this.serving;
  }

  private requireViewers(): ViewerProfiles {
    if (this.disposed) throw new OndeckError('disposed');
    if (!this.viewers) throw new OndeckError('not-ready', { reason: 'storage is not open' });
    return this.viewers;
  }

  private requireStorage(): EngineStorage {
    if (this.disposed) throw new OndeckError('disposed');
    if (!this.storage) throw new OndeckError('not-ready', { reason: 'storage is not open' });
    return this.storage;
  }

  private reportError(error: unknown): void {
    const code = isOndeckError(error) ? error.code : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.emit({ type: 'error', code, message });
  }
}
