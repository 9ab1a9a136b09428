// `ondeck train` tunes its objective by default (issue 15 item 1): run as a user runs it, from the
// bundled CLI (dist/cli.js, built by test/globalSetup.ts), on a small synthetic catalog.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALS_HYPERPARAMETERS } from '../../../models/als/AlsHyperparameters';
import { runOndeckCli, type CliRun } from '../../support/runOndeckCli';

let workDir: string;

async function ondeck(...args: string[]): Promise<CliRun> {
  return runOndeckCli(args, { cwd: workDir });
}

async function ondeckOk(...args: string[]): Promise<CliRun> {
  const result = await ondeck(...args);
  expect(result.code, `ondeck ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

async function checkpointOf(directory: string): Promise<Record<string, unknown> & { hyper: Record<string, number>; tuning?: Record<string, unknown> }> {
  return JSON.parse(await readFile(join(workDir, directory, 'checkpoint.json'), 'utf8')) as Record<string, unknown> & { hyper: Record<string, number> };
}

// Short trainings keep every run to a few seconds; --prior off leaves the objective's tuning alone.
const quick = ['--data', 'data', '--epochs', '3', '--threads', '1', '--prior', 'off'];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-train-tuning-'));
  await ondeckOk('synth', '--out', 'data', '--items', '150', '--users', '250', '--events-per-user', '15', '--clusters', '4', '--seed', '5', '--quiet');
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ondeck train tunes itself', () => {
  it('prints the budget first, then the chosen values, and records them in the checkpoint', async () => {
    const { stderr } = await ondeckOk('train', ...quick, '--out', 'tuned', '--tune-budget', '60s');
    const lines = stderr.split('\n');
    const announced = lines.findIndex((line) => line.startsWith('tuning factors, λ, unobserved weight and alpha') && line.includes('budget 1 min 0 s'));
    const chosen = lines.findIndex((line) => line.startsWith('tuned: factors '));
    expect(announced, stderr).toBeGreaterThanOrEqual(0);
    expect(chosen, stderr).toBeGreaterThan(announced);
    expect(stderr).toMatch(/successive halving from 27 candidates/);
    const checkpoint = await checkpointOf('tuned');
    const { hyper, tuning } = checkpoint;
    expect(lines[chosen]).toContain(`factors ${hyper.factors}, λ ${hyper.regularization}, unobserved weight ${hyper.unobservedWeight}, alpha ${hyper.alpha}`);
    expect(tuning).toMatchObject({ method: 'successive-halving', start: DEFAULT_ALS_HYPERPARAMETERS, budgetSeconds: 60, skipped: 0 });
    expect(tuning?.trials).toBeGreaterThan(27);
    // The defaults are carried to the last rung: the choice is never worse on validation.
    expect(tuning?.validationNdcgAt100 as number).toBeGreaterThanOrEqual(tuning?.startNdcgAt100 as number);
  }, 20_000);

  it('measures one training run for the default budget of ten', async () => {
    const { stderr } = await ondeckOk('train', ...quick, '--out', 'tuned-default', '--quiet');
    expect(stderr).toBe('');
    const verbose = await ondeckOk('train', ...quick, '--out', 'tuned-default');
    // --prior off: the run the budget counts is the training alone.
    expect(verbose.stderr).toMatch(/budget 10 × one training run, timed on the first trial/);
    expect(verbose.stderr).toMatch(/tuning budget: .+ = 10 × .+ \(training ≈ /);
    expect((await checkpointOf('tuned-default')).tuning).toBeDefined();
  }, 20_000);

  it('a tiny budget stops after the first trial and still trains, with the defaults', async () => {
    const { stderr } = await ondeckOk('train', ...quick, '--out', 'tiny', '--tune-budget', '1ms');
    expect(stderr).toMatch(/skipped to stay within it/);
    const { hyper, tuning } = await checkpointOf('tiny');
    expect(tuning).toMatchObject({ trials: 1 });
    expect(hyper).toEqual(DEFAULT_ALS_HYPERPARAMETERS);
  }, 20_000);

  it('--no-tune, --params and an objective flag train as told, without tuning', async () => {
    await writeFile(join(workDir, 'params.json'), JSON.stringify({ hyper: { factors: 6, regularization: 0.05 } }));
    for (const [directory, extra, expected] of [
      ['untuned', ['--no-tune'], DEFAULT_ALS_HYPERPARAMETERS],
      ['from-params', ['--params', 'params.json'], { ...DEFAULT_ALS_HYPERPARAMETERS, factors: 6, regularization: 0.05 }],
      ['from-flag', ['--alpha', '2'], { ...DEFAULT_ALS_HYPERPARAMETERS, alpha: 2 }],
    ] as const) {
      const { stderr } = await ondeckOk('train', ...quick, '--out', directory, ...extra);
      expect(stderr).not.toMatch(/^tun/m);
      const checkpoint = await checkpointOf(directory);
      expect(checkpoint.hyper).toEqual(expected);
      expect(checkpoint.tuning).toBeUndefined();
    }
  }, 20_000);

  it('a warm start keeps the previous factors and tunes the rest', async () => {
    await ondeckOk('train', ...quick, '--out', 'previous', '--factors', '8');
    const { stderr } = await ondeckOk('train', ...quick, '--out', 'warm', '--warm-start', 'previous', '--tune-budget', '30s');
    expect(stderr).toMatch(/^tuning λ, unobserved weight and alpha on/m);
    expect(stderr).toMatch(/budget 30 s/);
    const { hyper, tuning } = await checkpointOf('warm');
    expect(hyper.factors).toBe(8);
    expect(tuning).toMatchObject({ start: { factors: 8 } });
  }, 20_000);

  it('refuses a budget that is not a duration', async () => {
    const result = await ondeck('train', ...quick, '--out', 'never', '--tune-budget', 'soon');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^ondeck: Invalid --tune-budget: .+ \[invalid-argument\]$/m);
  });
});
