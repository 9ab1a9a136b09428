import { lstat, rename, rm } from 'node:fs/promises';
import { listStagingSiblings } from './stagingDirectories';

/** What {@link recoverInterruptedWrite} did. */
export interface WriteRecovery {
  /** The retired directory put back at the target, when the target was missing. */
  readonly restored?: string;
  /** Abandoned staging directories deleted. */
  readonly removed: readonly string[];
}

/**
 * Undoes what a writer killed in the middle of {@link writeDirectoryAtomically} left next to
 * `directory`, so the directory holds its last complete content again.
 *
 * The swap is two renames (`directory` → `.old-…`, then `.tmp-…` → `directory`); a crash between
 * them leaves no `directory`. When `directory` is missing and an abandoned `.old-…` exists, that
 * is the previous content and it is renamed back: the interrupted write never reported success,
 * so its caller expects the old state, and the `.old-…` directory is known complete (it was the
 * committed directory) while an unsynced `.tmp-…` might not be after a power loss. The newest one
 * wins if (against the odds) there are several. Every other abandoned staging directory, `.tmp-…`
 * or `.old-…`, is then deleted.
 *
 * Only directories of writers that are provably gone are touched (see `listStagingSiblings`): a
 * live writer between its two renames is left alone, and so is its missing target.
 *
 * @example
 * ```ts
 * await recoverInterruptedWrite('build/model'); // before writing or reading build/model
 * ```
 */
export async function recoverInterruptedWrite(directory: string): Promise<WriteRecovery> {
  const abandoned = (await listStagingSiblings(directory)).filter((sibling) => sibling.abandoned);
  if (abandoned.length === 0) return { removed: [] };
  let restored: string | undefined;
  const retired = abandoned.filter((sibling) => sibling.role === 'old').sort((a, b) => b.modifiedMs - a.modifiedMs);
  if (retired.length > 0 && !(await exists(directory))) {
    try {
      await rename(retired[0].path, directory);
      restored = retired[0].path;
    } catch {
      // Another run restored it (or wrote a new directory) first; what is there now stands.
    }
  }
  const removed: string[] = [];
  for (const sibling of abandoned) {
    if (sibling.path === restored) continue;
    await rm(sibling.path, { recursive: true, force: true });
    removed.push(sibling.path);
  }
  return { restored, removed };
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
