import { readFileSync } from 'node:fs';
import { listLivingProcesses } from '../../browser/listLivingProcesses';

/** Memory of WPE WebKit's web process, read from Linux `/proc`. */
export interface WebProcessMemory {
  readonly processId: number;
  /** Resident set size: every page of the process in RAM, shared libraries included. */
  readonly residentBytes: number;
  /**
   * Private resident pages (`Private_Clean + Private_Dirty`): what this process alone holds:
   * its JavaScript heaps (page and workers), the model's typed arrays, malloc. This is the
   * figure that grows when something leaks; shared libraries do not move it.
   */
  readonly privateBytes: number;
}

/**
 * Reads the memory of the WPEWebProcess in process group `processGroupId` (a WPE session's
 * driver group: driver, cog, web and network processes). WebKit runs the page and its dedicated
 * workers as threads of that one process and exposes no per-worker heap to a driver, so the
 * process is the finest grain there is; nothing can force a garbage collection from outside
 * either, so callers let the engine idle before reading and take a median of a few readings.
 *
 * @throws Error when the group has no web process (the session is closed).
 */
export function measureWebProcessMemory(processGroupId: number): WebProcessMemory {
  const webProcess = listLivingProcesses(processGroupId).find((process) => process.command === 'WPEWebProcess');
  if (!webProcess) throw new Error(`no WPEWebProcess in process group ${processGroupId}`);
  // smaps_rollup (Linux 4.14+) sums every mapping's counters in one read.
  const rollup = readFileSync(`/proc/${webProcess.processId}/smaps_rollup`, 'utf8');
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup);
    if (!match) throw new Error(`/proc/${webProcess.processId}/smaps_rollup has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return {
    processId: webProcess.processId,
    residentBytes: kilobytes('Rss'),
    privateBytes: kilobytes('Private_Clean') + kilobytes('Private_Dirty'),
  };
}
