import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI (dist/cli.js), run as a user runs `npx ondeck`. */
export const builtCliPath = join(import.meta.dirname, '../../dist/cli.js');

/** How one CLI run ended. */
export interface CliRun {
  /** The exit code; `null` when the run was ended by a signal (the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runOndeckCli}. */
export interface CliRunOptions {
  /** The working directory (relative paths in `args` resolve against it). */
  cwd: string;
  /** Kills the run after this long. @defaultValue no limit */
  timeoutMilliseconds?: number;
}

/**
 * Runs `ondeck …args` from the built bundle and resolves with its exit code and output; never
 * rejects, so a test asserts on the failure the user would see. `ONDECK_DEBUG` is cleared, so
 * errors print as users get them (one line, no stack trace).
 *
 * @example
 * ```ts
 * const result = await runOndeckCli(['train', '--data', 'd', '--out', 'd'], { cwd: workDir });
 * expect(result.code).toBe(1);
 * ```
 */
export function runOndeckCli(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [builtCliPath, ...args],
      { cwd: options.cwd, env: { ...process.env, ONDECK_DEBUG: '' }, maxBuffer: 16 << 20, timeout: options.timeoutMilliseconds ?? 0 },
      (error, stdout, stderr) => {
        const code = !error ? 0 : typeof error.code === 'number' ? error.code : error.signal ? null : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
