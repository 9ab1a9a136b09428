import { spawn, type ChildProcess } from 'node:child_process';
import { builtCliPath } from './runOndeckCli';

/** The built CLI (dist/cli.js, built by test/globalSetup.ts). */

/** A running `ondeck serve`: its base URL, what it printed, and how to stop it. */
export interface RunningOndeckServe {
  /** Base URL with a trailing slash, as printed by the server (`http://127.0.0.1:PORT/`). */
  readonly url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** False once the process has ended (exited or killed). */
  running(): boolean;
  stop(): Promise<void>;
}

/** Options of {@link startOndeckServe}. */
export interface StartOndeckServeOptions {
  /** Node flags put before the CLI (e.g. `--import` of a fault-injection module). */
  readonly nodeFlags?: readonly string[];
}

/**
 * Starts the built CLI's `ondeck serve DIR --port 0` as a user runs it and resolves once it prints
 * its URL; rejects with its output when it exits first.
 */
export async function startOndeckServe(directory: string, options: StartOndeckServeOptions = {}): Promise<RunningOndeckServe> {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), builtCliPath, 'serve', directory, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ONDECK_DEBUG: '' },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /at (http:\/\/\S+\/)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`ondeck serve exited with ${code}: ${output}`)));
  });
  return {
    url,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
