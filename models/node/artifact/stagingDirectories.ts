import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isDeadLocalProcess } from '../isDeadLocalProcess';

/**
 * The sibling directories {@link writeDirectoryAtomically} works with next to `<parent>/<name>`:
 * `.<name>.tmp-…` (the new content being written) and `.<name>.old-…` (the previous content,
 * moved aside during the swap). Their names say who made them, `<host>-<pid>-<random>`, so a
 * later run can tell the leftovers of a crashed writer from the work of a live one.
 */
export type StagingRole = 'tmp' | 'old';

/** A staging directory found next to a target directory. */
export interface StagingSibling {
  readonly path: string;
  readonly role: StagingRole;
  /** Its writer is provably gone (see {@link listStagingSiblings}): safe to take over. */
  readonly abandoned: boolean;
  readonly modifiedMs: number;
}

/**
 * Age after which a staging directory whose name carries no writer (written by an ondeck from
 * before names carried one: `.<name>.tmp-<8 hex>`) is taken for a crash's leftover. The same
 * rule and delay as an unreadable publication lock.
 */
export const OWNERLESS_STAGING_STALE_MS = 10 * 60 * 1000;

/**
 * A fresh staging path for `directory`, owned by this process.
 *
 * @param token shared by the `tmp` and `old` directories of one write, so they read as a pair.
 */
export function stagingDirectoryPath(directory: string, role: StagingRole, token: string): string {
  return join(dirname(directory), `.${basename(directory)}.${role}-${localHostTag()}-${process.pid}-${token}`);
}

/** A random token for {@link stagingDirectoryPath}. */
export function newStagingToken(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The staging directories next to `directory`, each judged abandoned or not: abandoned when its
 * name says it was made on this host by a process that no longer exists ({@link isDeadLocalProcess}),
 * or when its name carries no writer and it is older than {@link OWNERLESS_STAGING_STALE_MS}.
 * Another host's staging directory is never abandoned: its writer cannot be checked from here.
 *
 * @returns [] when the parent directory does not exist.
 */
export async function listStagingSiblings(directory: string): Promise<StagingSibling[]> {
  const parent = dirname(directory);
  const prefix = `.${basename(directory)}.`;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const siblings: StagingSibling[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const parsed = STAGING_SUFFIX.exec(name.slice(prefix.length));
    if (!parsed) continue;
    const [, role, host, pid] = parsed;
    const path = join(parent, name);
    let modifiedMs: number;
    try {
      modifiedMs = (await stat(path)).mtimeMs;
    } catch {
      continue; // Gone meanwhile: its writer finished or another recovery took it.
    }
    const abandoned = host === undefined ? Date.now() - modifiedMs > OWNERLESS_STAGING_STALE_MS : host === localHostTag() && isDeadLocalProcess(Number(pid), hostname());
    siblings.push({ path, role: role as StagingRole, abandoned, modifiedMs });
  }
  return siblings;
}

/** `tmp-<host>-<pid>-<token>`, or the ownerless `tmp-<token>` of earlier versions. */
const STAGING_SUFFIX = /^(tmp|old)-(?:([0-9a-f]{8})-([1-9][0-9]*)-)?[0-9a-f]+$/;

/**
 * This host in 8 hex digits: a host name may hold any character a file name should not, and only
 * equality matters.
 */
function localHostTag(): string {
  return createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
}
