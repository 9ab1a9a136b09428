// Crash atomicity of the atomic directory writer (issue 12, finding 5): the on-disk state a writer
// killed at each instant leaves is built by hand, then the next write or read must find the old
// or the new content, never nothing, and no staging directory of a dead writer may stay behind.
// The real SIGKILL between the renames is in test/scripts/cli/exportCrash.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverInterruptedWrite } from '../../../../models/node/artifact/recoverInterruptedWrite';
import { OWNERLESS_STAGING_STALE_MS, stagingDirectoryPath } from '../../../../models/node/artifact/stagingDirectories';
import { readTrainingCheckpoint, writeTrainingCheckpoint, type TrainingCheckpoint } from '../../../../models/node/artifact/trainingCheckpoint';
import { writeDirectoryAtomically } from '../../../../models/node/artifact/writeDirectoryAtomically';
import { loadDataset } from '../../../../models/node/data/loadDataset';
import { writeSyntheticDataset } from '../../../../models/node/data/writeSyntheticDataset';
import { generateSyntheticDataset } from '../../../../models/data/synth';

let root: string;
let target: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ondeck-atomic-'));
  target = join(root, 'out');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A pid that belonged to a process of this host which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  expect(child.status).toBe(0);
  return child.pid!;
}

/** The staging path a writer with `pid` on this host would have used. */
function stagingOf(directory: string, role: 'tmp' | 'old', pid: number, token = 'c0ffee01'): string {
  return stagingDirectoryPath(directory, role, token).replace(`-${process.pid}-${token}`, `-${pid}-${token}`);
}

const version = (n: number): Map<string, string> =>
  new Map([
    ['a.txt', `a${n}`],
    ['b.txt', `b${n}`],
  ]);

async function contentOf(directory: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of (await readdir(directory)).sort()) result[name] = await readFile(join(directory, name), 'utf8');
  return result;
}

async function writeFiles(directory: string, files: Map<string, string>): Promise<void> {
  await mkdir(directory, { recursive: true });
  for (const [name, text] of files) await writeFile(join(directory, name), text);
}

/** What a writer with `pid` killed between its two renames leaves: the old content aside, the new staged, no target. */
async function crashBetweenRenames(pid: number): Promise<void> {
  await writeDirectoryAtomically(target, version(1));
  await rename(target, stagingOf(target, 'old', pid));
  await writeFiles(stagingOf(target, 'tmp', pid), version(2));
}

async function stagingLeftovers(): Promise<string[]> {
  return (await readdir(root)).filter((name) => name.startsWith(`.${basename(target)}.`)).sort();
}

describe('writeDirectoryAtomically after a writer was killed', () => {
  it('between the renames: the next write recovers the old directory, replaces it, and removes the staging directories', async () => {
    await crashBetweenRenames(deadPid());
    await writeDirectoryAtomically(target, version(3));
    expect(await contentOf(target)).toEqual({ 'a.txt': 'a3', 'b.txt': 'b3' });
    expect(await stagingLeftovers()).toEqual([]);
  });

  it('between the renames: recovery alone puts the old directory back (the write never reported success)', async () => {
    await crashBetweenRenames(deadPid());
    const recovery = await recoverInterruptedWrite(target);
    expect(recovery.restored).toBeDefined();
    expect(recovery.removed).toHaveLength(1);
    expect(await contentOf(target)).toEqual({ 'a.txt': 'a1', 'b.txt': 'b1' });
    expect(await stagingLeftovers()).toEqual([]);
  });

  it('while writing the staging directory, or after the swap before removing the old one: leftovers are removed, the target kept', async () => {
    const pid = deadPid();
    await writeDirectoryAtomically(target, version(1));
    await writeFiles(stagingOf(target, 'tmp', pid, 'aaaa0001'), new Map([['a.txt', 'half']]));
    await writeFiles(stagingOf(target, 'old', pid, 'aaaa0002'), version(0));
    await recoverInterruptedWrite(target);
    expect(await contentOf(target)).toEqual({ 'a.txt': 'a1', 'b.txt': 'b1' });
    expect(await stagingLeftovers()).toEqual([]);
  });

  it('during a first write (nothing to restore): the staging directory is removed and the target stays absent', async () => {
    await writeFiles(stagingOf(target, 'tmp', deadPid()), version(1));
    expect((await recoverInterruptedWrite(target)).restored).toBeUndefined();
    expect(await readdir(root)).toEqual([]);
  });

  it('leaves a live writer alone, also when its target is missing between its renames', async () => {
    await writeFiles(stagingOf(target, 'old', process.pid), version(1));
    await writeFiles(stagingOf(target, 'tmp', process.pid), version(2));
    expect(await recoverInterruptedWrite(target)).toEqual({ restored: undefined, removed: [] });
    expect(await stagingLeftovers()).toHaveLength(2);
  });

  it('leaves the staging directories of another host alone: its writer cannot be checked', async () => {
    const foreign = join(root, `.out.old-00000000-${deadPid()}-c0ffee01`);
    await writeFiles(foreign, version(1));
    expect(await recoverInterruptedWrite(target)).toEqual({ restored: undefined, removed: [] });
    expect(await stagingLeftovers()).toEqual([basename(foreign)]);
  });

  it('removes ownerless staging directories of earlier versions only once they are old', async () => {
    const young = join(root, '.out.tmp-0a1b2c3d');
    const old = join(root, '.out.tmp-4e5f6071');
    await writeFiles(young, version(1));
    await writeFiles(old, version(1));
    const then = new Date(Date.now() - OWNERLESS_STAGING_STALE_MS - 60_000);
    await utimes(old, then, then);
    await recoverInterruptedWrite(target);
    expect(await stagingLeftovers()).toEqual([basename(young)]);
  });

  it('does not mistake a sibling with a similar name for a staging directory', async () => {
    await writeFiles(join(root, '.out.tmp-notes'), version(1));
    await writeFiles(join(root, '.outer.old-12345678'), version(1));
    await recoverInterruptedWrite(target);
    expect((await readdir(root)).sort()).toEqual(['.out.tmp-notes', '.outer.old-12345678']);
  });
});

describe('readers restore a directory whose writer was killed between the renames', () => {
  it('readTrainingCheckpoint', async () => {
    const checkpoint: TrainingCheckpoint = {
      lineageId: 'lineage',
      modelVersion: 4,
      hyper: { factors: 2 } as TrainingCheckpoint['hyper'],
      itemIds: ['x', 'y'],
      itemFactors: Float32Array.of(1, 2, 3, 4),
      popularity: Int32Array.of(1, 2),
      items: [],
      training: {} as TrainingCheckpoint['training'],
    };
    await writeTrainingCheckpoint(checkpoint, target);
    await rename(target, stagingOf(target, 'old', deadPid()));
    const read = await readTrainingCheckpoint(target);
    expect(read.modelVersion).toBe(4);
    expect(Array.from(read.itemFactors)).toEqual([1, 2, 3, 4]);
    expect(await stagingLeftovers()).toEqual([]);
  });

  it('a missing directory with no leftovers is still model-not-found', async () => {
    await expect(readTrainingCheckpoint(target)).rejects.toMatchObject({ code: 'model-not-found' });
  });
});

describe('writeSyntheticDataset uses the same swap', () => {
  it('recovers the previous dataset of a writer killed between the renames, then replaces it', async () => {
    const first = generateSyntheticDataset({ seed: 1, users: 20, items: 15, eventsPerUser: 4 });
    const second = generateSyntheticDataset({ seed: 2, users: 30, items: 15, eventsPerUser: 4 });
    await writeSyntheticDataset(first, target);
    const pid = deadPid();
    await rename(target, stagingOf(target, 'old', pid));
    await writeFiles(stagingOf(target, 'tmp', pid), new Map([['events.csv', 'user,item,weight\n']]));
    await writeSyntheticDataset(second, target);
    expect((await loadDataset(target)).interactions.userIds).toHaveLength(30);
    expect(await stagingLeftovers()).toEqual([]);
  });
});
