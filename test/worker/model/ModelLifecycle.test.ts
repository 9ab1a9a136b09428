import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { MODEL_FILES, type ModelManifest } from '../../../models/artifact/ModelManifest';
import type { OndeckModel } from '../../../models/artifact/OndeckModel';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import { parseManifest } from '../../../models/artifact/parseManifest';
import { applyDeltaToTables } from '../../../models/sync/applyDelta';
import { canonicalizeModel } from '../../../models/sync/canonicalizeModel';
import { computeDelta } from '../../../models/sync/computeDelta';
import { decodeModelTables } from '../../../models/sync/decodeModelTables';
import { encodeModelFiles } from '../../../models/sync/encodeModelFiles';
import { ModelServing } from '../../../worker/engine/ModelServing';
import { ModelLifecycle } from '../../../worker/model/ModelLifecycle';
import { createMemoryStorage } from '../../../worker/storage/createMemoryStorage';
import type { EngineStorage } from '../../../worker/storage/EngineStorage';
import type { DeltaUpdate } from '../../../worker/sync/SyncInstaller';
import { startStaticServer, type StaticServer } from '../../../scripts/browser/startStaticServer';
import { sameFiles } from '../../support/fakeIndexedDb';
import { plantedModel } from '../../support/plantedModel';
import { moveRows } from '../../support/publishPlantedVersions';

// ModelLifecycle over a real ModelServing (the `js` kernel: no ORT, nothing in the background)
// and the memory storage. The versions are the planted test model as v1 and two successors of
// the same lineage, encoded and diffed with the cloud side's own code (encodeModelFiles,
// canonicalizeModel, computeDelta), so every expected byte comes from outside the device code.

/** One published version: its model.json (parsed) and its four files as the cloud encodes them. */
interface Version {
  readonly manifest: ModelManifest;
  readonly files: Map<string, Uint8Array>;
}

/** How long after a delta install the version is rewritten whole (ModelLifecycle's COMPACT_AFTER_SWITCH_MS). */
const COMPACTION_DELAY_MS = 2000;
const ONE_THREAD = { threads: 1, reason: '1 thread (test)' };

let v1: Version;
let v2: Version;
let v3: Version;
/** v1 → v2 and v2 → v3, decompressed, as a device journals them. */
let delta12: Uint8Array;
let delta23: Uint8Array;
let models: { v1: OndeckModel; v2: OndeckModel };

beforeAll(async () => {
  const planted = await plantedModel();
  const first = planted.model;
  const second = canonicalizeModel(first, moveRows(first, planted.blockOf));
  const third = canonicalizeModel(second, moveRows(second, planted.blockOf, [10, 50, 90]));
  [v1, v2, v3] = [first, second, third].map(versionOf);
  delta12 = computeDelta(v1.files, v2.files).bytes;
  delta23 = computeDelta(v2.files, v3.files).bytes;
  models = { v1: first, v2: second };
}, 120_000);

afterEach(() => {
  vi.useRealTimers();
});

function versionOf(model: OndeckModel): Version {
  const files = encodeModelFiles(model);
  return { manifest: parseManifest(new TextDecoder().decode(files.get(MODEL_FILES.manifest))), files };
}

/** What sync hands the installer after applying `delta` to `base` (see ModelSync). */
function deltaUpdate(base: Version, delta: Uint8Array): DeltaUpdate {
  return { tables: applyDeltaToTables(decodeModelTables(base.files, 'base model'), delta), baseVersion: base.manifest.modelVersion, deltas: [delta] };
}

/** `files` with one byte of `name` changed: same size, another SHA-256 (a download corrupted on the way). */
function withFlippedByte(files: ReadonlyMap<string, Uint8Array>, name: string): Map<string, Uint8Array> {
  const copy = new Map(files);
  const bytes = files.get(name)!.slice();
  bytes[bytes.length >> 1] ^= 0xff;
  copy.set(name, bytes);
  return copy;
}

/** A lifecycle over `storage` with the js kernel serving; it is stopped and its backend released when the test ends. */
function openLifecycle(storage: EngineStorage = createMemoryStorage()) {
  const errors: unknown[] = [];
  /** The version serving at each `onSwitched`, in order. */
  const switchedTo: Array<number | undefined> = [];
  const serving = new ModelServing({
    backend: 'js',
    ortThreads: ONE_THREAD,
    jsThreads: ONE_THREAD,
    emit: () => undefined,
    onModelChanged: () => undefined,
    onBackendUpgraded: () => undefined,
    onError: (error) => errors.push(error),
  });
  const lifecycle: ModelLifecycle = new ModelLifecycle({
    storage,
    serving,
    onSwitched: async () => void switchedTo.push(lifecycle.servingVersion()?.version),
    onError: (error) => errors.push(error),
  });
  onTestFinished(async () => {
    lifecycle.stop();
    await serving.dispose();
  });
  return { storage, serving, lifecycle, errors, switchedTo };
}

/**
 * Resolves once every switch queued so far (a compaction its timer queued included) has run:
 * switches run in call order, so a download that fails verification, queued behind them, settles
 * after them; it changes nothing (first test below).
 */
async function queuedSwitchesSettled(lifecycle: ModelLifecycle): Promise<void> {
  await lifecycle.install(v1.manifest, withFlippedByte(v1.files, MODEL_FILES.factors)).catch(() => undefined);
}

/** `modelVersion` of every version `saveModel` was called with, in order. */
function spyOnWholeSaves(storage: EngineStorage): () => number[] {
  const saveModel = vi.spyOn(storage, 'saveModel');
  return () => saveModel.mock.calls.map(([model]) => model.manifest.modelVersion);
}

const errorCodes = (errors: readonly unknown[]): string[] => errors.map((error) => (isOndeckError(error) ? error.code : String(error)));

describe('ModelLifecycle: installing', () => {
  it('a download that fails verification rejects with model-corrupt and leaves the serving and the stored version as they were', async () => {
    const { lifecycle, storage, switchedTo, errors } = openLifecycle();
    await lifecycle.install(v1.manifest, v1.files);
    const installedAt = lifecycle.lastModelUpdate;

    const failed = await lifecycle.install(v2.manifest, withFlippedByte(v2.files, MODEL_FILES.factors)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isOndeckError(failed, 'model-corrupt')).toBe(true);
    expect(failed).toMatchObject({ details: { file: MODEL_FILES.factors } });

    expect(lifecycle.servingVersion()?.version).toBe(1);
    const stored = await storage.loadCurrentModel();
    expect(stored?.manifest.modelVersion).toBe(1);
    expect(sameFiles(stored!.files, v1.files)).toBe(true);
    // No update was announced and the install time is v1's: the page sees nothing happen.
    expect(switchedTo).toEqual([1]);
    expect(lifecycle.lastModelUpdate).toBe(installedAt);
    // A rejected install is the caller's to report, not a background error.
    expect(errors).toEqual([]);
  });

  it('two installs called back to back finish in call order, and the later one serves and is stored', async () => {
    // The first install's storage write is held up: were the installs not queued, the second
    // would store and serve v2 first, and the first would then put v1 back over it.
    const storage = createMemoryStorage();
    const save = storage.saveModel.bind(storage);
    let held = false;
    vi.spyOn(storage, 'saveModel').mockImplementation(async (model) => {
      if (!held) {
        held = true;
        await new Promise<void>((resolve) => setTimeout(resolve, 100));
      }
      return save(model);
    });
    const { lifecycle, switchedTo } = openLifecycle(storage);
    const finished: number[] = [];
    const first = lifecycle.install(v1.manifest, v1.files).then(() => void finished.push(1));
    const second = lifecycle.install(v2.manifest, v2.files).then(() => void finished.push(2));
    await Promise.all([first, second]);

    expect(finished).toEqual([1, 2]);
    expect(switchedTo).toEqual([1, 2]);
    expect(lifecycle.servingVersion()?.version).toBe(2);
    expect((await storage.loadCurrentModel())?.manifest.modelVersion).toBe(2);
  });

  it('servingVersion() and servingTables() describe the serving model, and its tables are what a delta applies to', async () => {
    const { lifecycle } = openLifecycle();
    await lifecycle.install(v1.manifest, v1.files);
    expect(lifecycle.servingVersion()).toEqual({ lineageId: v1.manifest.lineageId, version: 1, dims: v1.manifest.dims, itemCount: v1.manifest.itemCount });
    const tables = lifecycle.servingTables()!;
    const published = decodeModelTables(v1.files, 'v1');
    expect(tables.manifestBytes).toEqual(v1.files.get(MODEL_FILES.manifest));
    expect(tables.manifest).toEqual(v1.manifest);
    expect(tables.factors.values).toEqual(published.factors.values);
    expect(tables.factors.scales).toEqual(published.factors.scales);
    expect(tables.gramian).toEqual(published.gramian);
    expect(tables.catalog.ids).toEqual(published.catalog.ids);

    // As sync does: the chain applies to the serving tables.
    await lifecycle.installDelta({ tables: applyDeltaToTables(tables, delta12), baseVersion: 1, deltas: [delta12] });
    expect(lifecycle.servingVersion()).toEqual({ lineageId: v2.manifest.lineageId, version: 2, dims: v2.manifest.dims, itemCount: v2.manifest.itemCount });
    expect(lifecycle.servingTables()?.manifestBytes).toEqual(v2.files.get(MODEL_FILES.manifest));
  });

  it('stores the install time and a new lifecycle over the same storage reads it back', async () => {
    const { lifecycle, storage } = openLifecycle();
    const before = Date.now();
    await lifecycle.install(v1.manifest, v1.files);
    const after = Date.now();
    const installedAt = lifecycle.lastModelUpdate!;
    expect(new Date(installedAt).toISOString()).toBe(installedAt);
    expect(Date.parse(installedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(installedAt)).toBeLessThanOrEqual(after);

    const restarted = openLifecycle(storage);
    expect(restarted.lifecycle.lastModelUpdate).toBeUndefined();
    await restarted.lifecycle.restore();
    expect(restarted.lifecycle.lastModelUpdate).toBe(installedAt);
    expect(restarted.lifecycle.servingVersion()?.version).toBe(1);
  });
});

describe('ModelLifecycle: journaled versions', () => {
  it('installDelta journals the version (the stored base plus the delta) and rewrites it whole 2 s after the switch', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lifecycle, storage, errors } = openLifecycle();
    await lifecycle.install(v1.manifest, v1.files);
    await lifecycle.installDelta(deltaUpdate(v1, delta12));
    expect(lifecycle.servingVersion()?.version).toBe(2);

    const journaled = await storage.loadCurrentModel();
    expect(journaled?.manifest.modelVersion).toBe(2);
    expect(sameFiles(journaled!.files, v1.files)).toBe(true);
    expect(journaled?.deltas).toEqual([delta12]);

    await vi.advanceTimersByTimeAsync(COMPACTION_DELAY_MS - 1);
    await queuedSwitchesSettled(lifecycle);
    expect((await storage.loadCurrentModel())?.deltas).toEqual([delta12]);

    await vi.advanceTimersByTimeAsync(1);
    await queuedSwitchesSettled(lifecycle);
    const whole = await storage.loadCurrentModel();
    expect(whole?.deltas).toBeUndefined();
    expect(whole?.manifest.modelVersion).toBe(2);
    // Byte for byte v2's published files, scoring.onnx (left out of the update) included.
    expect(sameFiles(whole!.files, v2.files)).toBe(true);
    expect(errors).toEqual([]);

    const restarted = openLifecycle(storage);
    await restarted.lifecycle.restore();
    expect(restarted.lifecycle.servingVersion()?.version).toBe(2);
    expect(restarted.errors).toEqual([]);
  });

  it('skips the compaction when another version serves by then', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lifecycle, storage, errors } = openLifecycle();
    const wholeSaves = spyOnWholeSaves(storage);
    await lifecycle.install(v1.manifest, v1.files);
    await lifecycle.installDelta(deltaUpdate(v1, delta12));
    // A rollback to v1, stored whole, within the 2 s.
    await lifecycle.install(v1.manifest, v1.files);

    await vi.advanceTimersByTimeAsync(COMPACTION_DELAY_MS);
    await queuedSwitchesSettled(lifecycle);
    // Only the two installs of v1: v2, no longer serving, was not written back over it.
    expect(wholeSaves()).toEqual([1, 1]);
    const stored = await storage.loadCurrentModel();
    expect(stored?.manifest.modelVersion).toBe(1);
    expect(stored?.deltas).toBeUndefined();
    expect(lifecycle.servingVersion()?.version).toBe(1);
    expect(errors).toEqual([]);
  });

  it('starts no compaction after stop()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lifecycle, storage, errors } = openLifecycle();
    const wholeSaves = spyOnWholeSaves(storage);
    await lifecycle.install(v1.manifest, v1.files);
    await lifecycle.installDelta(deltaUpdate(v1, delta12));
    lifecycle.stop();

    await vi.advanceTimersByTimeAsync(COMPACTION_DELAY_MS);
    await queuedSwitchesSettled(lifecycle);
    expect(wholeSaves()).toEqual([1]);
    expect((await storage.loadCurrentModel())?.deltas).toEqual([delta12]);
    expect(errors).toEqual([]);
  });

  it('a second delta installed before the first was rewritten whole is stored whole, and a restart serves it', async () => {
    // The stored v2 is still journaled when v3 arrives, so storage refuses a journal on top of
    // it and v3 is stored whole instead. That copy must be complete: model.json lists
    // scoring.onnx, which a version rebuilt from a delta does not carry until it is compacted.
    const { lifecycle, storage } = openLifecycle();
    await lifecycle.install(v1.manifest, v1.files);
    await lifecycle.installDelta(deltaUpdate(v1, delta12));
    await lifecycle.installDelta(deltaUpdate(v2, delta23));
    expect(lifecycle.servingVersion()?.version).toBe(3);

    const stored = await storage.loadCurrentModel();
    expect(stored?.manifest.modelVersion).toBe(3);
    expect(stored?.deltas).toBeUndefined();
    expect.soft([...stored!.files.keys()].sort()).toEqual([...v3.files.keys()].sort());

    const restarted = openLifecycle(storage);
    await restarted.lifecycle.restore();
    expect.soft(errorCodes(restarted.errors)).toEqual([]);
    expect(restarted.lifecycle.servingVersion()?.version).toBe(3);
  });
});

describe('ModelLifecycle: restore', () => {
  it('serves nothing, and reports nothing, when nothing is stored', async () => {
    const { lifecycle, serving, errors, switchedTo } = openLifecycle();
    await lifecycle.restore();
    expect(serving.current).toBeUndefined();
    expect(lifecycle.servingVersion()).toBeUndefined();
    expect(lifecycle.servingTables()).toBeUndefined();
    expect(lifecycle.lastModelUpdate).toBeUndefined();
    expect(errors).toEqual([]);
    expect(switchedTo).toEqual([]);
  });

  it('rebuilds a stored journal, serves it, and rewrites it whole 2 s later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const storage = createMemoryStorage();
    await storage.saveModel({ manifest: v1.manifest, files: v1.files, storedAt: Date.now() });
    await storage.saveModelDelta({ manifest: v2.manifest, baseVersion: 1, deltas: [delta12], storedAt: Date.now() });

    const { lifecycle, errors } = openLifecycle(storage);
    await lifecycle.restore();
    expect(lifecycle.servingVersion()?.version).toBe(2);
    expect(lifecycle.servingTables()?.manifestBytes).toEqual(v2.files.get(MODEL_FILES.manifest));

    await vi.advanceTimersByTimeAsync(COMPACTION_DELAY_MS);
    await queuedSwitchesSettled(lifecycle);
    const whole = await storage.loadCurrentModel();
    expect(whole?.deltas).toBeUndefined();
    expect(sameFiles(whole!.files, v2.files)).toBe(true);
    expect(errors).toEqual([]);
  });

  it.each([
    { name: 'was made for another base', code: 'sync-delta-invalid', delta: () => delta23 },
    {
      name: 'rebuilds files that do not match its model.json',
      code: 'model-corrupt',
      // The last byte is an int8 value of a shipped row: the delta still applies, factors.bin no longer verifies.
      delta: () => {
        const bytes = delta12.slice();
        bytes[bytes.length - 1] ^= 0x01;
        return bytes;
      },
    },
  ])('a stored journal whose delta $name: serves the base, reports the error and stores the base whole again', async ({ code, delta }) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const storage = createMemoryStorage();
    await storage.saveModel({ manifest: v1.manifest, files: v1.files, storedAt: Date.now() });
    await storage.saveModelDelta({ manifest: v2.manifest, baseVersion: 1, deltas: [delta()], storedAt: Date.now() });
    const wholeSaves = spyOnWholeSaves(storage);

    const { lifecycle, errors } = openLifecycle(storage);
    await lifecycle.restore();
    expect(lifecycle.servingVersion()?.version).toBe(1);
    expect(lifecycle.servingTables()?.manifestBytes).toEqual(v1.files.get(MODEL_FILES.manifest));
    expect(errorCodes(errors)).toEqual([code]);
    const stored = await storage.loadCurrentModel();
    expect(stored?.manifest.modelVersion).toBe(1);
    expect(stored?.deltas).toBeUndefined();
    expect(sameFiles(stored!.files, v1.files)).toBe(true);

    // Nothing is compacted afterwards: the broken v2 is gone for good.
    await vi.advanceTimersByTimeAsync(COMPACTION_DELAY_MS);
    await queuedSwitchesSettled(lifecycle);
    expect(wholeSaves()).toEqual([1]);
    expect(errorCodes(errors)).toEqual([code]);
  });
});

describe('ModelLifecycle: installFromUrl', () => {
  let directory: string;
  let server: StaticServer;
  let seen = 0;
  /** Paths requested since the last call. */
  const newRequests = (): string[] => {
    const paths = server.requestedPaths.slice(seen);
    seen = server.requestedPaths.length;
    return paths;
  };
  const url = (name: string): string => `${server.origin}/${name}/`;
  const allFiles = (name: string): string[] => [MODEL_FILES.catalog, MODEL_FILES.factors, MODEL_FILES.manifest, MODEL_FILES.scoringGraph].map((file) => `/${name}/${file}`).sort();

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ondeck-lifecycle-'));
    const otherLineage = { ...models.v1, manifest: { ...models.v1.manifest, lineageId: 'another-lineage' } };
    await writeModelDirectory(models.v1, join(directory, 'v1'));
    await writeModelDirectory(models.v2, join(directory, 'v2'));
    await writeModelDirectory(otherLineage, join(directory, 'other'));
    server = await startStaticServer({ mounts: { '/v1/': join(directory, 'v1'), '/v2/': join(directory, 'v2'), '/other/': join(directory, 'other') } });
  });
  afterAll(async () => {
    await server?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('downloads a newer version whole, and fetches only model.json while the serving lineage is at that version or a later one', async () => {
    const { lifecycle, switchedTo } = openLifecycle();
    newRequests();
    await lifecycle.installFromUrl(url('v1'));
    expect(newRequests().sort()).toEqual(allFiles('v1'));
    expect(lifecycle.servingVersion()?.version).toBe(1);

    await lifecycle.installFromUrl(url('v1'));
    expect(newRequests()).toEqual(['/v1/model.json']);

    await lifecycle.installFromUrl(url('v2'));
    expect(newRequests().sort()).toEqual(allFiles('v2'));
    expect(lifecycle.servingVersion()?.version).toBe(2);

    await lifecycle.installFromUrl(url('v1'));
    expect(newRequests()).toEqual(['/v1/model.json']);
    expect(lifecycle.servingVersion()?.version).toBe(2);
    expect(switchedTo).toEqual([1, 2]);
  });

  it('downloads a version of another lineage even when its version number is lower', async () => {
    const { lifecycle } = openLifecycle();
    await lifecycle.installFromUrl(url('v2'));
    newRequests();
    await lifecycle.installFromUrl(url('other'));
    expect(newRequests().sort()).toEqual(allFiles('other'));
    expect(lifecycle.servingVersion()).toMatchObject({ lineageId: 'another-lineage', version: 1 });
  });
});
