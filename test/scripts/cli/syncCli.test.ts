// `ondeck keygen` → `ondeck publish` → `ondeck serve`, run from the built CLI (dist/cli.js, built by
// test/globalSetup.ts) as a user runs them, and a device-style download over HTTP at the end.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import { applyDelta } from '../../../models/sync/applyDelta';
import { verifySignedManifest } from '../../../models/node/sync/manifestSigning';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion } from '../../../models/node/sync/syntheticModelVersions';
import { decodeSnapshotBlob } from '../../../models/sync/snapshotBlob';
import { startOndeckServe } from '../../support/startOndeckServe';
import { runOndeckCli, type CliRun } from '../../support/runOndeckCli';

let workDir: string;

/** Runs `ondeck …args` in the test's temp directory (see runOndeckCli). */
function ondeck(...args: string[]): Promise<CliRun> {
  return runOndeckCli(args, { cwd: workDir });
}

async function ondeckJson(...args: string[]): Promise<Record<string, unknown>> {
  const result = await ondeck(...args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-sync-cli-'));
  const first = syntheticModelVersion({ items: 600, dims: 8, seed: 5 });
  const second = nextSyntheticVersion(first);
  await writeModelDirectory(packageSyntheticVersion(first, 4), join(workDir, 'v1'));
  await writeModelDirectory(packageSyntheticVersion(second, 4), join(workDir, 'v2'));
  await writeModelDirectory(packageSyntheticVersion({ ...second, lineageId: 'cold' }, 4), join(workDir, 'cold'));
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ondeck keygen / publish / serve', () => {
  it('round-trips a model to a device through a served publish directory', async () => {
    const generated = await ondeckJson('keygen', '--out', 'keys');
    const privateKeyStat = await stat(join(workDir, 'keys', 'ondeck-signing-key.pem'));
    expect(privateKeyStat.mode & 0o777).toBe(0o600);
    const publicKey = (await readFile(join(workDir, 'keys', 'ondeck-public-key.txt'), 'utf8')).trim();
    expect(publicKey).toBe(generated.publicKey);
    expect(Buffer.from(publicKey, 'base64')).toHaveLength(32);
    // A second keygen would silently orphan every device: refused without --force.
    expect((await ondeck('keygen', '--out', 'keys')).stderr).toMatch(/\[invalid-argument\]/);

    const key = join('keys', 'ondeck-signing-key.pem');
    expect(await ondeckJson('publish', '--model', 'v1', '--out', 'cdn', '--key', key, '--quiet')).toMatchObject({ version: 1, deltaBytes: null, deltaSkipped: 'first version' });
    const second = await ondeckJson('publish', '--model', 'v2', '--out', 'cdn', '--key', key);
    expect(second).toMatchObject({ version: 2, deltas: 1 });
    expect(second.deltaBytes as number).toBeLessThan(0.2 * (second.snapshotBytes as number));

    const refused = await ondeck('publish', '--model', 'cold', '--out', 'cdn', '--key', key);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--new-lineage.*\[sync-lineage-mismatch\]$/m);
    // A rollback is a new version (3) with v1's model; a refresh re-signs it with a new expiry.
    const rollback = await ondeckJson('publish', '--rollback', '1', '--out', 'cdn', '--key', key, '--expires-in', '36h');
    expect(rollback).toMatchObject({ version: 3, restoredVersion: 1 });
    expect(Date.parse(String(rollback.expires)) - Date.now()).toBeGreaterThan(35 * 3_600_000);
    expect(Date.parse(String(rollback.expires)) - Date.now()).toBeLessThan(36 * 3_600_000 + 1);
    // A second key: a refresh signed by both carries both signatures, and the directory keeps its identity.
    expect((await ondeck('keygen', '--out', 'keys2')).code).toBe(0);
    const refreshed = await ondeckJson('publish', '--refresh', '--out', 'cdn', '--key', key, '--key', join('keys2', 'ondeck-signing-key.pem'));
    expect(refreshed).toMatchObject({ version: 3, directoryId: rollback.directoryId });
    expect(String(rollback.directoryId)).toMatch(/^[0-9a-f-]{36}$/);
    const envelope = JSON.parse(await readFile(join(workDir, 'cdn', 'manifest.json'), 'utf8')) as { signatures: unknown[] };
    expect(envelope.signatures).toHaveLength(2);
    expect(Date.parse(String(refreshed.expires)) - Date.now()).toBeGreaterThan(5 * 86_400_000 - 60_000);
    expect((await ondeck('publish', '--refresh', '--out', 'cdn', '--key', key, '--expires-in', '5 weeks')).stderr).toMatch(/--expires-in.*\[invalid-argument\]$/m);
    expect((await ondeck('publish', '--refresh', '--model', 'v1', '--out', 'cdn', '--key', key)).stderr).toMatch(/exactly one of --model, --rollback and --refresh/);
    expect(await ondeckJson('publish', '--model', 'cold', '--out', 'cdn', '--key', key, '--new-lineage', '--quiet')).toMatchObject({ version: 4, deltas: 0, lineageId: 'cold' });

    // Serve it and download as a device would: manifest, verify, snapshot of v3.
    const server = await startOndeckServe(join(workDir, 'cdn'));
    try {
      const url = server.url;
      const manifest = verifySignedManifest(await (await fetch(`${url}manifest.json`)).text(), publicKey);
      expect(manifest).toMatchObject({ version: 4, lineageId: 'cold', parentVersion: 3 });
      const blob = new Uint8Array(await (await fetch(`${url}${manifest.snapshot.path}`)).arrayBuffer());
      const files = decodeSnapshotBlob(gunzipSync(blob));
      expect(JSON.parse(new TextDecoder().decode(files.get('model.json')))).toMatchObject({ modelVersion: 4, lineageId: 'cold', itemCount: 600 });
    } finally {
      await server.stop();
    }

    // The v1 → v2 delta published before the rollback still rebuilds v2 exactly.
    const v2 = verifySignedManifest(await readFile(join(workDir, 'cdn', 'versions', '2.json'), 'utf8'), publicKey);
    const v1 = verifySignedManifest(await readFile(join(workDir, 'cdn', 'versions', '1.json'), 'utf8'), publicKey);
    const read = async (path: string): Promise<Uint8Array> => gunzipSync(await readFile(join(workDir, 'cdn', path)));
    const rebuilt = applyDelta(decodeSnapshotBlob(await read(v1.snapshot.path)), await read(v2.deltas[0].path));
    const expected = decodeSnapshotBlob(await read(v2.snapshot.path));
    for (const [name, bytes] of expected) expect(Buffer.compare(rebuilt.get(name)!, bytes), name).toBe(0);
  });

  it('explains a publish without a model or a key', async () => {
    const neither = await ondeck('publish', '--out', 'cdn2', '--key', 'missing.pem');
    expect(neither.stderr).toMatch(/\[file-not-found\]/);
  });

  it('refuses to publish into a directory that holds the signing key: everything there gets served', async () => {
    await ondeckJson('keygen', '--out', 'shared');
    const together = await ondeck('publish', '--model', 'v1', '--out', 'shared', '--key', join('shared', 'ondeck-signing-key.pem'));
    expect(together.code, together.stderr).toBe(1);
    expect(together.stderr).toMatch(/^ondeck: .*signing key.* \[invalid-argument\]$/m);
    expect((await readdir(join(workDir, 'shared'))).sort()).toEqual(['ondeck-public-key.txt', 'ondeck-signing-key.pem']);
    const rollback = await ondeck('publish', '--rollback', '1', '--out', 'shared', '--key', join('shared', 'ondeck-signing-key.pem'));
    expect(rollback.stderr).toMatch(/^ondeck: .*signing key.* \[invalid-argument\]$/m);

    // Deeper inside the publish directory, or a copy of the key beside the manifest: refused too.
    await ondeckJson('keygen', '--out', join('nested', 'keys'));
    const nested = await ondeck('publish', '--model', 'v1', '--out', 'nested', '--key', join('nested', 'keys', 'ondeck-signing-key.pem'));
    expect(nested.stderr).toMatch(/^ondeck: .*signing key.* \[invalid-argument\]$/m);
    await mkdir(join(workDir, 'copied'));
    await copyFile(join(workDir, 'shared', 'ondeck-signing-key.pem'), join(workDir, 'copied', 'ondeck-signing-key.pem'));
    const copied = await ondeck('publish', '--model', 'v1', '--out', 'copied', '--key', join('shared', 'ondeck-signing-key.pem'));
    expect(copied.stderr).toMatch(/^ondeck: .*ondeck-signing-key\.pem.* \[invalid-argument\]$/m);
    expect(await readdir(join(workDir, 'copied'))).toEqual(['ondeck-signing-key.pem']);
  });

  it('ondeck root writes a root document that names the manifest keys; publish then signs only with those', async () => {
    for (const name of ['offline', 'online', 'other']) expect((await ondeck('keygen', '--out', `root-${name}`)).code).toBe(0);
    const pem = (name: string): string => join(`root-${name}`, 'ondeck-signing-key.pem');
    const pub = (name: string): string => join(`root-${name}`, 'ondeck-public-key.txt');
    const first = await ondeckJson(
      'root',
      '--out',
      'rooted',
      '--sign-key',
      pem('offline'),
      '--root-key',
      pub('offline'),
      '--root-threshold',
      '1',
      '--manifest-key',
      pub('online'),
      '--manifest-threshold',
      '1',
    );
    expect(first).toMatchObject({ version: 1, file: 'roots/1.json' });
    const refused = await ondeck('publish', '--model', 'v1', '--out', 'rooted', '--key', pem('other'));
    expect(refused.stderr).toMatch(/devices trusting root 1 would refuse this manifest.*\[invalid-argument\]$/m);
    expect(await ondeckJson('publish', '--model', 'v1', '--out', 'rooted', '--key', pem('online'), '--quiet')).toMatchObject({ version: 1, directoryId: first.directoryId });
    // A rotation signed by the new root key alone is refused: the current root keys must sign it too.
    /** `ondeck root` into `rooted` making `other` both the root and the manifest key, signed by `signers`. */
    const rotateToOther = (...signers: string[]): string[] => [
      'root',
      '--out',
      'rooted',
      '--sign-key',
      ...signers,
      '--root-key',
      pub('other'),
      '--root-threshold',
      '1',
      '--manifest-key',
      pub('other'),
      '--manifest-threshold',
      '1',
    ];
    expect((await ondeck(...rotateToOther(pem('other')))).stderr).toMatch(/devices would refuse this root.*\[invalid-argument\]$/m);
    expect(await ondeckJson(...rotateToOther(pem('offline'), pem('other')))).toMatchObject({ version: 2, directoryId: first.directoryId });
    expect(await ondeckJson('publish', '--model', 'v2', '--out', 'rooted', '--key', pem('other'), '--quiet')).toMatchObject({ version: 2 });
  });
});
