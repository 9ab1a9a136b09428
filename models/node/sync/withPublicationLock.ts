import { mkdir, open, readFile, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import { isDeadLocalProcess } from '../isDeadLocalProcess';

/**
 * Name of the lock file inside a publish directory. A dotfile at the top level: devices never ask
 * for it, `ondeck serve` and the shipped nginx rules answer 404 for dotfiles, and the upload order
 * of docs/deploy.md copies `blobs/`, `versions/` and the manifests only.
 */
export const PUBLICATION_LOCK_FILE = '.ondeck-publish.lock';

/**
 * Age after which a lock file that cannot be read as a lock (empty, truncated, not JSON) is taken
 * for the leftover of a crash. Younger, it may be a lock its writer has created but not yet filled.
 */
export const PUBLICATION_LOCK_STALE_MS = 10 * 60 * 1000;

/** What a lock file holds: who writes the directory, since when. */
export interface PublicationLockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** `publish`, `rollback` or `prune`. */
  readonly operation: string;
  /** ISO-8601. */
  readonly startedAt: string;
}

/** A lock file found in place, as read before deciding whether it is stale. */
interface ExistingLock {
  readonly text: string;
  readonly inode: number;
  readonly modifiedMs: number;
  readonly holder?: PublicationLockHolder;
  readonly stale: boolean;
}

/**
 * Runs `task` while holding the lock of a publish directory, so that two publishes (or a publish
 * and a rollback or prune) never read the same manifest and overwrite each other's signed result.
 * Creates the directory if it is missing (a first publish), then `.ondeck-publish.lock` with the
 * exclusive `wx` flag holding `{ pid, hostname, operation, startedAt }`, and removes it when the
 * task settles, also when it throws.
 *
 * A lock already there is reclaimed (removed, then one more try) only when it is provably stale:
 * taken on this host by a process that no longer exists, or unreadable as a lock and older than
 * {@link PUBLICATION_LOCK_STALE_MS}. A lock of another host is never reclaimed automatically: its
 * process cannot be checked from here.
 *
 * Not re-entrant: a task must not take the lock of the same directory again (it would find it
 * held by its own live process).
 *
 * @param operation recorded in the lock and shown to whoever finds the directory locked.
 * @throws OndeckError `publication-locked` when another live (or unverifiable) holder has the lock.
 * @example
 * ```ts
 * const manifest = await withPublicationLock('cdn', 'publish', async () => {
 *   const current = await readPublishedManifest('cdn', publicKeyBase64);
 *   // … write blobs and the next signed manifest …
 *   return current;
 * });
 * ```
 */
export async function withPublicationLock<T>(directory: string, operation: string, task: () => Promise<T>): Promise<T> {
  // Defined only when this call created it (a first publish).
  const created = await mkdir(directory, { recursive: true });
  const lockPath = join(directory, PUBLICATION_LOCK_FILE);
  const holder: PublicationLockHolder = { pid: process.pid, hostname: hostname(), operation, startedAt: new Date().toISOString() };
  const lockText = `${JSON.stringify(holder)}\n`;
  await acquireLock(directory, lockPath, lockText);
  let result: T;
  try {
    result = await task();
  } catch (error) {
    // The task's failure is what the caller needs to see, not a failure to clean up after it.
    await releaseLock(lockPath, lockText).catch(() => undefined);
    // A first publish that failed leaves no empty directory behind (rmdir refuses a non-empty one).
    if (created !== undefined) await rmdir(directory).catch(() => undefined);
    throw error;
  }
  await releaseLock(lockPath, lockText);
  return result;
}

async function acquireLock(directory: string, lockPath: string, lockText: string): Promise<void> {
  let existing: ExistingLock | undefined;
  // Two tries: the second after removing a stale lock, or after a lock that vanished between
  // the failed create and the read (its holder just finished).
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createLockFile(lockPath, lockText)) return;
    existing = await readExistingLock(lockPath);
    if (existing === undefined) continue;
    if (!existing.stale || attempt > 0) break;
    await removeIfUnchanged(lockPath, existing);
  }
  throw new OndeckError('publication-locked', lockedDetails(directory, lockPath, existing));
}

/** Creates the lock file atomically; false when one exists already. */
async function createLockFile(lockPath: string, lockText: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(lockText);
    await handle.close();
  } catch (error) {
    // An empty lock would block every publish for PUBLICATION_LOCK_STALE_MS.
    await handle.close().catch(() => undefined);
    await rm(lockPath, { force: true });
    throw error;
  }
  return true;
}

/** The lock file in place and whether it is stale; undefined when it is gone already. */
async function readExistingLock(lockPath: string): Promise<ExistingLock | undefined> {
  let text: string;
  let inode: number;
  let modifiedMs: number;
  try {
    const info = await stat(lockPath);
    inode = info.ino;
    modifiedMs = info.mtimeMs;
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const holder = parseHolder(text);
  if (!holder) return { text, inode, modifiedMs, stale: Date.now() - modifiedMs > PUBLICATION_LOCK_STALE_MS };
  return { text, inode, modifiedMs, holder, stale: isDeadLocalProcess(holder.pid, holder.hostname) };
}

function parseHolder(text: string): PublicationLockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, hostname: host, operation, startedAt } = value as Record<string, unknown>;
  // pid 0 and negative pids name process groups for process.kill: never a lock holder.
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string' || typeof operation !== 'string' || typeof startedAt !== 'string') return undefined;
  return { pid, hostname: host, operation, startedAt };
}

/**
 * Removes the stale lock unless it changed since it was judged stale (another process reclaimed
 * it first and holds a fresh one). The check and the removal are two steps, so two processes
 * reclaiming the same stale lock within microseconds could still both proceed; that needs a
 * crashed holder and two new runs at the same instant.
 */
async function removeIfUnchanged(lockPath: string, judged: ExistingLock): Promise<void> {
  const now = await readExistingLock(lockPath);
  if (!now || now.inode !== judged.inode || now.modifiedMs !== judged.modifiedMs || now.text !== judged.text) return;
  await rm(lockPath, { force: true });
}

/** Removes the lock only if it is still this run's (not one taken after a removal by hand). */
async function releaseLock(lockPath: string, lockText: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text === lockText) await rm(lockPath, { force: true });
}

function lockedDetails(directory: string, lockPath: string, existing: ExistingLock | undefined): Record<string, unknown> {
  if (existing?.holder) return { directory, lockFile: lockPath, ...existing.holder };
  const reason = existing
    ? `its content is not a lock (${existing.text.length} bytes, written ${new Date(existing.modifiedMs).toISOString()}; taken for stale after ${PUBLICATION_LOCK_STALE_MS / 60000} minutes)`
    : 'it was replaced while being read';
  return { directory, lockFile: lockPath, reason };
}
