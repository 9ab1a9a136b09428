import { hostname } from 'node:os';

/**
 * Whether the process that left something behind (a lock file, a staging directory) is provably
 * gone: it ran on this host and no process with its pid exists any more. A process of another
 * host (a shared file system) cannot be checked from here and is never taken for dead.
 *
 * A pid reused by an unrelated process since the crash reads as alive: the leftover then stays
 * until that process ends, which errs on the side of leaving data alone.
 *
 * @param host the `os.hostname()` of the process that wrote the leftover.
 * @example
 * ```ts
 * if (isDeadLocalProcess(holder.pid, holder.hostname)) await rm(lockPath, { force: true });
 * ```
 */
export function isDeadLocalProcess(pid: number, host: string): boolean {
  return host === hostname() && !processExists(pid);
}

/** Signal 0 checks existence only; EPERM means the process exists under another user. */
function processExists(pid: number): boolean {
  // pid 0 and negative pids name process groups for process.kill: never a single process.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
