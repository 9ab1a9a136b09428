import { readdirSync, readFileSync } from 'node:fs';

/** One process read from `/proc`. */
export interface LivingProcess {
  processId: number;
  processGroupId: number;
  /** The kernel's short command name (`comm`, at most 15 characters). */
  command: string;
}

/**
 * The processes still alive (zombies excluded: they have exited and only wait to be reaped) in
 * process group `processGroupId`, read from Linux `/proc`. Browser tests use it to prove that a
 * closed driver left no browser behind.
 *
 * @example
 * ```ts
 * await wpe.close();
 * expect(listLivingProcesses(wpe.processGroupId)).toEqual([]);
 * ```
 */
export function listLivingProcesses(processGroupId: number): LivingProcess[] {
  const living: LivingProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited between readdir and read
    }
    // "pid (comm) state ppid pgrp …": comm may itself hold spaces or parentheses.
    const commandEnd = stat.lastIndexOf(')');
    const command = stat.slice(stat.indexOf('(') + 1, commandEnd);
    const [state, , group] = stat.slice(commandEnd + 2).split(' ');
    if (Number(group) !== processGroupId || state === 'Z' || state === 'X') continue;
    living.push({ processId: Number(entry), processGroupId, command });
  }
  return living;
}
