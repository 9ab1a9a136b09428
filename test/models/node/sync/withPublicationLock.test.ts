import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelDirectory } from '../../../../models/node/artifact/modelDirectory';
import { isOndeckError, OndeckError } from '../../../../models/errors/OndeckError';
import { createSyncServer } from '../../../../models/node/sync/createSyncServer';
import { generateSigningKeyPair, verifySignedManifest } from '../../../../models/node/sync/manifestSigning';
import { prunePublication, pruneUnreferencedBlobs } from '../../../../models/node/sync/prunePublication';
import { listPublishedVersions } from '../../../../models/node/sync/publicationFiles';
import { publishModel, type PublishResult } from '../../../../models/node/sync/publishModel';
import { rollbackPublication } from '../../../../models/node/sync/rollbackPublication';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion } from '../../../../models/node/sync/syntheticModelVersions';
import { PUBLICATION_LOCK_FILE, PUBLICATION_LOCK_STALE_MS, withPublicationLock } from '../../../../models/node/sync/withPublicationLock';

const keys = generateSigningKeyPair();
let workDir: string;
const modelDirectories: string[] = [];
let directoryCount = 0;

/** A fresh publish directory path (not created). */
function newDirectory(): string {
  return join(workDir, `cdn-${++directoryCount}`);
}

/** A pid that belonged to a process of this host which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  expect(child.status).toBe(0);
  return child.pid!;
}

async function writeLock(directory: string, content: string, ageMs = 0): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, PUBLICATION_LOCK_FILE);
  await writeFile(path, content);
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await utimes(path, then, then);
  }
  return path;
}

async function lockExists(directory: string): Promise<boolean> {
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return entries.includes(PUBLICATION_LOCK_FILE);
}

/** The rejection of `promise`, which must be an OndeckError `publication-locked`. */
async function lockedError(promise: Promise<unknown>): Promise<OndeckError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isOndeckError(error, 'publication-locked')).toBe(true);
  return error as OndeckError;
}

const publish = (outDirectory: string, index: number, extra: { prune?: boolean; keepDeltas?: number } = {}): Promise<PublishResult> =>
  publishModel({ modelDirectory: modelDirectories[index], outDirectory, privateKeyPem: keys.privateKeyPem, ...extra });

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-lock-'));
  const first = syntheticModelVersion({ items: 300, dims: 8, seed: 5 });
  const second = nextSyntheticVersion(first);
  for (const [index, version] of [first, second, nextSyntheticVersion(second)].entries()) {
    const directory = join(workDir, `model-${index + 1}`);
    await writeModelDirectory(packageSyntheticVersion(version, 4), directory);
    modelDirectories.push(directory);
  }
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('withPublicationLock', () => {
  it('lets exactly one of two publishes started together write a directory that does not exist yet', async () => {
    const cdn = join(newDirectory(), 'nested');
    // Model 1 would become version 1, model 2 version 2: the published version names the winner.
    const outcomes = await Promise.allSettled([publish(cdn, 0), publish(cdn, 1)]);
    const winners = outcomes.filter((outcome): outcome is PromiseFulfilledResult<PublishResult> => outcome.status === 'fulfilled');
    const losers = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(isOndeckError(losers[0].reason, 'publication-locked')).toBe(true);
    expect((losers[0].reason as OndeckError).details).toMatchObject({ directory: cdn });

    const winner = winners[0].value;
    expect(winner.manifest.version).toBe(outcomes[0].status === 'fulfilled' ? 1 : 2);
    const manifest = verifySignedManifest(await readFile(join(cdn, 'manifest.json'), 'utf8'), keys.publicKeyBase64);
    expect(manifest).toEqual(winner.manifest);
    // The loser wrote nothing: one snapshot, one archived version, and the lock is gone.
    expect(await readdir(join(cdn, 'blobs'))).toEqual([winner.snapshot.path.slice('blobs/'.length)]);
    expect(await listPublishedVersions(cdn)).toEqual([winner.manifest.version]);
    expect(await lockExists(cdn)).toBe(false);
    // The next publish goes through once the winner is done, and continues from its version.
    expect((await publish(cdn, 2)).manifest.parentVersion).toBe(winner.manifest.version);
  });

  it('refuses publish, rollback and prune while the lock is held, and names the holder', async () => {
    const cdn = newDirectory();
    await publish(cdn, 0);
    await publish(cdn, 1);
    await withPublicationLock(cdn, 'maintenance', async () => {
      const attempts = [publish(cdn, 2), rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 1 }), prunePublication(cdn, keys.publicKeyBase64, 0)];
      for (const attempt of attempts) {
        const error = await lockedError(attempt);
        expect(error.details).toMatchObject({ directory: cdn, pid: process.pid, hostname: hostname(), operation: 'maintenance' });
        expect(error.message).toContain(`pid ${process.pid} on ${hostname()}`);
        expect(error.message).toContain('maintenance');
        expect(error.message).toContain(String(error.details.startedAt));
        expect(error.message).toContain(join(cdn, PUBLICATION_LOCK_FILE));
      }
      // The lock is a top-level dotfile: no version, and a prune (run by the holder) keeps it.
      expect(await listPublishedVersions(cdn)).toEqual([1, 2]);
      expect(await pruneUnreferencedBlobs(cdn, keys.publicKeyBase64, 2)).toEqual([]);
      const holder = JSON.parse(await readFile(join(cdn, PUBLICATION_LOCK_FILE), 'utf8')) as Record<string, unknown>;
      expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), operation: 'maintenance' });
      expect(Number.isNaN(Date.parse(String(holder.startedAt)))).toBe(false);
    });
    expect(await lockExists(cdn)).toBe(false);
    // Nothing changed while locked; afterwards a rollback and a publish with prune (which prunes
    // inside its own lock) go through.
    expect((await rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 1 })).manifest.version).toBe(3);
    const pruned = await publish(cdn, 2, { prune: true, keepDeltas: 1 });
    expect(pruned.manifest.version).toBe(4);
    expect(pruned.pruned.length).toBeGreaterThan(0);
    expect(await lockExists(cdn)).toBe(false);
  });

  it('releases the lock when the task throws', async () => {
    const cdn = newDirectory();
    const failure = new Error('task failed');
    await expect(withPublicationLock(cdn, 'publish', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await lockExists(cdn)).toBe(false);
    // The failed first run created the directory and left nothing in it: it is gone again.
    await expect(stat(cdn)).rejects.toMatchObject({ code: 'ENOENT' });
    // A directory that already existed (here with a file in it) stays.
    await mkdir(cdn);
    await writeFile(join(cdn, 'keep.txt'), 'kept');
    await expect(withPublicationLock(cdn, 'publish', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await readFile(join(cdn, 'keep.txt'), 'utf8')).toBe('kept');
    // A publish failing inside the lock (not a model directory) releases it as well.
    await expect(publishModel({ modelDirectory: join(workDir, 'missing'), outDirectory: cdn, privateKeyPem: keys.privateKeyPem })).rejects.toMatchObject({
      code: 'model-not-found',
    });
    expect(await lockExists(cdn)).toBe(false);
    expect(await withPublicationLock(cdn, 'publish', async () => 'ran')).toBe('ran');
  });

  it('reclaims a lock left on this host by a process that no longer exists', async () => {
    const cdn = newDirectory();
    const pid = deadPid();
    await writeLock(cdn, JSON.stringify({ pid, hostname: hostname(), operation: 'publish', startedAt: new Date().toISOString() }));
    const seen = await withPublicationLock(cdn, 'publish', async () => JSON.parse(await readFile(join(cdn, PUBLICATION_LOCK_FILE), 'utf8')) as { pid: number });
    expect(seen.pid).toBe(process.pid);
    expect(await lockExists(cdn)).toBe(false);
    // The same for a real publish into a directory whose previous publish crashed.
    await writeLock(cdn, JSON.stringify({ pid, hostname: hostname(), operation: 'publish', startedAt: new Date().toISOString() }));
    expect((await publish(cdn, 0)).manifest.version).toBe(1);
  });

  it('never reclaims a lock of a live process or of another host', async () => {
    const cdn = newDirectory();
    // The parent of this test process is alive for as long as the test runs.
    const live = JSON.stringify({ pid: process.ppid, hostname: hostname(), operation: 'publish', startedAt: '2024-01-01T00:00:00.000Z' });
    const livePath = await writeLock(cdn, live, 2 * PUBLICATION_LOCK_STALE_MS);
    expect((await lockedError(withPublicationLock(cdn, 'publish', async () => 'ran'))).details).toMatchObject({ pid: process.ppid, startedAt: '2024-01-01T00:00:00.000Z' });
    expect(await readFile(livePath, 'utf8')).toBe(live);
    // A pid dead here says nothing about a process on another machine sharing the directory.
    const remote = JSON.stringify({ pid: deadPid(), hostname: `not-${hostname()}`, operation: 'rollback', startedAt: '2024-01-01T00:00:00.000Z' });
    await writeLock(cdn, remote, 2 * PUBLICATION_LOCK_STALE_MS);
    expect((await lockedError(withPublicationLock(cdn, 'publish', async () => 'ran'))).details).toMatchObject({ hostname: `not-${hostname()}`, operation: 'rollback' });
    expect(await readFile(livePath, 'utf8')).toBe(remote);
  });

  it('treats an unreadable lock as held while it is young and as stale once older than the stale age', async () => {
    const cdn = newDirectory();
    // What a holder leaves between creating the file and writing it, or a crash mid-write.
    for (const garbage of ['', '{"pid": 12', 'not json', '{"pid": -1, "hostname": "h", "operation": "publish", "startedAt": "x"}']) {
      await writeLock(cdn, garbage, PUBLICATION_LOCK_STALE_MS - 60_000);
      const error = await lockedError(withPublicationLock(cdn, 'publish', async () => 'ran'));
      expect(error.details.pid).toBeUndefined();
      expect(error.message).toContain('unreadable lock file');
      expect(error.message).toContain(join(cdn, PUBLICATION_LOCK_FILE));

      await writeLock(cdn, garbage, PUBLICATION_LOCK_STALE_MS + 60_000);
      expect(await withPublicationLock(cdn, 'publish', async () => 'ran')).toBe('ran');
      expect(await lockExists(cdn)).toBe(false);
    }
  });

  it('leaves a missing directory alone for rollback and prune', async () => {
    const cdn = newDirectory();
    await expect(rollbackPublication({ outDirectory: cdn, privateKeyPem: keys.privateKeyPem, version: 1 })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await prunePublication(cdn, keys.publicKeyBase64, 1)).toEqual([]);
    await expect(readdir(cdn)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is never served: GET /.ondeck-publish.lock is 404 while the lock is held', async () => {
    const cdn = newDirectory();
    await publish(cdn, 0);
    const server = createSyncServer(cdn);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await withPublicationLock(cdn, 'publish', async () => {
        expect(await lockExists(cdn)).toBe(true);
        const lock = await fetch(`${base}${PUBLICATION_LOCK_FILE}`);
        expect(lock.status).toBe(404);
        expect(await lock.text()).not.toContain(String(process.pid));
        expect((await fetch(`${base}%2E${PUBLICATION_LOCK_FILE.slice(1)}`)).status).toBe(404);
        // The server does serve the directory: the manifest is there.
        expect((await fetch(`${base}manifest.json`)).status).toBe(200);
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
