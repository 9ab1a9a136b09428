import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import type { RecommenderStatus } from '../../../models/contract/types';
import { Engine } from '../../../worker/Engine';
import type { EngineEvent } from '../../../models/contract/EngineApi';
import type { HistoryKey } from '../../../worker/storage/OndeckDatabaseSchema';
import { openOndeckDatabase } from '../../../worker/storage/openOndeckDatabase';
import { historyRecordProblem, validateStoredHistory } from '../../../worker/storage/validateStoredHistory';
import { startStaticServer, type StaticServer } from '../../../scripts/browser/startStaticServer';
import { freshIndexedDb, useFakeIndexedDbClasses } from '../../support/fakeIndexedDb';
import { plantedModel } from '../../support/plantedModel';

// The engine as the worker runs it, in Node, on fake-indexeddb made the global `indexedDB` (so
// its history survives a "reload": a new Engine on the same database), with corrupt history
// records written straight into the `history` store between two starts.
useFakeIndexedDbClasses();

const now = Date.now();
let directory: string;
let server: StaticServer;
let modelUrl: string;
let blockOf: (itemId: string) => number;
let indexedDB: IDBFactory;

beforeAll(async () => {
  const planted = await plantedModel();
  blockOf = planted.blockOf;
  directory = await mkdtemp(join(tmpdir(), 'ondeck-invalid-history-'));
  await writeModelDirectory(planted.model, join(directory, 'model'));
  server = await startStaticServer({ mounts: { '/model/': join(directory, 'model') } });
  modelUrl = `${server.origin}/model/`;
  indexedDB = freshIndexedDb();
  vi.stubGlobal('indexedDB', indexedDB);
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function start(databaseName: string): Promise<{ engine: Engine; events: EngineEvent[]; status: RecommenderStatus }> {
  const engine = new Engine();
  const events: EngineEvent[] = [];
  const status = await engine.init({ backend: 'js', modelUrl, databaseName }, (event) => events.push(event));
  return { engine, events, status };
}

const errorEvents = (events: EngineEvent[]) => events.filter((event): event is Extract<EngineEvent, { type: 'error' }> => event.type === 'error');

/** Puts `records` after the profile's last history record, bypassing every check of the storage. */
async function writeRawHistory(databaseName: string, profileId: string, records: readonly unknown[]): Promise<void> {
  const db = await openOndeckDatabase({ indexedDB, databaseName });
  const keys = await db.getAllKeys('history', IDBKeyRange.bound([profileId], [profileId, []]));
  let sequence = keys.length > 0 ? keys[keys.length - 1][1] + 1 : 0;
  for (const record of records) await db.put('history', record as never, [profileId, sequence++] satisfies HistoryKey);
  db.close();
}

describe('stored history records that are not valid entries', () => {
  const badFields = [
    { profileId: 'default', itemId: 'b2-i20', type: 'complete', time: Number.NaN },
    { profileId: 'default', itemId: 'b2-i21', type: 'progress', time: now, progress: 'half' },
    { profileId: 'default', itemId: null, type: null, time: null },
    { profileId: 'default', itemId: 'b2-i22', type: 'binge', time: now },
  ];
  // Before: the first set made every recommend/rows fail with training-failed (NaN in the
  // fold-in); a record that is not even an object failed the whole read instead, and the engine
  // left IndexedDB for memory without the profile's history.
  it.each([
    { name: 'fields of the wrong type or value', databaseName: 'invalid-fields', corrupt: badFields },
    { name: 'a record that is not an object', databaseName: 'invalid-null', corrupt: [...badFields.slice(0, 1), null, 'play'] },
  ])('with $name: skipped and counted, reported once, the good history keeps working, on every start', async ({ databaseName, corrupt }) => {
    const first = await start(databaseName);
    const watched = ['b2-i3', 'b2-i5', 'b2-i8'];
    for (const itemId of watched) await first.engine.track({ type: 'complete', itemId, time: now - 60_000 });
    await first.engine.dispose();

    await writeRawHistory(databaseName, 'default', corrupt);

    for (let restart = 0; restart < 2; restart++) {
      const { engine, events, status } = await start(databaseName);
      const picks = await engine.recommend({ count: 8 });
      expect(picks).toHaveLength(8);
      // The good history still drives the fold-in: the viewer's taste block, nothing seen again.
      expect(picks.every((pick) => blockOf(pick.itemId) === 2 && !watched.includes(pick.itemId))).toBe(true);
      const rows = await engine.rows({ perRow: 4 });
      expect(rows.map((row) => row.kind)).toContain('because-you-watched');
      expect(await engine.similar('b2-i3', { count: 3 })).toHaveLength(3);

      // (The like tracked after the first restart is there after the second.)
      expect(status).toMatchObject({ storage: 'indexeddb', historyLength: watched.length + restart, invalidHistoryRecordsSkipped: corrupt.length });
      const reported = errorEvents(events);
      expect(reported.map((event) => event.code)).toEqual(['history-record-invalid']);
      expect(reported[0].message).toContain(`${corrupt.length} stored history record(s) of profile "default"`);
      expect(reported[0].message).toContain('(first: time is NaN, not a finite number)');

      // Tracking goes on next to the skipped records.
      await engine.track({ type: 'like', itemId: 'b2-i9', time: now });
      expect((await engine.status()).historyLength).toBe(watched.length + 1 + restart);
      await engine.dispose();
    }
  });

  it('forget() removes them with the rest of the history', async () => {
    const { engine } = await start('invalid-fields');
    await engine.forget();
    await engine.dispose();
    const { engine: again, events, status } = await start('invalid-fields');
    expect(status).toMatchObject({ historyLength: 0, invalidHistoryRecordsSkipped: 0 });
    expect(errorEvents(events)).toEqual([]);
    await again.dispose();
  });

  it('are told apart from valid entries field by field', () => {
    expect(historyRecordProblem({ itemId: 'a', type: 'play', time: now })).toBeUndefined();
    expect(historyRecordProblem({ itemId: 'a', type: 'progress', time: now, progress: 0.5 })).toBeUndefined();
    expect(historyRecordProblem(null)).toBe('the record is null, not an object');
    expect(historyRecordProblem('play')).toBe('the record is "play", not an object');
    expect(historyRecordProblem({ itemId: '', type: 'play', time: now })).toMatch(/^itemId/);
    expect(historyRecordProblem({ itemId: 'a', type: 'watch', time: now })).toMatch(/^type is "watch"/);
    expect(historyRecordProblem({ itemId: 'a', type: 'play', time: Number.POSITIVE_INFINITY })).toMatch(/^time is Infinity/);
    expect(historyRecordProblem({ itemId: 'a', type: 'play', time: String(now) })).toMatch(/^time is "/);
    expect(historyRecordProblem({ itemId: 'a', type: 'progress', time: now, progress: null })).toMatch(/^progress is null/);
    expect(historyRecordProblem({ itemId: 'a', type: 'progress', time: now, progress: 1.5 })).toMatch(/^progress is 1.5/);
    const { entries, invalid, firstProblem } = validateStoredHistory([{ itemId: 'a', type: 'play', time: 1, profileId: 'p' }, { time: 2 }, undefined]);
    // Only the fields of an entry are kept (not the record's profile id).
    expect(entries).toEqual([{ itemId: 'a', type: 'play', time: 1 }]);
    expect({ invalid, firstProblem }).toEqual({ invalid: 2, firstProblem: 'itemId is undefined, not a non-empty string' });
  });
});
