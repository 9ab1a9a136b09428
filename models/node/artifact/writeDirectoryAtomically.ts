import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { recoverInterruptedWrite } from './recoverInterruptedWrite';
import { refuseForeignDirectory } from './refuseForeignDirectory';
import { newStagingToken, stagingDirectoryPath } from './stagingDirectories';

/**
 * Test-only hook (test/scripts/cli/exportCrash.test.ts): when this environment variable names a file, the
 * writer creates that file once the old directory is moved aside and then waits forever, so a
 * test can SIGKILL it at exactly the instant between the two renames. Unset in every real run.
 */
export const HOLD_BETWEEN_RENAMES_ENV = 'ONDECK_TEST_HOLD_BETWEEN_RENAMES';

/**
 * Writes `files` as the complete content of `directory`, atomically: they go to a sibling
 * staging directory which is renamed into place only once every file is written, so a crash, a
 * full disk or a failed write leaves either the old directory or the new one, never a mix. A
 * previous directory is moved aside first and removed after the swap, so it is replaced only when
 * it holds nothing but names of `files` (a previous write): anything else there (someone's data,
 * a file at `directory`) is refused by {@link refuseForeignDirectory} before anything is written.
 *
 * A writer killed between moving the old directory aside and renaming the new one in leaves no
 * `directory`; each write first runs {@link recoverInterruptedWrite}, which puts the old one back
 * and deletes the staging directories of dead writers.
 *
 * @param files file name → content, written in insertion order.
 * @throws OndeckError `invalid-argument` when `directory` holds anything else.
 * @example
 * ```ts
 * await writeDirectoryAtomically('build/model', { 'model.json': manifestText, 'factors.bin': bytes });
 * ```
 */
export async function writeDirectoryAtomically(directory: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void> {
  await replaceDirectoryAtomically(directory, [...files.keys()], async (staging) => {
    for (const [name, content] of files) await writeFile(join(staging, name), content);
  });
}

/**
 * The swap behind {@link writeDirectoryAtomically}, for writers that produce their files
 * themselves (streamed, fsync'ed): `fill` writes the new content into the (empty) staging
 * directory it is given, which then replaces `directory` with the same guarantees: recovery of an
 * interrupted earlier write first, {@link refuseForeignDirectory} with `ownFiles`, and either the
 * old or the new directory at every instant.
 *
 * @param ownFiles every name `fill` may write (what a previous run left may be replaced).
 * @example
 * ```ts
 * await replaceDirectoryAtomically('out/data', ['events.csv'], (staging) => writeEvents(join(staging, 'events.csv')));
 * ```
 */
export async function replaceDirectoryAtomically(directory: string, ownFiles: readonly string[], fill: (staging: string) => Promise<void>): Promise<void> {
  await recoverInterruptedWrite(directory);
  await refuseForeignDirectory(directory, ownFiles);
  await mkdir(dirname(directory), { recursive: true });
  const token = newStagingToken();
  const staging = stagingDirectoryPath(directory, 'tmp', token);
  const retired = stagingDirectoryPath(directory, 'old', token);
  await mkdir(staging);
  let replaced = false;
  try {
    await fill(staging);
    try {
      await rename(directory, retired);
      replaced = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // ENOENT: nothing there yet.
    }
    await holdForCrashTest();
    await rename(staging, directory);
  } catch (error) {
    // Put the previous directory back unless another writer's directory took its place meanwhile
    // (the rename then fails: the target is not empty) and the retired one is just garbage.
    if (replaced) await rename(retired, directory).catch(() => rm(retired, { recursive: true, force: true }));
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  if (replaced) await rm(retired, { recursive: true, force: true });
}

async function holdForCrashTest(): Promise<void> {
  const marker = process.env[HOLD_BETWEEN_RENAMES_ENV];
  if (!marker) return;
  await writeFile(marker, String(process.pid));
  // A timer keeps the event loop (and so the process) alive until the test kills it.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}
