// `ondeck export` killed with SIGKILL between the two renames of its atomic directory swap (issue
// 12, finding 5): the writer's test-only hold (HOLD_BETWEEN_RENAMES_ENV) pauses it at exactly that
// instant, so the kill is deterministic. The next read (`recommend`) or write (`export`) of the
// same --out must find the previous model, and leave no staging directory of the dead writer.
import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLD_BETWEEN_RENAMES_ENV } from '../../../models/node/artifact/writeDirectoryAtomically';

const cliPath = join(import.meta.dirname, '../../../dist/cli.js');

let workDir: string;

/** Runs `ondeck …args` in the temp directory and requires success. */
function ondeckOk(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliPath, ...args], { cwd: workDir, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ondeck ${args.join(' ')} failed: ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts `ondeck export` held between its renames, waits for it to get there, and SIGKILLs it. */
async function exportKilledBetweenRenames(clusters: string): Promise<void> {
  const marker = join(workDir, `held-${clusters}`);
  const child = spawn(process.execPath, [cliPath, 'export', '--checkpoint', 'checkpoint', '--out', 'model', '--clusters', clusters, '--quiet'], {
    cwd: workDir,
    env: { ...process.env, [HOLD_BETWEEN_RENAMES_ENV]: marker },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await access(marker);
        break;
      } catch {
        if (child.exitCode !== null) throw new Error('export finished without reaching the hold between its renames');
        if (Date.now() > deadline) throw new Error('export did not reach the hold between its renames within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  await rm(marker);
}

/** Staging directories next to `model`. */
async function leftovers(): Promise<string[]> {
  return (await readdir(workDir)).filter((name) => name.startsWith('.model.'));
}

async function modelJson(): Promise<string> {
  return readFile(join(workDir, 'model', 'model.json'), 'utf8');
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-export-crash-'));
  await ondeckOk('synth', '--out', 'data', '--items', '60', '--users', '80', '--events-per-user', '8', '--clusters', '3', '--seed', '3', '--quiet');
  await ondeckOk('train', '--data', 'data', '--out', 'checkpoint', '--epochs', '2', '--factors', '4', '--threads', '1', '--quiet');
  await ondeckOk('export', '--checkpoint', 'checkpoint', '--out', 'model', '--clusters', '2', '--quiet');
  await writeFile(join(workDir, 'histories.jsonl'), JSON.stringify({ user: 'u', items: ['i1', 'i2'] }) + '\n');
}, 120_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('export killed between its two renames', () => {
  it('leaves the previous model aside, which the next read puts back', async () => {
    const before = await modelJson();
    await exportKilledBetweenRenames('3');
    // The crash state itself: no model at --out, the previous one moved aside, the new one staged.
    await expect(access(join(workDir, 'model'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await leftovers()).map((name) => name.split('-')[0]).sort()).toEqual(['.model.old', '.model.tmp']);

    await ondeckOk('recommend', '--model', 'model', '--input', 'histories.jsonl', '--count', '3', '--backend', 'js');
    expect(await modelJson()).toBe(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('the next export into the same --out recovers and writes the new model', async () => {
    await exportKilledBetweenRenames('3');
    await ondeckOk('export', '--checkpoint', 'checkpoint', '--out', 'model', '--clusters', '4', '--quiet');
    expect(JSON.parse(await modelJson())).toMatchObject({ format: 'ondeck-model' });
    expect(await leftovers()).toEqual([]);
  }, 120_000);
});
