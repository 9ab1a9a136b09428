import type { EngineEvent } from '../../models/contract/EngineApi';
import type { BackendPreference } from '../../models/contract/types';
import type { ScreeningHelperPort } from '../../models/scoring/parallel/screeningHelperMessages';
import { selectBackend, type BackendSelection, type SelectBackendOptions } from '../backends/selectBackend';
import { loadOrtInClassicWorker } from '../backends/loadOrtInClassicWorker';
import type { ResolvedOrtThreads } from '../backends/resolveOrtThreads';
import type { ResolvedJsThreads } from '../backends/parallel/resolveJsThreads';
import { canSpawnScreeningHelpers, spawnScreeningHelperWorker } from '../backends/parallel/spawnScreeningHelperWorker';
import { supportsWasmSimd } from '../backends/supportsWasmSimd';
import { DeferredHelperPort } from '../backends/parallel/DeferredHelperPort';
import type { ServedModel } from '../model/ServedModel';
import { RecommendationEngine } from './RecommendationEngine';

/** How long after a model switch its derived indexes are built (unless a query needs them first). */
const PREPARE_AFTER_SWITCH_MS = 50;

/** The one version answering queries, with the engine over it and the backend it scores with. */
export interface ServingState {
  readonly model: ServedModel;
  readonly engine: RecommendationEngine;
  readonly selection: BackendSelection;
}

/** What {@link ModelServing} needs from the engine around it. */
export interface ModelServingOptions {
  /** The app's choice (`createRecommender({ backend })`). @defaultValue 'auto' */
  readonly backend?: BackendPreference;
  /** Where onnxruntime-web's files are, when the app serves them itself. */
  readonly ortBaseUrl?: string;
  readonly ortThreads: ResolvedOrtThreads;
  readonly jsThreads: ResolvedJsThreads;
  /** Events for the page: `helper-wanted` when a screening helper must be started there. */
  readonly emit: (event: EngineEvent) => void;
  /** A new version serves (the viewers' interpreted history must be rebuilt against it). */
  readonly onModelChanged: () => void;
  /** A background upgrade switched the backend of the serving version (the page gets an `update`). */
  readonly onBackendUpgraded: () => void;
  /** Reports a failure that must not stop the engine (a failed background upgrade). */
  readonly onError: (error: unknown) => void;
}

/**
 * Serving: which model version answers queries and which scoring backend it runs on. With
 * `backend: 'auto'` on an engine with WebAssembly SIMD a new version answers at once with the
 * int8 `js` kernel and is upgraded to onnxruntime-web in the background; without SIMD `auto`
 * chooses once (the `wasm-int8` MVP kernel, else `js`). The int8 kernels' helper threads are
 * started in a nested worker, or asked of the page where a worker cannot start one. One concern
 * of the engine, apart from storing versions ({@link ModelLifecycle}) and from the viewers
 * ({@link ViewerProfiles}).
 *
 * @example
 * ```ts
 * const serving = new ModelServing({ ortThreads, jsThreads, emit, onModelChanged, onBackendUpgraded, onError });
 * await serving.serve(model);
 * const rows = await serving.require().engine.rows(viewer, {}, undefined);
 * ```
 */
export class ModelServing {
  private state?: ServingState;
  private disposed = false;
  /** Helpers asked of the page (`helper-wanted` events), by id, until their port arrives. */
  private readonly pageHelpersWanted = new Map<number, DeferredHelperPort>();
  private nextPageHelperId = 1;

  constructor(private readonly options: ModelServingOptions) {}

  /** The version serving now, if any. */
  get current(): ServingState | undefined {
    return this.state;
  }

  /**
   * Chooses a backend for `model` and swaps it in as the one serving version, with a single
   * assignment: queries see the previous version or this one, never a mix. With `auto`, the
   * upgrade to onnxruntime-web starts `upgradeDelayMs` later.
   */
  async serve(model: ServedModel, upgradeDelayMs = 0): Promise<void> {
    const previous = this.state;
    const preference = this.options.backend ?? 'auto';
    // No onnxModel: the wasm backend builds its external-table graph from the factors (same
    // scores as scoring.onnx at half the wasm heap), so the served model need not keep the graph.
    const backendModel = { factors: model.factors };
    // With `auto` where ORT can run, answer at once with the js int8 kernel (no download, no
    // compile) and upgrade to ORT in the background: starting onnxruntime-web (fetch + compile
    // 14 MB of wasm + session) takes ~0.6 s, and both backends give the same rankings, so the
    // switch is invisible. Helpers would only be started to be stopped, so it runs without.
    // Where ORT cannot run (no WebAssembly SIMD), `auto`'s choice (the 1.3 KB wasm-int8 kernel,
    // compiled in well under a millisecond, or js) is final and starts with its helper threads.
    const upgrade = preference === 'auto' && supportsWasmSimd();
    const selection = await selectBackend(backendModel, upgrade ? { preference: 'js' } : this.backendOptions(preference));
    const engine = new RecommendationEngine(model, selection.backend);
    // Its indexes (id map, popularity order, the js kernel's screening bounds: ~40 ms at 100k)
    // are caches, built a moment after the switch so that the update's own bookkeeping is not
    // held up by them; a query that comes first builds what it needs itself.
    setTimeout(() => engine.prepare(), PREPARE_AFTER_SWITCH_MS);
    this.state = {
      model,
      engine,
      selection: upgrade ? { ...selection, reason: 'js: answering while onnxruntime-web starts (upgrade to wasm pending)' } : selection,
    };
    this.options.onModelChanged();
    // Released in the background: an ORT dispose waits behind any session ORT is still creating,
    // and the new version must not wait for that.
    if (previous && previous.selection.backend !== selection.backend) void previous.selection.backend.dispose().catch(() => undefined);
    if (upgrade) this.upgradeBackend(model, backendModel, upgradeDelayMs);
  }

  /** Gives a port the page opened to a helper it started (after a `helper-wanted` event) to the kernel waiting for it. */
  adoptScreeningHelperPort(id: number, port: MessagePort): void {
    const deferred = this.pageHelpersWanted.get(id);
    this.pageHelpersWanted.delete(id);
    // A helper nobody waits for any more (its backend was released) is stopped at once.
    (deferred ?? new DeferredHelperPort(true)).attach(port);
  }

  /** Releases the serving backend; a background upgrade that finishes later releases its own. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const state = this.state;
    this.state = undefined;
    await state?.selection.backend.dispose().catch(() => undefined);
  }

  /** Tries the best backend for `model` in the background and switches to it when it works. */
  private upgradeBackend(model: ServedModel, backendModel: { factors: ServedModel['factors'] }, delayMs: number): void {
    const started = delayMs > 0 ? new Promise<void>((done) => setTimeout(done, delayMs)) : Promise.resolve();
    void started
      .then(() => (this.disposed || this.state?.model !== model ? undefined : selectBackend(backendModel, this.backendOptions('auto'))))
      .then(async (selection) => {
        if (!selection) return;
        const serving = this.state;
        if (this.disposed || !serving || serving.model !== model) {
          await selection.backend.dispose();
          return;
        }
        if (selection.backend.name === serving.selection.backend.name) {
          // Nothing better runs here: keep the kernel already serving, report why.
          await selection.backend.dispose();
          this.state = { ...serving, selection: { ...serving.selection, attempts: selection.attempts, reason: selection.reason } };
          return;
        }
        this.state = { model, engine: new RecommendationEngine(model, selection.backend), selection };
        void serving.selection.backend.dispose().catch(() => undefined);
        this.options.onBackendUpgraded();
      })
      .catch((error: unknown) => this.options.onError(error));
  }

  private backendOptions(preference: BackendPreference): SelectBackendOptions {
    const { ortThreads, jsThreads, ortBaseUrl } = this.options;
    return {
      preference,
      ortThreads: ortThreads.threads,
      ortThreadsReason: ortThreads.reason,
      jsThreads: jsThreads.threads,
      jsThreadsReason: jsThreads.reason,
      spawnScreeningHelper: jsThreads.threads > 1 ? () => this.spawnScreeningHelper() : undefined,
      ortRuntimeLoader: ortBaseUrl ? loadOrtInClassicWorker(ortBaseUrl) : undefined,
      ortWebGpuRuntimeLoader: ortBaseUrl ? loadOrtInClassicWorker(ortBaseUrl, 'webgpu') : undefined,
    };
  }

  /** A helper worker for the js kernel: started here where workers can start workers, else asked of the page. */
  private spawnScreeningHelper(): ScreeningHelperPort {
    if (canSpawnScreeningHelpers()) return spawnScreeningHelperWorker();
    const id = this.nextPageHelperId++;
    const port = new DeferredHelperPort();
    this.pageHelpersWanted.set(id, port);
    this.options.emit({ type: 'helper-wanted', id });
    return port;
  }
}
