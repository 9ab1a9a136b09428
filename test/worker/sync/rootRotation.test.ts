import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import { generateSigningKeyPair, signDocument, type SigningKeyPair } from '../../../models/node/sync/manifestSigning';
import { publishModel } from '../../../models/node/sync/publishModel';
import { publishRoot } from '../../../models/node/sync/publishRoot';
import { Engine } from '../../../worker/Engine';
import { startFaultyServer, type FaultyServer } from '../../browser/support/startFaultyServer';
import { plantedModel } from '../../support/plantedModel';
import { moveRows } from '../../support/publishPlantedVersions';

// TUF's root role on one static directory: a device that ships with root 1 follows a rotation
// to root 2 (signed by the old root keys and the new) and then trusts only the new manifest keys.

let work: string;
let cdn: string;
let server: FaultyServer;
const keys: Record<'rootA' | 'rootB' | 'manifestA' | 'manifestB' | 'stranger', SigningKeyPair> = {
  rootA: generateSigningKeyPair(),
  rootB: generateSigningKeyPair(),
  manifestA: generateSigningKeyPair(),
  manifestB: generateSigningKeyPair(),
  stranger: generateSigningKeyPair(),
};
let shippedRoot: string;
const models: string[] = [];

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isOndeckError(error) ? `${error.code}: ${error.message}` : String(error)),
  );

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ondeck-roots-'));
  cdn = join(work, 'cdn');
  const planted = await plantedModel();
  let model = planted.model;
  for (const name of ['v1', 'v2', 'v3']) {
    await writeModelDirectory(model, join(work, name));
    models.push(join(work, name));
    model = moveRows(model, planted.blockOf);
  }
  await publishRoot({
    outDirectory: cdn,
    signingKeyPems: [keys.rootA.privateKeyPem],
    rootKeys: [keys.rootA.publicKeyBase64],
    rootThreshold: 1,
    manifestKeys: [keys.manifestA.publicKeyBase64],
    manifestThreshold: 1,
  });
  shippedRoot = await readFile(join(cdn, 'roots', '1.json'), 'utf8');
  await publishModel({ modelDirectory: models[0]!, outDirectory: cdn, privateKeyPem: keys.manifestA.privateKeyPem });
  server = await startFaultyServer({ '/sync/': cdn });
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('root rotation', () => {
  it('publish refuses a manifest the root does not trust, and a rotation not signed by the current root keys', async () => {
    expect(await codeOf(publishModel({ modelDirectory: models[1]!, outDirectory: cdn, privateKeyPem: [keys.manifestA.privateKeyPem, keys.stranger.privateKeyPem] }))).toBe(
      'resolved',
    );
    // The stranger alone: the root does not name it, so no device would take what it signs.
    expect(await codeOf(publishModel({ modelDirectory: models[2]!, outDirectory: cdn, privateKeyPem: keys.stranger.privateKeyPem }))).toMatch(
      /^invalid-argument: .*devices trusting root 1 would refuse this manifest/,
    );
    const rotation = {
      outDirectory: cdn,
      rootKeys: [keys.rootB.publicKeyBase64],
      rootThreshold: 1,
      manifestKeys: [keys.manifestB.publicKeyBase64],
      manifestThreshold: 1,
    };
    expect(await codeOf(publishRoot({ ...rotation, signingKeyPems: [keys.rootB.privateKeyPem] }))).toMatch(/^invalid-argument: .*devices would refuse this root/);
    expect(await codeOf(publishRoot({ ...rotation, signingKeyPems: [keys.rootA.privateKeyPem] }))).toMatch(/^invalid-argument: .*devices would refuse this root/);
  });

  it('a device shipped with root 1 follows a rotation to root 2 and then trusts only the new manifest key', async () => {
    const device = new Engine();
    const options = { backend: 'js' as const, syncUrl: `${server.origin}/sync/`, syncRoot: shippedRoot, syncIntervalMs: 0 };
    expect(await device.init(options, () => undefined)).toMatchObject({ modelVersion: 2 });

    await publishRoot({
      outDirectory: cdn,
      signingKeyPems: [keys.rootA.privateKeyPem, keys.rootB.privateKeyPem],
      rootKeys: [keys.rootB.publicKeyBase64],
      rootThreshold: 1,
      manifestKeys: [keys.manifestB.publicKeyBase64],
      manifestThreshold: 1,
    });
    // The old manifest key alone can no longer publish; the new one continues the directory.
    expect(await codeOf(publishModel({ modelDirectory: models[2]!, outDirectory: cdn, privateKeyPem: keys.manifestA.privateKeyPem }))).toMatch(
      /devices trusting root 2 would refuse/,
    );
    const v3 = await publishModel({ modelDirectory: models[2]!, outDirectory: cdn, privateKeyPem: keys.manifestB.privateKeyPem });
    expect(await device.sync()).toMatchObject({ result: 'updated', version: v3.manifest.version });
    expect(server.requests.map((request) => request.path)).toContain('/sync/roots/2.json');

    // A manifest signed by the retired key is refused now, even for a newer version.
    const retired = signDocument({ ...v3.manifest, version: v3.manifest.version + 1 }, keys.manifestA.privateKeyPem);
    server.serveInstead('/sync/manifest.json', JSON.stringify(retired));
    expect(await codeOf(device.sync())).toMatch(/^signature-invalid/);
    // A root 3 signed by a stranger's "root" is refused before its keys are trusted.
    const forgedRoot = JSON.parse(await readFile(join(cdn, 'roots', '2.json'), 'utf8')) as { payload: string };
    const payload = JSON.parse(Buffer.from(forgedRoot.payload, 'base64').toString('utf8')) as Record<string, unknown>;
    const strangerRoot = {
      ...payload,
      version: 3,
      keys: { [keys.stranger.keyId]: keys.stranger.publicKeyBase64 },
      root: { keyIds: [keys.stranger.keyId], threshold: 1 },
      manifest: { keyIds: [keys.stranger.keyId], threshold: 1 },
    };
    server.serveInstead('/sync/roots/3.json', JSON.stringify(signDocument(strangerRoot, keys.stranger.privateKeyPem)));
    server.serveInstead('/sync/manifest.json', JSON.stringify(signDocument({ ...v3.manifest, version: v3.manifest.version + 1 }, keys.stranger.privateKeyPem)));
    expect(await codeOf(device.sync())).toMatch(/^signature-invalid/);
    expect((await device.status()).modelVersion).toBe(v3.manifest.version);
    server.serveInstead('/sync/roots/3.json', null);
    server.serveInstead('/sync/manifest.json', null);
    expect(await device.sync()).toMatchObject({ result: 'not-modified' });
    await device.dispose();
  });

  it('refuses a shipped root that its own root keys did not sign, and syncRoot beside publicKey', async () => {
    const envelope = JSON.parse(shippedRoot) as { payload: string };
    const unsigned = JSON.stringify(signDocument(JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as object, keys.stranger.privateKeyPem));
    for (const [extra, code] of [
      [{ syncRoot: unsigned }, 'signature-invalid'],
      [{ syncRoot: shippedRoot, publicKey: keys.manifestA.publicKeyBase64 }, 'invalid-argument'],
    ] as const) {
      const device = new Engine();
      expect(await codeOf(device.init({ backend: 'js', syncUrl: `${server.origin}/sync/`, syncIntervalMs: 0, ...extra }, () => undefined))).toMatch(new RegExp(`^${code}`));
      await device.dispose();
    }
  });
});
