import { beforeAll, describe, expect, it } from 'vitest';
import { RecommendationEngine } from '../../../worker/engine/RecommendationEngine';
import { historyToInteractions } from '../../../worker/engine/historyToInteractions';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmBackend } from '../../../worker/backends/createWasmBackend';
import type { HistoryEntry } from '../../../models/contract/types';
import type { OndeckModel } from '../../../models/artifact/OndeckModel';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { plantedModel } from '../../support/plantedModel';
import { DEFAULT_RECENCY_HALF_LIFE_DAYS } from '../../../models/scoring/recencyDecay';

let model: OndeckModel;
let blockOf: (itemId: string) => number;
let engine: RecommendationEngine;
const now = Date.parse('2026-11-24T12:00:00Z');

const watched = (ids: string[], type: HistoryEntry['type'] = 'complete'): HistoryEntry[] =>
  ids.map((itemId, i) => ({ itemId, type, time: now - (ids.length - i) * 60_000, ...(type === 'progress' ? { progress: 0.4 } : {}) }));
const viewerOf = (entries: HistoryEntry[]) => historyToInteractions(entries, (id) => engine.indexOfItem(id), now);

beforeAll(async () => {
  ({ model, blockOf } = await plantedModel());
  const backend = createJsInt8Backend();
  await backend.load({ factors: model.factors });
  engine = new RecommendationEngine(model, backend);
});

describe('RecommendationEngine', () => {
  it("recommends unseen titles from the viewer's taste block", async () => {
    const history = watched(['b2-i3', 'b2-i5', 'b2-i8', 'b2-i13']);
    const picks = await engine.recommend(viewerOf(history), { count: 10 }, undefined, now);
    expect(picks).toHaveLength(10);
    expect(picks.map((p) => blockOf(p.itemId))).toEqual(new Array(10).fill(2));
    for (const pick of picks) expect(history.map((h) => h.itemId)).not.toContain(pick.itemId);
    expect(picks[0].genres).toEqual(['Animation']);
    for (let i = 1; i < picks.length; i++) expect(picks[i].score).toBeLessThanOrEqual(picks[i - 1].score);
  });

  it('never recommends hidden or disliked titles, and excludes requested ids', async () => {
    const first = await engine.recommend(viewerOf(watched(['b1-i0', 'b1-i4', 'b1-i7'])), { count: 3 }, undefined, now);
    const hidden = [
      ...watched(['b1-i0', 'b1-i4', 'b1-i7']),
      { itemId: first[0].itemId, type: 'hide' as const, time: now },
      { itemId: first[1].itemId, type: 'dislike' as const, time: now },
    ];
    const again = await engine.recommend(viewerOf(hidden), { count: 20, exclude: [first[2].itemId] }, undefined, now);
    const ids = again.map((p) => p.itemId);
    expect(ids).not.toContain(first[0].itemId);
    expect(ids).not.toContain(first[1].itemId);
    expect(ids).not.toContain(first[2].itemId);
  });

  it('applies maturity limits (profile and filter), genre filters and availability windows', async () => {
    const adultViewer = viewerOf(watched(['b3-i1', 'b3-i2', 'b3-i9']));
    const kids = await engine.recommend(adultViewer, { count: 30 }, 7, now);
    expect(kids.every((p) => blockOf(p.itemId) === 1 || blockOf(p.itemId) === 2)).toBe(true);
    const filtered = await engine.recommend(adultViewer, { count: 30, filter: { maxMaturityAge: 8 } }, undefined, now);
    expect(filtered.some((p) => blockOf(p.itemId) === 0)).toBe(true);
    expect(filtered.some((p) => blockOf(p.itemId) === 3)).toBe(false);
    const comedies = await engine.recommend(adultViewer, { count: 30, filter: { genres: ['comedy'] } }, undefined, now);
    expect(comedies.length).toBeGreaterThan(0);
    expect(comedies.every((p) => p.genres.includes('Comedy'))).toBe(true);
    const ids = comedies.map((p) => p.itemId);
    expect(ids).not.toContain('b0-i1'); // not yet available
    expect(ids).not.toContain('b0-i2'); // expired
    const later = await engine.recommend(adultViewer, { count: 30, filter: { genres: ['Comedy'], availableAt: Date.parse('2101-01-01') } }, undefined, now);
    expect(later.map((p) => p.itemId)).toContain('b0-i1');
    const noHorror = await engine.recommend(adultViewer, { count: 20, filter: { excludeGenres: ['Horror'] } }, undefined, now);
    expect(noHorror.every((p) => !p.genres.includes('Horror'))).toBe(true);
  });

  it('explains each pick by the history title that contributed most', async () => {
    const history = [...watched(['b0-i3', 'b0-i4', 'b0-i5']), ...watched(['b2-i1', 'b2-i2', 'b2-i6'])];
    const picks = await engine.recommend(viewerOf(history), { count: 12, explain: true }, undefined, now);
    for (const pick of picks) {
      expect(pick.because).toBeDefined();
      expect(blockOf(pick.because!.itemId)).toBe(blockOf(pick.itemId));
      expect(pick.because!.title).toBe(`Title ${pick.because!.itemId}`);
    }
  });

  it('builds home rows with no title twice and the expected row kinds', async () => {
    const history = [...watched(['b2-i3', 'b2-i5', 'b2-i8']), { itemId: 'b2-i10', type: 'progress' as const, time: now - 1000, progress: 0.35 }];
    const rows = await engine.rows(viewerOf(history), { perRow: 5 }, undefined, now);
    const kinds = rows.map((row) => row.kind);
    expect(kinds[0]).toBe('continue-watching');
    expect(rows[0].items.map((i) => i.itemId)).toEqual(['b2-i10']);
    expect(kinds).toContain('top-picks');
    expect(kinds).toContain('trending');
    const because = rows.find((row) => row.kind === 'because-you-watched')!;
    expect(because.title).toBe('Because you watched Title b2-i10');
    const all = rows.flatMap((row) => row.items.map((i) => i.itemId));
    expect(new Set(all).size).toBe(all.length);
    expect(rows.find((row) => row.kind === 'top-picks')!.items.every((i) => blockOf(i.itemId) === 2)).toBe(true);
  });

  it('falls back to popularity for a viewer with no history', async () => {
    const picks = await engine.recommend(viewerOf([]), { count: 5 }, undefined, now);
    const popularity = picks.map((p) => model.catalog.popularity[engine.indexOfItem(p.itemId)!]);
    expect(popularity).toEqual([...popularity].sort((a, b) => b - a));
    const max = Math.max(...model.catalog.popularity);
    expect(popularity[0]).toBe(max);
  });

  it('finds similar titles in the same block, and rejects unknown ids and bad counts', async () => {
    const similar = await engine.similar('b1-i3', { count: 8 });
    expect(similar.map((s) => blockOf(s.itemId))).toEqual(new Array(8).fill(1));
    expect(similar.map((s) => s.itemId)).not.toContain('b1-i3');
    await expect(engine.similar('nope')).rejects.toSatisfy((e: unknown) => isOndeckError(e, 'unknown-item'));
    await expect(engine.recommend(viewerOf([]), { count: 0 })).rejects.toSatisfy((e: unknown) => isOndeckError(e, 'invalid-argument'));
  });

  it('gives the same recommendations with the wasm backend', async () => {
    const wasm = createWasmBackend();
    await wasm.load({ factors: model.factors, onnxModel: model.scoringGraph });
    const wasmEngine = new RecommendationEngine(model, wasm);
    const viewer = viewerOf(watched(['b0-i3', 'b2-i5', 'b2-i8', 'b3-i4']));
    const fromJs = await engine.recommend(viewer, { count: 15 }, undefined, now);
    const fromWasm = await wasmEngine.recommend(viewer, { count: 15 }, undefined, now);
    expect(fromWasm.map((p) => p.itemId)).toEqual(fromJs.map((p) => p.itemId));
    await wasm.dispose();
  });
});

describe('RecommendationEngine with a popularity prior (model.json popularityPrior)', () => {
  it('leans a one-title profile toward popular titles and ranks the same on js and wasm, filters included', async () => {
    const withPrior: OndeckModel = { ...model, manifest: { ...model.manifest, popularityPrior: { weight: 50, historyScale: 2 } } };
    const js = createJsInt8Backend();
    const wasm = createWasmBackend();
    await Promise.all([js.load({ factors: model.factors }), wasm.load({ factors: model.factors, onnxModel: model.scoringGraph })]);
    try {
      const jsEngine = new RecommendationEngine(withPrior, js);
      const wasmEngine = new RecommendationEngine(withPrior, wasm);
      const popularity = model.catalog.popularity;
      const meanPopularity = (picks: { itemId: string }[]): number => picks.reduce((sum, p) => sum + popularity[engine.indexOfItem(p.itemId)!], 0) / picks.length;
      const oneTitle = viewerOf(watched(['b2-i3']));
      const plain = await engine.recommend(oneTitle, { count: 10 }, undefined, now);
      const leaning = await jsEngine.recommend(oneTitle, { count: 10 }, undefined, now);
      expect(meanPopularity(leaning)).toBeGreaterThan(meanPopularity(plain));
      for (const viewer of [oneTitle, viewerOf(watched(['b0-i3', 'b2-i5', 'b2-i8', 'b3-i4']))]) {
        const fromJs = await jsEngine.recommend(viewer, { count: 15 }, undefined, now);
        const fromWasm = await wasmEngine.recommend(viewer, { count: 15 }, undefined, now);
        expect(fromWasm.map((p) => p.itemId)).toEqual(fromJs.map((p) => p.itemId));
        const filter = { genres: ['Animation'] };
        const filteredJs = await jsEngine.recommend(viewer, { count: 5, filter }, undefined, now);
        expect((await wasmEngine.recommend(viewer, { count: 5, filter }, undefined, now)).map((p) => p.itemId)).toEqual(filteredJs.map((p) => p.itemId));
        for (const pick of filteredJs) expect(pick.genres).toContain('Animation');
      }
    } finally {
      await wasm.dispose();
    }
  });
});

describe('historyToInteractions', () => {
  const index = (id: string): number | undefined => ({ a: 0, b: 1, c: 2, d: 3 })[id];
  it('weights completion over a start, adds likes, decays with age and honours hide/replay', () => {
    const day = 86_400_000;
    const result = historyToInteractions(
      [
        { itemId: 'a', type: 'play', time: now },
        { itemId: 'b', type: 'complete', time: now },
        { itemId: 'c', type: 'complete', time: now - DEFAULT_RECENCY_HALF_LIFE_DAYS * day },
        { itemId: 'c', type: 'like', time: now - DEFAULT_RECENCY_HALF_LIFE_DAYS * day },
        { itemId: 'd', type: 'complete', time: now },
        { itemId: 'd', type: 'hide', time: now },
        { itemId: 'zzz', type: 'complete', time: now },
      ],
      index,
      now,
    );
    expect(Array.from(result.history.indices)).toEqual([0, 1, 2]);
    const [a, b, c] = Array.from(result.history.weights);
    expect(a).toBeCloseTo(0.5, 6);
    expect(b).toBeCloseTo(2, 6);
    expect(c).toBeCloseTo((2 + 2) / 2, 5); // completed + like, one half-life old
    expect([...result.hidden]).toEqual([3]);
    const replayed = historyToInteractions(
      [
        { itemId: 'd', type: 'hide', time: now - 10 },
        { itemId: 'd', type: 'play', time: now },
      ],
      index,
      now,
    );
    expect(replayed.hidden.size).toBe(0);
    expect(Array.from(replayed.history.indices)).toEqual([3]);
  });
});
