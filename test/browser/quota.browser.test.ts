import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import { plantedModel } from '../support/plantedModel';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import type { Recommendation, RecommenderStatus } from '../../models/contract/types';

const root = join(import.meta.dirname, '../..');

// The engines whose storage quota a test can shrink for real: Chromium 156 and 102 (CDP
// Storage.overrideQuotaForOrigin). Chromium 87's CDP lacks the command, and WPE's WebDriver has
// no equivalent. The same fallback code path is covered against fake-indexeddb in test/storage.
describe.each(['chromium', 'chromium102'] as const)('device engine when IndexedDB runs out of quota (%s)', (engine) => {
  let server: StaticServer;
  let session: BrowserSession;
  let modelDirectory: string;

  beforeAll(async () => {
    modelDirectory = join(await mkdtemp(join(tmpdir(), 'ondeck-quota-')), 'model');
    await writeModelDirectory((await plantedModel()).model, modelDirectory);
    server = await startStaticServer({ mounts: { '/dist/': join(root, 'dist/browser'), '/pages/': join(root, 'test/browser/pages'), '/model/': modelDirectory } });
    session = await launchBrowserSession(engine);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
    await rm(join(modelDirectory, '..'), { recursive: true, force: true });
  });

  it('keeps serving from memory and says so with a storage-quota error event', async () => {
    await session.sendCdp!('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: 2_000 });
    const { status } = await runPageScenario<{ status: RecommenderStatus }>(session, `${server.origin}/pages/engine.html`, {
      op: 'start',
      modelUrl: `${server.origin}/model/`,
      databaseName: 'ondeck-quota-test',
    });
    expect(status.storage).toBe('memory');
    expect(status.modelVersion).toBe(1);
    const events = await callPageScenario<{ event: string; code?: string }[]>(session, { op: 'events' });
    expect(events.filter((e) => e.event === 'error').map((e) => e.code)).toContain('storage-quota');
    const tracked = await callPageScenario<{ accepted: boolean }[]>(session, { op: 'track', events: [{ type: 'complete', itemId: 'b1-i2' }] });
    expect(tracked[0].accepted).toBe(true);
    const picks = await callPageScenario<Recommendation[]>(session, { op: 'recommend', request: { count: 5 } });
    expect(picks).toHaveLength(5);
    await session.sendCdp!('Storage.overrideQuotaForOrigin', { origin: server.origin });
  });
});
