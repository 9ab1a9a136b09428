import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm start` (the README's first command) without its servers: the synthetic catalog, training
// (or the cached model), and home-screen rows printed from the device engine's own rows().
const startScript = join(import.meta.dirname, '../../dist/start.js');

function runStart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, [startScript, ...args], { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolveRun({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('npm start', () => {
  it('prints rows for a few viewers from the engine rows(): top picks and because-you-watched, each title with its genres', { timeout: 250_000 }, async () => {
    const run = await runStart(['--no-serve']);
    expect(run.code, run.stderr).toBe(0);
    const output = run.stdout + run.stderr;
    expect(output).toMatch(/ondeck: 2000 viewers, 5000 titles/);
    const viewers = output.split(/\n(?=viewer u\d+ — watched)/).slice(1);
    expect(viewers.length).toBeGreaterThanOrEqual(2);
    for (const viewer of viewers) {
      expect(viewer).toContain("the device engine's rows()");
      expect(viewer).toMatch(/\n {2}Top picks for you:\n( {4}· .+ — .+\n){5}/);
      expect(viewer).toMatch(/\n {2}Because you watched .+:\n( {4}· .+ — .+\n){5}/);
    }
  });

  it('refuses an unknown flag with a usage error instead of running', async () => {
    const run = await runStart(['--no-serve', '--colour']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unknown option '--colour'/);
  });
});
