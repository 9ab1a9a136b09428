import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecommenderStatus, SyncResult } from '../../models/contract/types';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import { generateSigningKeyPair, signDocument, verifySignedManifest } from '../../models/node/sync/manifestSigning';
import { manifestExpiry, publishModel } from '../../models/node/sync/publishModel';
import { publishRoot } from '../../models/node/sync/publishRoot';
import type { SyncManifest } from '../../models/sync/SyncManifest';
import { browserEngines } from '../../scripts/browser/requireBrowser';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { plantedModel } from '../support/plantedModel';
import { moveRows } from '../support/publishPlantedVersions';
import { startFaultyServer, type FaultyServer } from './support/startFaultyServer';
import { useBrowserSession } from './support/useBrowserSession';

// Issue 14, key rotation without an app update, in every engine: the app ships root 1 (manifest
// key A); the directory has since rotated to root 2 (manifest key B, signed by the root keys of 1
// and 2) and published v2 with B. The device follows the rotation, keeps it across a reload, and
// refuses what the retired key A signs.

const root = join(import.meta.dirname, '../..');
const MANIFEST = '/sync/manifest.json';
const keys = { rootA: generateSigningKeyPair(), rootB: generateSigningKeyPair(), manifestA: generateSigningKeyPair(), manifestB: generateSigningKeyPair() };
let work: string;
let cdn: string;
let shippedRoot: string;
let v2: SyncManifest;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ondeck-root-browser-'));
  cdn = join(work, 'cdn');
  const planted = await plantedModel();
  await writeModelDirectory(planted.model, join(work, 'v1'));
  await writeModelDirectory(moveRows(planted.model, planted.blockOf), join(work, 'v2'));
  const roles = { rootThreshold: 1, manifestThreshold: 1 };
  await publishRoot({
    outDirectory: cdn,
    signingKeyPems: [keys.rootA.privateKeyPem],
    rootKeys: [keys.rootA.publicKeyBase64],
    manifestKeys: [keys.manifestA.publicKeyBase64],
    ...roles,
  });
  shippedRoot = await readFile(join(cdn, 'roots', '1.json'), 'utf8');
  await publishModel({ modelDirectory: join(work, 'v1'), outDirectory: cdn, privateKeyPem: keys.manifestA.privateKeyPem });
  await publishRoot({
    outDirectory: cdn,
    signingKeyPems: [keys.rootA.privateKeyPem, keys.rootB.privateKeyPem],
    rootKeys: [keys.rootB.publicKeyBase64],
    manifestKeys: [keys.manifestB.publicKeyBase64],
    ...roles,
  });
  v2 = (await publishModel({ modelDirectory: join(work, 'v2'), outDirectory: cdn, privateKeyPem: keys.manifestB.privateKeyPem })).manifest;
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(browserEngines)('root rotation in %s', (engine) => {
  const session = useBrowserSession(engine);
  let server: FaultyServer;
  const databaseName = `ondeck-roots-${engine}`;
  const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session(), args);
  const startArgs = () => ({ op: 'start', syncUrl: `${server.origin}/sync/`, syncRoot: shippedRoot, syncIntervalMs: 0, databaseName });

  beforeAll(async () => {
    server = await startFaultyServer({ '/dist/': join(root, 'dist/browser'), '/pages/': join(root, 'test/browser/pages'), '/sync/': cdn });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a device shipped with root 1 follows the rotation to root 2 at its first start, keeps it across a reload, and refuses the retired key', async () => {
    expect(await runPageScenario(session(), `${server.origin}/pages/sync.html`, startArgs())).toMatchObject({ status: { modelVersion: v2.version } });
    expect(server.requests.map((request) => request.path)).toEqual(expect.arrayContaining(['/sync/roots/2.json', '/sync/roots/3.json']));

    // After a reload, with the directory's roots gone, the device still trusts root 2 (persisted):
    // a refreshed v2 manifest signed by B verifies, without fetching roots/2.json again.
    await session().reload();
    server.fault('/sync/roots/', { kind: 'status', status: 404 });
    expect(await step(startArgs())).toMatchObject({ status: { modelVersion: v2.version } });
    const refreshed = signDocument({ ...v2, expires: manifestExpiry(new Date(), 86_400_000) }, keys.manifestB.privateKeyPem);
    expect(verifySignedManifest(JSON.stringify(refreshed), keys.manifestB.publicKeyBase64)).toMatchObject({ version: v2.version });
    server.serveInstead(MANIFEST, JSON.stringify(refreshed));
    expect(await step<{ result: SyncResult }>({ op: 'sync' })).toMatchObject({ result: { result: 'current', version: v2.version } });

    // What the retired key A signs is refused, whatever version it claims; v2 keeps serving.
    server.serveInstead(MANIFEST, JSON.stringify(signDocument({ ...v2, version: v2.version + 1 }, keys.manifestA.privateKeyPem)));
    expect(await step({ op: 'sync' })).toMatchObject({ error: 'signature-invalid' });
    expect(await step<RecommenderStatus>({ op: 'status' })).toMatchObject({ modelVersion: v2.version });
    await step({ op: 'dispose' });
  });
});
