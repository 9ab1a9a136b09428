import { spawn, type ChildProcess } from 'node:child_process';
import { listLivingProcesses } from './listLivingProcesses';

/** Options of {@link spawnProcessGroup}. */
export interface ProcessGroupOptions {
  /** @defaultValue the test process's environment */
  env?: NodeJS.ProcessEnv;
  /**
   * `'pipe'` to write to the leader's standard input (`child.stdin`).
   * @defaultValue `'ignore'`
   */
  stdin?: 'pipe' | 'ignore';
}

/** A browser (or its driver) started by {@link spawnProcessGroup}, with every process it starts. */
export interface ProcessGroup {
  /** The leader: the driver or host program spawned. */
  readonly child: ChildProcess;
  /** Its process group: the leader and every browser process under it. */
  readonly processGroupId: number;
  /** `true` once the leader exited (or could not be spawned). */
  readonly exited: boolean;
  /** The last 4000 characters the leader wrote to stdout and stderr, for error messages. */
  output(): string;
  /**
   * Ends the whole group: SIGTERM (so the leader can reap its children), then SIGKILL for what
   * survived, then waits until no process of the group is alive, so a caller that checks right
   * after sees none. Safe to call twice.
   */
  stop(): Promise<void>;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, milliseconds));
}

/**
 * Spawns `command` as the leader of a process group of its own, so that one signal reaches the
 * browser processes it starts (cog and WebKit's processes under WPEWebDriver; Xvfb and
 * QtWebEngineProcess under the Qt host), and kills the group when the test process exits without
 * stopping it: a failed test never leaves a browser running.
 *
 * @example
 * ```ts
 * const group = spawnProcessGroup('WPEWebDriver', ['--port=4444']);
 * try { … } finally { await group.stop(); }
 * ```
 */
export function spawnProcessGroup(command: string, args: readonly string[], options: ProcessGroupOptions = {}): ProcessGroup {
  const child = spawn(command, args, { detached: true, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let output = '';
  const keepOutput = (chunk: Buffer): void => {
    // Only the tail matters for an error message; keep memory bounded.
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keepOutput);
  child.stderr!.on('data', keepOutput);
  let exited = false;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      exited = true;
      resolveExit();
    });
  });
  // spawn() failures (ENOENT…) arrive as an 'error' event; it also means no process to wait for.
  child.once('error', (error) => {
    output += `\nspawn error: ${error.message}`;
    exited = true;
  });
  const processGroupId = child.pid ?? -1;
  const killGroup = (signal: NodeJS.Signals): void => {
    if (processGroupId <= 0) return;
    try {
      process.kill(-processGroupId, signal);
    } catch {
      // ESRCH: the whole group is already gone.
    }
  };
  const killOnExit = (): void => killGroup('SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  return {
    child,
    processGroupId,
    get exited() {
      return exited;
    },
    output: () => output,
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        killGroup('SIGTERM');
        await Promise.race([exitPromise, sleep(3_000)]);
      }
      // Whatever survived SIGTERM (or was orphaned when the leader crashed) dies now.
      killGroup('SIGKILL');
      if (!exited) await Promise.race([exitPromise, sleep(2_000)]);
      // SIGKILL is delivered asynchronously: wait until the group is really gone.
      const deadline = performance.now() + 3_000;
      while (processGroupId > 0 && listLivingProcesses(processGroupId).length > 0 && performance.now() < deadline) await sleep(20);
      process.off('exit', killOnExit);
    },
  };
}
