import { MODEL_FILES, type ModelManifest } from '../../models/artifact/ModelManifest';
import { parseManifest } from '../../models/artifact/parseManifest';
import { isOndeckError } from '../../models/errors/OndeckError';
import { buildScoringGraph } from '../../models/onnx/buildScoringGraph';
import { applyDelta } from '../../models/sync/applyDelta';
import type { ModelTables } from '../../models/sync/decodeModelTables';
import type { ModelServing } from '../engine/ModelServing';
import type { EngineStorage, StoredModel } from '../storage/EngineStorage';
import { STATE_KEYS } from '../storage/OndeckDatabaseSchema';
import type { ServingVersion } from '../sync/planSync';
import type { DeltaUpdate, SyncInstaller } from '../sync/SyncInstaller';
import { decodeModelFiles } from './decodeModelFiles';
import { fetchModelFiles, fetchModelManifest } from './fetchModelFiles';
import { toServedModel, type ServedModel } from './ServedModel';
import { verifyAppliedTables } from './verifyAppliedTables';
import { verifyModelFile } from './verifyModelFiles';

/** How long after a model switch the background backend upgrade (ORT session build) starts. */
const UPGRADE_AFTER_SWITCH_MS = 1000;
/** How long after a delta install the journaled version is rewritten whole in storage. */
const COMPACT_AFTER_SWITCH_MS = 2000;

/** What {@link ModelLifecycle} needs from the engine around it. */
export interface ModelLifecycleOptions {
  readonly storage: EngineStorage;
  /** Where a verified, stored version is swapped in. */
  readonly serving: ModelServing;
  /** A new version serves (the page gets an `update` event). */
  readonly onSwitched: () => Promise<void>;
  /** Reports a failure that must not stop the engine (a damaged journal, a failed compaction). */
  readonly onError: (error: unknown) => void;
}

/**
 * A model version's life on the device: decoded and verified off to the side, stored in one
 * storage transaction, then swapped in ({@link ModelServing.serve}); a version rebuilt from deltas
 * is journaled (base plus deltas) and rewritten whole a moment later. Switches run one at a time,
 * in call order, and a failure at any step leaves the serving version as it was. Sync reaches the
 * engine only through this object ({@link SyncInstaller}).
 *
 * @example
 * ```ts
 * const lifecycle = new ModelLifecycle({ storage, serving, onSwitched, onError });
 * await lifecycle.restore();                   // the stored current version, if any
 * await lifecycle.installFromUrl(modelUrl);    // or sync: createSyncController({ installer: lifecycle, … })
 * ```
 */
export class ModelLifecycle implements SyncInstaller {
  /** Model switches (sync installs, installFromUrl, compactions) run one at a time, in call order. */
  private switching: Promise<unknown> = Promise.resolve();
  private lastUpdate?: string;
  private stopped = false;

  constructor(private readonly options: ModelLifecycleOptions) {}

  /** When the serving version was installed (ISO time), as stored; `undefined` before the first install. */
  get lastModelUpdate(): string | undefined {
    return this.lastUpdate;
  }

  /**
   * Serves the stored current version, if there is one and it decodes. A corrupted one is
   * reported and left for a fresh download (sync or `modelUrl`) to replace.
   */
  async restore(): Promise<void> {
    this.lastUpdate = await this.options.storage.getState<string>(STATE_KEYS.lastModelUpdate);
    const stored = await this.options.storage.loadCurrentModel().catch((error: unknown) => {
      this.options.onError(error);
      return undefined;
    });
    if (!stored) return;
    try {
      const { model, journalFiles } = await this.decodeStored(stored);
      await this.options.serving.serve(model);
      if (journalFiles) this.compactLater(model, journalFiles);
    } catch (error) {
      this.options.onError(error);
    }
  }

  /**
   * Downloads the model directory at `url` and installs it, unless it is the serving lineage at
   * the same or a lower version (then only model.json is fetched).
   */
  async installFromUrl(url: string): Promise<void> {
    // model.json first: an unchanged model costs one small request, not the whole download.
    const manifest = await fetchModelManifest(url);
    const current = this.options.serving.current?.model.manifest;
    if (current && current.lineageId === manifest.lineageId && manifest.modelVersion <= current.modelVersion) return;
    const { files } = await fetchModelFiles(url, fetch, manifest);
    await this.install(manifest, files);
  }

  servingVersion(): ServingVersion | undefined {
    const manifest = this.options.serving.current?.model.manifest;
    return manifest && { lineageId: manifest.lineageId, version: manifest.modelVersion, dims: manifest.dims, itemCount: manifest.itemCount };
  }

  servingTables(): ModelTables | undefined {
    const model = this.options.serving.current?.model;
    return model?.manifestBytes && { manifestBytes: model.manifestBytes, manifest: model.manifest, factors: model.factors, gramian: model.gramian, catalog: model.catalog };
  }

  /**
   * Verifies a downloaded model against its model.json, stores it (one storage transaction: a
   * reload or a quota error mid-way leaves the previous version current and complete), then
   * swaps it in. Until the swap, queries keep being answered by the previous version.
   */
  install(manifest: ModelManifest, files: Map<string, Uint8Array>): Promise<void> {
    return this.queueSwitch(async () => {
      // Verify and decode before anything is stored or swapped: a bad download changes nothing.
      const model = toServedModel(await decodeModelFiles(manifest, files));
      await this.options.storage.saveModel({ manifest, files, storedAt: Date.now() });
      await this.switchTo(model);
    });
  }

  /**
   * Installs a version rebuilt from the serving one by a delta chain. The rebuilt tables are
   * proven against the version's model.json first (every file's SHA-256), then the version is
   * journaled (the deltas, a few hundred KB, next to the stored base: one small transaction) and
   * swapped in. Rewriting it whole, tens of MB, waits until after the switch
   * ({@link compactLater}): until that commits, a reload rebuilds it from base and deltas.
   */
  installDelta(update: DeltaUpdate): Promise<void> {
    return this.queueSwitch(async () => {
      const { model, files } = await verifyAppliedTables(update.tables);
      const { storage } = this.options;
      const stored = { manifest: model.manifest, storedAt: Date.now() };
      let journaled = true;
      try {
        await storage.saveModelDelta({ ...stored, baseVersion: update.baseVersion, deltas: update.deltas });
      } catch (error) {
        // The stored base is itself journaled (its rewrite has not happened yet): store whole.
        if (!isOndeckError(error, 'invalid-argument')) throw error;
        journaled = false;
        await storage.saveModel({ ...stored, files: await withScoringGraph(model, files) });
      }
      await this.switchTo(model);
      if (journaled) this.compactLater(model, files);
    });
  }

  /** No compaction starts after this; a running switch finishes. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs model switches one at a time, in call order. */
  private queueSwitch<T>(run: () => Promise<T>): Promise<T> {
    const result = this.switching.then(run, run);
    this.switching = result.catch(() => undefined);
    return result;
  }

  /** Serves `model` (already stored), records the install time and tells the page. */
  private async switchTo(model: ServedModel): Promise<void> {
    // ORT's session for the new version is built a moment later: building it occupies this
    // thread for a while, and the update, and the app's first queries on it, come first.
    await this.options.serving.serve(model, UPGRADE_AFTER_SWITCH_MS);
    this.lastUpdate = new Date().toISOString();
    await this.options.storage.setState(STATE_KEYS.lastModelUpdate, this.lastUpdate);
    await this.options.onSwitched();
  }

  /**
   * Rewrites a journaled version whole, {@link COMPACT_AFTER_SWITCH_MS} after the switch (so the
   * bookkeeping writes that finish the update and the app's first queries on the new version are
   * not queued behind a transaction of tens of MB), and only if it still serves. The storage then
   * drops the base and the deltas.
   */
  private compactLater(model: ServedModel, files: Map<string, Uint8Array>): void {
    setTimeout(() => {
      void this.queueSwitch(async () => {
        if (this.stopped || this.options.serving.current?.model !== model) return;
        await this.options.storage.saveModel({ manifest: model.manifest, files: await withScoringGraph(model, files), storedAt: Date.now() });
      }).catch((error: unknown) => this.options.onError(error));
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
      const baseJson = stored.files.get(MODEL_FILES.manifest);
      // restore() reports what is thrown; only a failure that is recovered from is reported here.
      if (!baseJson) throw error;
      this.options.onError(error);
      const base = toServedModel(await decodeModelFiles(parseManifest(new TextDecoder().decode(baseJson)), stored.files));
      await this.options.storage.saveModel({ manifest: base.manifest, files: new Map(stored.files), storedAt: Date.now() });
      return { model: base };
    }
  }
}

/**
 * `files` with the version's `scoring.onnx`, which a version rebuilt from deltas leaves out (see
 * ServedModel): built from the factors and proven against model.json before the version is
 * stored whole, since model.json lists it and a restart verifies every listed file.
 */
async function withScoringGraph(model: ServedModel, files: Map<string, Uint8Array>): Promise<Map<string, Uint8Array>> {
  if (files.has(MODEL_FILES.scoringGraph)) return files;
  const graph = buildScoringGraph(model.factors);
  await verifyModelFile(model.manifest, MODEL_FILES.scoringGraph, graph);
  return new Map(files).set(MODEL_FILES.scoringGraph, graph);
}
