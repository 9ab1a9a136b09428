import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { Engine } from '../../../worker/Engine';
import { startStaticServer, type StaticServer } from '../../../scripts/browser/startStaticServer';
import { plantedModel } from '../../support/plantedModel';

// Every public method of the engine (what crosses the worker boundary) answers arguments an app
// can get wrong with invalid-argument naming the argument, never with a TypeError from deep inside.
let directory: string;
let server: StaticServer;
let engine: Engine;

beforeAll(async () => {
  const planted = await plantedModel();
  directory = await mkdtemp(join(tmpdir(), 'ondeck-engine-arguments-'));
  await writeModelDirectory(planted.model, join(directory, 'model'));
  server = await startStaticServer({ mounts: { '/model/': join(directory, 'model') } });
  engine = new Engine();
  await engine.init({ backend: 'js', modelUrl: `${server.origin}/model/` }, () => undefined);
}, 120_000);
afterAll(async () => {
  await engine?.dispose();
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

/** The code and argument name a call failed with (or how else it ended). */
async function failure(call: () => Promise<unknown>): Promise<{ code: string; name?: unknown }> {
  try {
    await call();
    return { code: 'resolved' };
  } catch (error) {
    return isOndeckError(error) ? { code: error.code, name: error.details.name } : { code: `not an OndeckError: ${String(error)}` };
  }
}

// Arguments typed `never`: these calls are what plain JavaScript (or a cast) can send.
const bad = <T>(value: unknown): T => value as T;

describe('engine arguments', () => {
  it.each([
    { call: 'recommend({ filter: { genres: "Drama" } })', run: () => engine.recommend({ filter: { genres: bad('Drama') } }), name: 'filter.genres' },
    { call: 'recommend(null)', run: () => engine.recommend(bad(null)), name: 'request' },
    { call: 'recommend(5)', run: () => engine.recommend(bad(5)), name: 'request' },
    { call: 'recommend({ count: 2.5 })', run: () => engine.recommend({ count: 2.5 }), name: 'count' },
    { call: 'recommend({ exclude: "b0-i1" })', run: () => engine.recommend({ exclude: bad('b0-i1') }), name: 'exclude' },
    { call: 'recommend({ exclude: [1] })', run: () => engine.recommend({ exclude: bad([1]) }), name: 'exclude' },
    { call: 'recommend({ explain: "yes" })', run: () => engine.recommend({ explain: bad('yes') }), name: 'explain' },
    { call: 'recommend({ filter: null })', run: () => engine.recommend({ filter: bad(null) }), name: 'filter' },
    { call: 'recommend({ filter: { maxMaturityAge: "PG" } })', run: () => engine.recommend({ filter: { maxMaturityAge: bad('PG') } }), name: 'filter.maxMaturityAge' },
    { call: 'recommend({ filter: { excludeGenres: [1] } })', run: () => engine.recommend({ filter: { excludeGenres: bad([1]) } }), name: 'filter.excludeGenres' },
    { call: 'recommend({ filter: { availableAt: "2024-01-01" } })', run: () => engine.recommend({ filter: { availableAt: bad('2024-01-01') } }), name: 'filter.availableAt' },
    { call: 'rows({ rows: -1 })', run: () => engine.rows({ rows: bad(-1) }), name: 'rows' },
    { call: 'rows({ rows: "trending" })', run: () => engine.rows({ rows: bad('trending') }), name: 'rows' },
    { call: 'rows({ rows: ["trending", "bogus"] })', run: () => engine.rows({ rows: bad(['trending', 'bogus']) }), name: 'rows' },
    { call: 'rows(null)', run: () => engine.rows(bad(null)), name: 'request' },
    { call: 'rows({ perRow: 0 })', run: () => engine.rows({ perRow: 0 }), name: 'perRow' },
    { call: 'rows({ filter: { genres: "Drama" } })', run: () => engine.rows({ filter: { genres: bad('Drama') } }), name: 'filter.genres' },
    { call: 'similar(123)', run: () => engine.similar(bad(123)), name: 'itemId' },
    { call: 'similar("b0-i0", null)', run: () => engine.similar('b0-i0', bad(null)), name: 'options' },
    { call: 'similar("b0-i0", { count: -1 })', run: () => engine.similar('b0-i0', { count: -1 }), name: 'count' },
    { call: 'similar("b0-i0", { filter: "kids" })', run: () => engine.similar('b0-i0', { filter: bad('kids') }), name: 'filter' },
    { call: 'track(null)', run: () => engine.track(bad(null)), name: 'event' },
    { call: 'track("play")', run: () => engine.track(bad('play')), name: 'event' },
    { call: 'createProfile(null)', run: () => engine.createProfile(bad(null)), name: 'profile' },
    { call: 'createProfile({ name: 7 })', run: () => engine.createProfile({ name: bad(7) }), name: 'profile name' },
    { call: 'createProfile({ name: "Kids", id: 7 })', run: () => engine.createProfile({ name: 'Kids', id: bad(7) }), name: 'profile id' },
    { call: 'createProfile({ name: "Kids", maturityLimit: "7" })', run: () => engine.createProfile({ name: 'Kids', maturityLimit: bad('7') }), name: 'maturityLimit' },
    { call: 'switchProfile(123)', run: () => engine.switchProfile(bad(123)), name: 'profile id' },
    { call: 'deleteProfile(null)', run: () => engine.deleteProfile(bad(null)), name: 'profile id' },
    { call: 'updateModel(123)', run: () => engine.updateModel(bad(123)), name: 'url' },
  ])('$call is invalid-argument naming $name', async ({ run, name }) => {
    expect(await failure(run)).toEqual({ code: 'invalid-argument', name });
  });

  it('still accepts every argument it accepted, and leaves the rest of the checks as they were', async () => {
    expect(await engine.recommend()).toHaveLength(20);
    expect(
      await engine.recommend({ count: 3, filter: { genres: ['Comedy'], excludeGenres: [], maxMaturityAge: 17, availableAt: Date.now() }, exclude: ['b0-i3'], explain: false }),
    ).toHaveLength(3);
    expect((await engine.rows({ rows: ['trending'], perRow: 2 })).map((row) => row.kind)).toEqual(['trending']);
    expect(await engine.similar('b0-i0', { count: 2 })).toHaveLength(2);
    expect(await engine.track({ type: 'play', itemId: 'b0-i4' })).toEqual({ accepted: true });
    // A malformed event object is still malformed-event; an unknown title or profile keeps its own code.
    expect(await failure(() => engine.track({ type: bad('binge'), itemId: 'b0-i0' }))).toMatchObject({ code: 'malformed-event' });
    expect(await failure(() => engine.similar('no-such-title'))).toMatchObject({ code: 'unknown-item' });
    expect(await failure(() => engine.switchProfile('nobody'))).toMatchObject({ code: 'unknown-profile' });
    const kids = await engine.createProfile({ name: 'Kids', maturityLimit: 7, id: 'kids' });
    expect(kids).toMatchObject({ id: 'kids', name: 'Kids', maturityLimit: 7 });
    await engine.deleteProfile('kids');
  });
});

describe('SDK arguments (main thread)', () => {
  it('createRecommender(null) and on() with an unknown event or a non-function throw invalid-argument', async () => {
    // The SDK resolves its default URLs against the page: Node has none, so plant one before loading it.
    vi.stubGlobal('location', { href: 'http://localhost/app/' });
    const { createRecommender } = await import('../../../src/createRecommender');
    expect(() => createRecommender(bad(null))).toThrow(expect.objectContaining({ code: 'invalid-argument', details: expect.objectContaining({ name: 'options' }) }));
    // Node has no Worker: this recommender refuses to run, but its methods are all there.
    const recommender = createRecommender();
    expect(() => recommender.on(bad<'error'>('bogus'), () => undefined)).toThrow(
      expect.objectContaining({ code: 'invalid-argument', details: expect.objectContaining({ name: 'event' }) }),
    );
    expect(() => recommender.on('error', bad<() => void>('not a function'))).toThrow(
      expect.objectContaining({ code: 'invalid-argument', details: expect.objectContaining({ name: 'listener' }) }),
    );
    await recommender.ready.catch(() => undefined);
    await recommender.dispose();
    vi.unstubAllGlobals();
  });
});
