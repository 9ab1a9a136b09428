// `ondeck export` of a checkpoint holding a NaN or ±Infinity factor (issue 12, finding 6): the
// checkpoint is refused when read, with a typed error naming the row, instead of being quantised
// into a model whose scores are garbage. Runs the bundled CLI (dist/cli.js) as a user would.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOndeckCli, type CliRun } from '../../support/runOndeckCli';

let workDir: string;

/** Runs `ondeck …args` in the test's temp directory (see runOndeckCli). */
function ondeck(...args: string[]): Promise<CliRun> {
  return runOndeckCli(args, { cwd: workDir });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-export-nonfinite-'));
  for (const args of [
    ['synth', '--out', 'data', '--items', '60', '--users', '80', '--events-per-user', '8', '--clusters', '2', '--seed', '3', '--quiet'],
    ['train', '--data', 'data', '--out', 'checkpoint', '--epochs', '2', '--factors', '4', '--threads', '1', '--quiet'],
  ]) {
    const result = await ondeck(...args);
    expect(result.code, result.stderr).toBe(0);
  }
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ondeck export of a checkpoint with a non-finite factor', () => {
  for (const [name, value] of [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ] as const) {
    it(`refuses a ${name} factor with a typed error naming the row, writing nothing`, async () => {
      const checkpoint = `checkpoint-${name}`;
      await cp(join(workDir, 'checkpoint'), join(workDir, checkpoint), { recursive: true });
      const factorsFile = join(workDir, checkpoint, 'item-factors.f32');
      const factors = await readFile(factorsFile);
      const manifest = JSON.parse(await readFile(join(workDir, checkpoint, 'checkpoint.json'), 'utf8')) as { itemIds: string[]; hyper: { factors: number } };
      const row = 7;
      factors.writeFloatLE(value, (row * manifest.hyper.factors + 3) * 4);
      await writeFile(factorsFile, factors);

      const result = await ondeck('export', '--checkpoint', checkpoint, '--out', `model-${name}`, '--quiet');
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^ondeck: .+ \[model-corrupt\]$/m);
      expect(result.stderr).toContain(`row ${row}`);
      expect(result.stderr).toContain(`"${manifest.itemIds[row]}"`);
      expect((await readdir(workDir)).filter((entry) => entry.includes(`model-${name}`))).toEqual([]);
    });
  }
});
