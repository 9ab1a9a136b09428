import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildCatalogColumns } from '../../../models/artifact/CatalogColumns';
import type { EngineEvent } from '../../../models/contract/EngineApi';
import type { BackendPreference } from '../../../models/contract/types';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';
import { buildOndeckModel } from '../../../models/node/artifact/buildOndeckModel';
import { SeededRandom } from '../../../models/random';
import type { ScoringBackend } from '../../../models/scoring/ScoringBackend';
import type { BackendSelection, SelectBackendOptions } from '../../../worker/backends/selectBackend';
import { ModelServing } from '../../../worker/engine/ModelServing';
import { toServedModel, type ServedModel } from '../../../worker/model/ServedModel';
import { randomUser } from '../../support/scoringFixtures';

// ModelServing in Node, with the real backends: Node has WebAssembly SIMD and onnxruntime-web's
// CPU provider (so 'auto' upgrades to wasm), no WebGPU, and no nested workers (so js helper
// threads are asked of the page). selectBackend is wrapped, not replaced: every selection it
// makes is recorded with a spy on its backend's dispose, and the background upgrade's result can
// be held back until the test lets it through.

interface RecordedSelection {
  readonly preference: BackendPreference | undefined;
  readonly selection: BackendSelection;
  readonly dispose: ReturnType<typeof vi.fn>;
}

const selectBackendCalls = vi.hoisted(() => ({
  /** Selections made so far, in the order they finished. */
  made: [] as RecordedSelection[],
  /** Preferences of the calls started so far. */
  started: [] as Array<string | undefined>,
  /** While set, an 'auto' selection (the background upgrade) waits for it before it is returned. */
  holdUpgrades: undefined as Promise<void> | undefined,
}));

vi.mock('../../../worker/backends/selectBackend', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../worker/backends/selectBackend')>();
  return {
    ...original,
    selectBackend: async (model: Parameters<typeof original.selectBackend>[0], options: SelectBackendOptions = {}): Promise<BackendSelection> => {
      selectBackendCalls.started.push(options.preference);
      const selection = await original.selectBackend(model, options);
      const dispose = vi.spyOn(selection.backend, 'dispose') as unknown as ReturnType<typeof vi.fn>;
      selectBackendCalls.made.push({ preference: options.preference, selection, dispose });
      if (options.preference === 'auto') await selectBackendCalls.holdUpgrades;
      return selection;
    },
  };
});

const ONE_THREAD = { threads: 1, reason: '1 thread (test)' };
/** What ModelServing reports while the js kernel answers and onnxruntime-web starts. */
const UPGRADE_PENDING = 'js: answering while onnxruntime-web starts (upgrade to wasm pending)';

afterEach(() => {
  selectBackendCalls.made.length = 0;
  selectBackendCalls.started.length = 0;
  selectBackendCalls.holdUpgrades = undefined;
});

/** A served model of `itemCount` seeded Gaussian rows (no training: serving does not care), ids `item-<row>`. */
function servedModel(itemCount: number, seed: number, modelVersion = 1): ServedModel {
  const dims = 8;
  const random = new SeededRandom(seed);
  const itemFactors = Float32Array.from({ length: itemCount * dims }, () => random.nextGaussian());
  const ids = Array.from({ length: itemCount }, (_, row) => `item-${row}`);
  const items = new Map<string, ItemMetadata>(ids.map((id, row) => [id, { id, title: `Title ${row}`, genres: ['Drama'] }]));
  const popularity = Int32Array.from({ length: itemCount }, (_, row) => itemCount - row);
  const catalog = buildCatalogColumns(ids, items, popularity, { names: ['Everything'], centroids: new Array<number>(dims).fill(0) }, new Int32Array(itemCount));
  const model = buildOndeckModel({
    itemFactors,
    dims,
    catalog,
    foldIn: { alpha: 1, unobservedWeight: 0.3, regularization: 0.01, regularizationExponent: 1 },
    training: { algorithm: 'imported', source: 'synthetic' },
    modelVersion,
    lineageId: 'lineage-serving-test',
  });
  return toServedModel(model);
}

/** A ModelServing whose callbacks are recorded; disposed when the test ends. */
function openServing(options: { backend?: BackendPreference; jsThreads?: number; ortBaseUrl?: string } = {}) {
  const events: EngineEvent[] = [];
  const errors: unknown[] = [];
  const calls = { modelChanged: 0, backendUpgraded: 0 };
  const serving = new ModelServing({
    backend: options.backend,
    ortBaseUrl: options.ortBaseUrl,
    ortThreads: ONE_THREAD,
    jsThreads: options.jsThreads ? { threads: options.jsThreads, reason: `${options.jsThreads} threads (test)` } : ONE_THREAD,
    emit: (event) => events.push(event),
    onModelChanged: () => calls.modelChanged++,
    onBackendUpgraded: () => calls.backendUpgraded++,
    onError: (error) => errors.push(error),
  });
  onTestFinished(() => serving.dispose());
  return { serving, events, errors, calls };
}

/** Resolves when `backend` answers no more: a released backend refuses queries with backend-unavailable. */
async function expectReleased(backend: ScoringBackend, dims = 8): Promise<void> {
  await expect(backend.topK(randomUser(dims, 1), 3)).rejects.toMatchObject({ code: 'backend-unavailable', details: { reason: expect.stringContaining('disposed') } });
}

describe('ModelServing with a fixed backend', () => {
  it("serve() with 'js' serves the model on the js kernel and says so once", async () => {
    const { serving, calls, errors } = openServing({ backend: 'js' });
    const model = servedModel(300, 1);
    expect(serving.current).toBeUndefined();
    await serving.serve(model);

    const current = serving.current!;
    expect(current.model).toBe(model);
    expect(current.selection.backend.name).toBe('js');
    expect(current.selection.reason).toContain('1 thread (test)');
    expect(current.engine.indexOfItem('item-42')).toBe(42);
    expect((await current.selection.backend.topK(randomUser(8, 2), 5)).indices).toHaveLength(5);
    expect(calls).toEqual({ modelChanged: 1, backendUpgraded: 0 });
    // A fixed backend is final: no background selection is started.
    expect(selectBackendCalls.started).toEqual(['js']);
    expect(errors).toEqual([]);
  });

  it('serving a second model switches to it and releases the previous backend', async () => {
    const { serving, calls } = openServing({ backend: 'js' });
    await serving.serve(servedModel(300, 1));
    const previous = serving.current!;
    const next = servedModel(200, 2, 2);
    await serving.serve(next);

    expect(serving.current?.model).toBe(next);
    expect(serving.current?.engine.indexOfItem('item-250')).toBeUndefined();
    expect(calls.modelChanged).toBe(2);
    await vi.waitFor(() => expect(selectBackendCalls.made[0].dispose).toHaveBeenCalledTimes(1));
    await expectReleased(previous.selection.backend);
    expect((await serving.current!.selection.backend.topK(randomUser(8, 2), 5)).indices).toHaveLength(5);
  });

  it('dispose() releases the serving backend and serves nothing afterwards', async () => {
    const { serving } = openServing({ backend: 'js' });
    await serving.serve(servedModel(300, 1));
    const { backend } = serving.current!.selection;
    await serving.dispose();
    expect(serving.current).toBeUndefined();
    await expectReleased(backend);
  });
});

describe("ModelServing with 'auto' (js first, onnxruntime-web in the background)", () => {
  // First in this file on purpose: onnxruntime-web is loaded once per realm and the first
  // successful load is kept for every later one, so this failing loader must come before any
  // test that loads ORT from the package.
  it('keeps the js kernel, and says why, when onnxruntime-web cannot start (a classic-worker loader in Node)', async () => {
    const { serving, calls, errors } = openServing({ ortBaseUrl: 'http://127.0.0.1:9/ort/' });
    const model = servedModel(300, 1);
    await serving.serve(model);
    const js = serving.current!.selection.backend;
    expect(js.name).toBe('js');
    expect(serving.current!.selection.reason).toBe(UPGRADE_PENDING);

    await vi.waitFor(() => expect(serving.current!.selection.reason).not.toBe(UPGRADE_PENDING));
    const { selection } = serving.current!;
    expect(selection.backend).toBe(js);
    expect(selection.reason).toMatch(/^js: .*wasm unavailable/);
    expect(selection.attempts.find((attempt) => attempt.backend === 'wasm')).toMatchObject({ ok: false, reason: expect.stringMatching(/^onnxruntime-web failed to initialise/) });
    // The upgrade's own js kernel was released; the serving one still answers.
    const upgrade = selectBackendCalls.made.find((made) => made.preference === 'auto')!;
    expect(upgrade.selection.backend).not.toBe(js);
    expect(upgrade.dispose).toHaveBeenCalledTimes(1);
    expect((await js.topK(randomUser(8, 2), 5)).indices).toHaveLength(5);
    expect(calls).toEqual({ modelChanged: 1, backendUpgraded: 0 });
    expect(errors).toEqual([]);
  });

  it('answers at once on the js kernel, then switches to wasm, releases the kernel and calls onBackendUpgraded', async () => {
    const { serving, calls, errors } = openServing();
    const model = servedModel(300, 1);
    await serving.serve(model);
    const js = serving.current!.selection.backend;
    expect(js.name).toBe('js');
    expect(serving.current!.selection.reason).toBe(UPGRADE_PENDING);

    await vi.waitFor(() => expect(calls.backendUpgraded).toBe(1), { timeout: 30_000 });
    const current = serving.current!;
    expect(current.model).toBe(model);
    expect(current.selection.backend.name).toBe('wasm');
    expect(current.selection.reason).toMatch(/^wasm: onnxruntime-web/);
    expect(current.engine.indexOfItem('item-7')).toBe(7);
    expect((await current.selection.backend.topK(randomUser(8, 2), 5)).indices).toHaveLength(5);
    await vi.waitFor(() => expect(selectBackendCalls.made[0].dispose).toHaveBeenCalledTimes(1));
    await expectReleased(js);
    expect(calls.modelChanged).toBe(1);
    expect(errors).toEqual([]);
  });

  it('releases, and does not install, an upgrade that finishes after dispose()', async () => {
    let letThrough!: () => void;
    selectBackendCalls.holdUpgrades = new Promise<void>((resolve) => (letThrough = resolve));
    const { serving, calls, errors } = openServing();
    await serving.serve(servedModel(300, 1));
    const js = serving.current!.selection.backend;
    await vi.waitFor(() => expect(selectBackendCalls.made.map((made) => made.preference)).toEqual(['js', 'auto']), { timeout: 30_000 });

    await serving.dispose();
    expect(serving.current).toBeUndefined();
    await expectReleased(js);

    letThrough();
    const upgrade = selectBackendCalls.made[1];
    expect(upgrade.selection.backend.name).toBe('wasm');
    await vi.waitFor(() => expect(upgrade.dispose).toHaveBeenCalledTimes(1));
    expect(serving.current).toBeUndefined();
    expect(calls.backendUpgraded).toBe(0);
    expect(errors).toEqual([]);
  });

  it('releases, and does not install, an upgrade for a model that no longer serves', async () => {
    let letThrough!: () => void;
    selectBackendCalls.holdUpgrades = new Promise<void>((resolve) => (letThrough = resolve));
    const { serving, calls } = openServing();
    const first = servedModel(300, 1);
    const second = servedModel(300, 2, 2);
    await serving.serve(first);
    await vi.waitFor(() => expect(selectBackendCalls.made.filter((made) => made.preference === 'auto')).toHaveLength(1), { timeout: 30_000 });
    await serving.serve(second);
    await vi.waitFor(() => expect(selectBackendCalls.made.filter((made) => made.preference === 'auto')).toHaveLength(2), { timeout: 30_000 });

    letThrough();
    const [firstUpgrade, secondUpgrade] = selectBackendCalls.made.filter((made) => made.preference === 'auto');
    await vi.waitFor(() => expect(calls.backendUpgraded).toBe(1));
    await vi.waitFor(() => expect(firstUpgrade.dispose).toHaveBeenCalledTimes(1));
    expect(serving.current?.model).toBe(second);
    expect(serving.current?.selection.backend).toBe(secondUpgrade.selection.backend);
    expect(secondUpgrade.dispose).not.toHaveBeenCalled();
  });
});

describe('ModelServing: js helper threads asked of the page', () => {
  // 50k rows: the js kernel splits a table 2 ways from 2 × 25,000 rows (MIN_ROWS_PER_THREAD).
  const ITEMS = 50_000;

  it('asks the page for a helper with an id, hands the adopted port the table, and stops ports nobody waits for', async () => {
    const { serving, events } = openServing({ backend: 'js', jsThreads: 2 });
    await serving.serve(servedModel(ITEMS, 3));
    // The helper is asked for once the table is prepared, a moment after the switch.
    await vi.waitFor(() => expect(events).toEqual([{ type: 'helper-wanted', id: 1 }]));

    const page = new MessageChannel();
    const unknown = new MessageChannel();
    const received: { page: string[]; unknown: string[] } = { page: [], unknown: [] };
    page.port1.onmessage = (event: MessageEvent) => void received.page.push((event.data as { type: string }).type);
    unknown.port1.onmessage = (event: MessageEvent) => void received.unknown.push((event.data as { type: string }).type);
    onTestFinished(() => [page.port1, page.port2, unknown.port1, unknown.port2].forEach((port) => port.close()));

    serving.adoptScreeningHelperPort(1, page.port2);
    serving.adoptScreeningHelperPort(99, unknown.port2);
    // The table copy posted before the port arrived reaches the helper; a stranger is told to stop.
    await vi.waitFor(() => expect(received).toEqual({ page: ['load'], unknown: ['stop'] }));

    // Releasing the backend stops the helper the page started.
    await serving.dispose();
    await vi.waitFor(() => expect(received.page).toEqual(['load', 'stop']));
  });
});
