import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { OndeckError } from '../../errors/OndeckError';

/**
 * The one guard of every ondeck writer that replaces a whole directory (`synth`, `train`,
 * `export`, `import`): `directory` may be replaced only when it does not exist yet, is empty, or
 * holds nothing but files that writer itself writes (a previous run's output). Anything else, a
 * dataset given as `train --out`, a file, a folder of notes, is refused before anything is
 * written, because the atomic replace would delete it.
 *
 * @param ownFiles the names the writer puts in the directory.
 * @throws OndeckError `invalid-argument` naming the directory and (up to three of) the entries it
 *   would have deleted.
 * @example
 * ```ts
 * await refuseForeignDirectory('build/model', Object.values(MODEL_FILES));
 * ```
 */
export async function refuseForeignDirectory(directory: string, ownFiles: readonly string[]): Promise<void> {
  let info: Stats;
  try {
    info = await stat(directory);
  } catch (error) {
    // Nothing there (or a parent that is no directory, which the write itself reports): nothing to lose.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  if (!info.isDirectory()) {
    throw new OndeckError('invalid-argument', { name: 'output directory', reason: `${directory} is a file, not a directory; refusing to replace it` });
  }
  const foreign = (await readdir(directory)).filter((name) => !ownFiles.includes(name)).sort();
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
    throw new OndeckError('invalid-argument', {
      name: 'output directory',
      reason: `${directory} holds what this command does not write (${shown}); refusing to replace it: choose a new or empty directory`,
    });
  }
}
