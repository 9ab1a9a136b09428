import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { refuseForeignDirectory } from './refuseForeignDirectory';

/**
 * Writes `files` as the complete content of `directory`, atomically: they go to a sibling
 * staging directory which is renamed into place only once every file is written, so a crash, a
 * full disk or a failed write leaves either the old directory or the new one, never a mix. A
 * previous directory is moved aside first and removed after the swap, so it is replaced only when
 * it holds nothing but names of `files` (a previous write): anything else there (someone's data,
 * a file at `directory`) is refused by {@link refuseForeignDirectory} before anything is written.
 *
 * @param files file name → content, written in insertion order.
 * @throws OndeckError `invalid-argument` when `directory` holds anything else.
 * @example
 * ```ts
 * await writeDirectoryAtomically('build/model', { 'model.json': manifestText, 'factors.bin': bytes });
 * ```
 */
export async function writeDirectoryAtomically(directory: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void> {
  await refuseForeignDirectory(directory, [...files.keys()]);
  const parent = dirname(directory);
  await mkdir(parent, { recursive: true });
  const suffix = randomBytes(4).toString('hex');
  const staging = join(parent, `.${basename(directory)}.tmp-${suffix}`);
  const retired = join(parent, `.${basename(directory)}.old-${suffix}`);
  await mkdir(staging);
  try {
    for (const [name, content] of files) await writeFile(join(staging, name), content);
    let replaced = false;
    try {
      await rename(directory, retired);
      replaced = true;
    } catch {
      // Nothing there yet.
    }
    await rename(staging, directory);
    if (replaced) await rm(retired, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
