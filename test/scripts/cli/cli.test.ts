// Runs the bundled CLI (dist/cli.js, built by test/globalSetup.ts) as a subprocess in a temp
// directory, the way a user runs `ondeck`.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../support/importerFixtures';
import { runOndeckCli, type CliRun } from '../../support/runOndeckCli';

let workDir: string;

/** Runs `ondeck …args` in the test's temp directory (see runOndeckCli). */
function ondeck(...args: string[]): Promise<CliRun> {
  return runOndeckCli(args, { cwd: workDir });
}

/** Runs a command that must succeed, showing its stderr if it does not. */
async function ondeckOk(...args: string[]): Promise<CliRun> {
  const result = await ondeck(...args);
  expect(result.code, `ondeck ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

interface Recommendation {
  readonly user: string;
  readonly items: string[];
  readonly scores: number[];
}

function parseJsonl(text: string): Recommendation[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Recommendation);
}

/** Asserts a failure the way a user should see it: one `ondeck: … [code]` line, no stack trace. */
function expectCleanFailure(result: CliRun, code: string): void {
  expect(result.code, result.stderr).not.toBe(0);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('ondeck:'));
  expect(errorLines, result.stderr).toHaveLength(1);
  expect(errorLines[0]).toMatch(new RegExp(`^ondeck: .+ \\[${code}\\]$`));
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-cli-'));
  // A small synthetic catalog: a few hundred viewers and titles keep every command fast.
  await ondeckOk('synth', '--out', 'data', '--items', '150', '--users', '250', '--events-per-user', '15', '--clusters', '4', '--seed', '5', '--quiet');
  await ondeckOk('train', '--data', 'data', '--out', 'checkpoint', '--epochs', '5', '--factors', '12', '--threads', '1', '--quiet');
  await ondeckOk('export', '--checkpoint', 'checkpoint', '--out', 'model', '--clusters', '4', '--quiet');
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ondeck synth → train → export → recommend', () => {
  it('writes the dataset, the checkpoint and a readable model', async () => {
    const events = await readFile(join(workDir, 'data', 'events.csv'), 'utf8');
    expect(events.split('\n')[0]).toBe('user,item,weight,timestamp');
    const manifest = JSON.parse(await readFile(join(workDir, 'model', 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ format: 'ondeck-model', formatVersion: 1, modelVersion: 1, dims: 12, itemCount: 150 });
    expect(manifest.training).toMatchObject({ algorithm: 'ials', epochs: 5, users: 250 });
  });

  it('train tunes a popularity prior on validation users and export ships it in model.json; --prior off or WEIGHT,SCALE set it (issue 15)', async () => {
    const manifest = JSON.parse(await readFile(join(workDir, 'model', 'model.json'), 'utf8')) as { popularityPrior?: { weight: number; historyScale: number } };
    expect(manifest.popularityPrior?.weight).toBeGreaterThan(0);
    expect(manifest.popularityPrior?.historyScale).toBeGreaterThan(0);
    const priorOf = async (prior: string): Promise<unknown> => {
      await ondeckOk('train', '--data', 'data', '--out', `checkpoint-${prior}`, '--epochs', '2', '--factors', '4', '--threads', '1', '--prior', prior, '--quiet');
      await ondeckOk('export', '--checkpoint', `checkpoint-${prior}`, '--out', `model-${prior}`, '--clusters', '2', '--quiet');
      return (JSON.parse(await readFile(join(workDir, `model-${prior}`, 'model.json'), 'utf8')) as Record<string, unknown>).popularityPrior;
    };
    expect(await priorOf('off')).toBeUndefined();
    expect(await priorOf('0.2,5')).toEqual({ weight: 0.2, historyScale: 5 });
    expectCleanFailure(await ondeck('train', '--data', 'data', '--out', 'never', '--prior', '0.2'), 'invalid-argument');
  });

  it('gives identical recommendations with the js and wasm backends, excluding the input items', async () => {
    const requests = [
      { user: 'viewer-1', items: ['i1', 'i2', 'i3'] },
      { user: 'viewer-2', items: ['i10', 'i40', 'i77', 'i120'], weights: [3, 1, 2, 1] },
      { user: 42, items: ['i150'] },
    ];
    await writeFile(join(workDir, 'histories.jsonl'), requests.map((request) => JSON.stringify(request)).join('\n') + '\n');
    const js = await ondeckOk('recommend', '--model', 'model', '--input', 'histories.jsonl', '--count', '15', '--backend', 'js');
    const wasm = await ondeckOk('recommend', '--model', 'model', '--input', 'histories.jsonl', '--count', '15', '--backend', 'wasm', '--output', 'out.jsonl');
    expect(wasm.stdout).toBe('');
    const fromJs = parseJsonl(js.stdout);
    const fromWasm = parseJsonl(await readFile(join(workDir, 'out.jsonl'), 'utf8'));
    expect(fromJs.map((line) => line.user)).toEqual(['viewer-1', 'viewer-2', '42']);
    expect(fromWasm.map((line) => line.user)).toEqual(['viewer-1', 'viewer-2', '42']);
    fromJs.forEach((line, index) => {
      const other = fromWasm[index];
      expect(line.items).toHaveLength(15);
      expect(new Set(line.items).size).toBe(15);
      expect(other.items).toEqual(line.items);
      line.scores.forEach((score, k) => expect(Math.abs(score - other.scores[k])).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(score), 1e-3)));
      // Best first.
      for (let k = 1; k < line.scores.length; k++) expect(line.scores[k]).toBeLessThanOrEqual(line.scores[k - 1]);
      for (const seen of requests[index].items) expect(line.items).not.toContain(seen);
    });
    expect(js.stderr).toMatch(/recommended for 3 users with the js backend/);
    expect(wasm.stderr).toMatch(/recommended for 3 users with the wasm backend/);
  });

  it('ignores unknown item ids and counts them on stderr', async () => {
    await writeFile(
      join(workDir, 'unknown.jsonl'),
      [JSON.stringify({ user: 'a', items: ['i5', 'not-a-title', 'i6'] }), JSON.stringify({ user: 'b', items: ['nope-1', 'nope-2'] })].join('\n') + '\n',
    );
    await writeFile(join(workDir, 'known.jsonl'), JSON.stringify({ user: 'a', items: ['i5', 'i6'] }) + '\n');
    const withUnknown = await ondeckOk('recommend', '--model', 'model', '--input', 'unknown.jsonl', '--count', '5');
    const knownOnly = await ondeckOk('recommend', '--model', 'model', '--input', 'known.jsonl', '--count', '5');
    expect(withUnknown.stderr).toMatch(/3 unknown item ids ignored/);
    const [userA, userB] = parseJsonl(withUnknown.stdout);
    // The unknown id changes nothing: same answer as without it.
    expect(userA).toEqual(parseJsonl(knownOnly.stdout)[0]);
    // A viewer with nothing known still gets recommendations (popular titles).
    expect(userB.user).toBe('b');
    expect(userB.items).toHaveLength(5);
  });

  it('skips malformed input lines naming file:line, and fails on them under --strict', async () => {
    await writeFile(
      join(workDir, 'messy.jsonl'),
      [
        JSON.stringify({ user: 'ok-1', items: ['i1'] }),
        '{not json',
        JSON.stringify({ user: 'bad-weights', items: ['i1', 'i2'], weights: [1] }),
        JSON.stringify({ user: 'ok-2', items: ['i2'] }),
      ].join('\n') + '\n',
    );
    const lenient = await ondeckOk('recommend', '--model', 'model', '--input', 'messy.jsonl');
    expect(lenient.stderr).toMatch(/messy\.jsonl:2: /);
    expect(lenient.stderr).toMatch(/messy\.jsonl:3: /);
    expect(lenient.stderr).toMatch(/2 lines skipped/);
    expect(parseJsonl(lenient.stdout).map((line) => line.user)).toEqual(['ok-1', 'ok-2']);

    const strict = await ondeck('recommend', '--model', 'model', '--input', 'messy.jsonl', '--strict');
    expect(strict.code).toBe(1);
    expectCleanFailure(strict, 'malformed-input');
    expect(strict.stderr).toMatch(/line 2/);
  });

  it('skips malformed lines of a JSONL dataset naming file:line, and exits 1 under --strict', async () => {
    const lines: string[] = [];
    for (let u = 0; u < 12; u++) for (let i = 0; i < 6; i++) lines.push(JSON.stringify({ user: `u${u}`, item: `t${(u + i) % 10}`, weight: 1 }));
    lines.splice(4, 0, '{"user": "u1", "item": ');
    await mkdir(join(workDir, 'jsonl'), { recursive: true });
    await writeFile(join(workDir, 'jsonl', 'events.jsonl'), lines.join('\n') + '\n');
    const lenient = await ondeckOk('train', '--data', 'jsonl/events.jsonl', '--out', 'jsonl-checkpoint', '--epochs', '2', '--factors', '4', '--threads', '1');
    expect(lenient.stderr).toMatch(/events\.jsonl:5: /);
    expect(lenient.stderr).toMatch(/1 skipped/);

    const strict = await ondeck('train', '--data', 'jsonl/events.jsonl', '--out', 'jsonl-strict', '--epochs', '2', '--factors', '4', '--threads', '1', '--strict');
    expect(strict.code).toBe(1);
    expectCleanFailure(strict, 'malformed-input');
    expect(strict.stderr).toMatch(/line 5/);
  });
});

describe('ondeck eval', () => {
  /** One fold and a tiny iALS: every model's row, in about a second. */
  const quickRun = ['--max-folds', '1', '--epochs', '3', '--factors', '8', '--threads', '1'];

  it('writes the comparison as JSON and the Recall@K chart as SVG', async () => {
    const result = await ondeckOk('eval', '--data', 'data', '--models', 'popularity,itemknn,ials', ...quickRun, '--out', 'r.json', '--chart', 'c.svg', '--quiet');
    const names = ['Popularity', 'ItemKNN', 'iALS float', 'Hybrid (iALS + content)', 'iALS int8 on-device'];
    const report = JSON.parse(await readFile(join(workDir, 'r.json'), 'utf8')) as { results: { name: string; users: number; recallAt20: number; recallCurve: unknown[] }[] };
    expect(report.results.map((row) => row.name)).toEqual(names);
    const users = report.results[0].users;
    expect(users).toBeGreaterThan(10);
    for (const row of report.results) {
      expect(row.users).toBe(users);
      expect(row.recallAt20).toBeGreaterThan(0);
      expect(row.recallCurve.length).toBeGreaterThan(0);
    }
    // The Markdown table goes to stdout.
    for (const name of names) expect(result.stdout).toContain(name);
    const svg = await readFile(join(workDir, 'c.svg'), 'utf8');
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const name of ['Popularity', 'ItemKNN', 'iALS float']) expect(svg).toContain(name);
  });

  it('--protocol short-3 folds in each viewer first 3 titles in time, and counts the viewers too small to test', async () => {
    const result = await ondeckOk('eval', '--data', 'data', '--protocol', 'short-3', '--models', 'popularity,itemknn,ease,ials', ...quickRun, '--out', 'short.json', '--quiet');
    const names = ['Popularity', 'ItemKNN', 'EASE', 'iALS float', 'Hybrid (iALS + content)', 'iALS int8 on-device'];
    const report = JSON.parse(await readFile(join(workDir, 'short.json'), 'utf8')) as {
      protocol: { name: string };
      skippedUsers: number;
      results: { name: string; users: number; recallAt20: number }[];
    };
    expect(report.protocol).toEqual({ name: 'short-3' });
    expect(report.results.map((row) => row.name)).toEqual(names);
    // Counted from events.csv itself: viewers with fewer than 5 titles (minPositives) are skipped.
    const titlesOfUser = new Map<string, number>();
    for (const line of (await readFile(join(workDir, 'data', 'events.csv'), 'utf8')).trim().split('\n').slice(1)) {
      const user = line.split(',')[0];
      titlesOfUser.set(user, (titlesOfUser.get(user) ?? 0) + 1);
    }
    const small = [...titlesOfUser.values()].filter((titles) => titles < 5).length;
    expect(small).toBeGreaterThan(0);
    expect(report.skippedUsers).toBe(small);
    // One fold of five holds out a fifth of the others.
    expect(report.results[0].users).toBeGreaterThanOrEqual(Math.floor((titlesOfUser.size - small) / 5));
    expect(report.results[0].users).toBeLessThanOrEqual(Math.ceil((titlesOfUser.size - small) / 5));
    for (const row of report.results) expect(row.recallAt20).toBeGreaterThan(0);
    expect(result.stdout).toContain(`Protocol short-3: each held-out viewer's first 3 titles in time folded in, the rest is the truth; ${small} users skipped`);
    for (const name of names) expect(result.stdout).toContain(name);
    expect(result.stdout).not.toContain('EASE recency');
    // The cold-start table belongs to the random protocol.
    expect(result.stdout).not.toContain('Cold-start');
  });

  it('--protocol temporal adds the recency-weighted EASE row, with the --half-life given', async () => {
    const result = await ondeckOk(
      'eval',
      '--data',
      'data',
      '--protocol',
      'temporal',
      '--half-life',
      '10',
      '--models',
      'ease',
      '--max-folds',
      '1',
      '--out',
      'temporal.json',
      '--quiet',
    );
    const report = JSON.parse(await readFile(join(workDir, 'temporal.json'), 'utf8')) as { protocol: unknown; results: { name: string }[] };
    expect(report.protocol).toEqual({ name: 'temporal', recencyHalfLife: 10 });
    expect(report.results.map((row) => row.name)).toEqual(['EASE', 'EASE recency (half-life 10)']);
    expect(result.stdout).toContain('Protocol temporal:');
  });

  it('refuses a temporal protocol on data without timestamps, naming the data, and an unknown protocol', async () => {
    await writeFile(join(workDir, 'untimed.csv'), ['user,item', ...Array.from({ length: 60 }, (_, k) => `u${k % 6},i${k % 10}`)].join('\n') + '\n');
    for (const protocol of ['temporal', 'short-3']) {
      const refused = await ondeck('eval', '--data', 'untimed.csv', '--protocol', protocol, '--models', 'popularity', '--quiet');
      expectCleanFailure(refused, 'missing-timestamps');
      expect(refused.stderr).toContain('untimed.csv has no timestamps');
      expect(refused.stderr).toContain(`the ${protocol} protocol`);
    }
    expectCleanFailure(await ondeck('eval', '--data', 'data', '--protocol', 'short-0', '--quiet'), 'invalid-argument');
    expectCleanFailure(await ondeck('eval', '--data', 'data', '--protocol', 'temporal', '--half-life', '0', '--quiet'), 'invalid-argument');
  });
});

describe('ondeck import', () => {
  it('packages a .npy factor table with an ids file into a model recommend can use', async () => {
    // Two planted blocks along different axes: a history inside block A must be answered with A.
    const ids = Array.from({ length: 20 }, (_, i) => (i < 10 ? `a${i}` : `b${i - 10}`));
    const stored: number[] = [];
    ids.forEach((_, i) => {
      const jitter = ((i * 37) % 11) / 100;
      stored.push(...(i < 10 ? [1 + jitter, 0.05, -jitter, 0] : [0.05, 1 + jitter, 0, jitter]));
    });
    await writeFile(join(workDir, 'item_factors.npy'), npyBytes({ descr: '<f4', shape: [20, 4], stored }));
    await writeFile(join(workDir, 'item_ids.txt'), ids.join('\n') + '\n');
    await ondeckOk('import', '--factors', 'item_factors.npy', '--ids', 'item_ids.txt', '--out', 'imported', '--clusters', '2', '--quiet');

    const manifest = JSON.parse(await readFile(join(workDir, 'imported', 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ dims: 4, itemCount: 20, training: { algorithm: 'imported' } });

    await writeFile(
      join(workDir, 'import-histories.jsonl'),
      [JSON.stringify({ user: 'fan-a', items: ['a0', 'a1', 'a2'] }), JSON.stringify({ user: 'fan-b', items: ['b3'] })].join('\n') + '\n',
    );
    for (const backend of ['js', 'wasm']) {
      const result = await ondeckOk('recommend', '--model', 'imported', '--input', 'import-histories.jsonl', '--count', '5', '--backend', backend);
      const [fanA, fanB] = parseJsonl(result.stdout);
      expect(fanA.items).toHaveLength(5);
      for (const item of fanA.items) expect(item).toMatch(/^a[3-9]$/);
      for (const item of fanB.items) expect(item).toMatch(/^b(?!3$)\d$/);
    }
  });
});

describe('ondeck train --warm-start', () => {
  it('bumps modelVersion and keeps the lineage of the previous checkpoint', async () => {
    const first = JSON.parse(await readFile(join(workDir, 'model', 'model.json'), 'utf8')) as { modelVersion: number; lineageId: string };
    await ondeckOk('train', '--data', 'data', '--warm-start', 'checkpoint', '--out', 'checkpoint-2', '--epochs', '2', '--factors', '12', '--threads', '1', '--quiet');
    await ondeckOk('export', '--checkpoint', 'checkpoint-2', '--out', 'model-2', '--clusters', '4', '--quiet');
    const second = JSON.parse(await readFile(join(workDir, 'model-2', 'model.json'), 'utf8')) as { modelVersion: number; lineageId: string };
    expect(first.modelVersion).toBe(1);
    expect(second.modelVersion).toBe(2);
    expect(second.lineageId).toBe(first.lineageId);

    // A cold retrain starts a new lineage.
    await ondeckOk('train', '--data', 'data', '--out', 'checkpoint-cold', '--epochs', '1', '--factors', '12', '--threads', '1', '--quiet');
    await ondeckOk('export', '--checkpoint', 'checkpoint-cold', '--out', 'model-cold', '--clusters', '4', '--quiet');
    const cold = JSON.parse(await readFile(join(workDir, 'model-cold', 'model.json'), 'utf8')) as { modelVersion: number; lineageId: string };
    expect(cold.modelVersion).toBe(1);
    expect(cold.lineageId).not.toBe(first.lineageId);
  });
});

describe('ondeck never replaces what it did not write', () => {
  /** Every file under `directory` with its content, to prove a refused command touched nothing. */
  async function snapshotOf(directory: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const name of (await readdir(directory)).sort()) files[name] = await readFile(join(directory, name), 'utf8');
    return files;
  }

  it('train --out the dataset it reads: refused before training, the dataset intact', async () => {
    await ondeckOk('synth', '--out', 'own-data', '--items', '60', '--users', '40', '--seed', '3', '--quiet');
    const before = await snapshotOf(join(workDir, 'own-data'));
    const result = await ondeck('train', '--data', 'own-data', '--out', 'own-data', '--epochs', '1', '--factors', '4', '--threads', '1', '--quiet');
    expectCleanFailure(result, 'invalid-argument');
    expect(result.stderr).toMatch(/own-data.*events\.csv/);
    expect(await snapshotOf(join(workDir, 'own-data'))).toEqual(before);
    expect(await readdir(workDir)).not.toContainEqual(expect.stringMatching(/^\.own-data\./));
  });

  it('train --out an existing file: refused, the file intact', async () => {
    await writeFile(join(workDir, 'notes.txt'), 'keep me\n');
    expectCleanFailure(await ondeck('train', '--data', 'data', '--out', 'notes.txt', '--epochs', '1', '--factors', '4', '--threads', '1', '--quiet'), 'invalid-argument');
    expect(await readFile(join(workDir, 'notes.txt'), 'utf8')).toBe('keep me\n');
  });

  it('train --out a previous checkpoint replaces it', async () => {
    await ondeckOk('train', '--data', 'data', '--out', 'checkpoint-again', '--epochs', '1', '--factors', '4', '--threads', '1', '--quiet');
    await ondeckOk('train', '--data', 'data', '--out', 'checkpoint-again', '--epochs', '1', '--factors', '6', '--threads', '1', '--quiet');
    const checkpoint = JSON.parse(await readFile(join(workDir, 'checkpoint-again', 'checkpoint.json'), 'utf8')) as { hyper: { factors: number } };
    expect(checkpoint.hyper.factors).toBe(6);
  });

  it('export and import --out a dataset, a checkpoint or a file: refused, nothing touched', async () => {
    const data = await snapshotOf(join(workDir, 'data'));
    expectCleanFailure(await ondeck('export', '--checkpoint', 'checkpoint', '--out', 'data', '--quiet'), 'invalid-argument');
    expectCleanFailure(await ondeck('export', '--checkpoint', 'checkpoint', '--out', 'checkpoint', '--quiet'), 'invalid-argument');
    expect(await snapshotOf(join(workDir, 'data'))).toEqual(data);
    expect(await readdir(join(workDir, 'checkpoint'))).toContain('checkpoint.json');
    // A model directory someone added a file to is no longer only ondeck's to replace.
    await ondeckOk('export', '--checkpoint', 'checkpoint', '--out', 'annotated-model', '--clusters', '2', '--quiet');
    await writeFile(join(workDir, 'annotated-model', 'NOTES.md'), 'why this model\n');
    expectCleanFailure(await ondeck('export', '--checkpoint', 'checkpoint', '--out', 'annotated-model', '--quiet'), 'invalid-argument');
    expect(await readFile(join(workDir, 'annotated-model', 'NOTES.md'), 'utf8')).toBe('why this model\n');

    await writeFile(join(workDir, 'refused.npy'), npyBytes({ descr: '<f4', shape: [2, 2], stored: [1, 0, 0, 1] }));
    await writeFile(join(workDir, 'refused-ids.txt'), 'x\ny\n');
    expectCleanFailure(
      await ondeck('import', '--factors', 'refused.npy', '--ids', 'refused-ids.txt', '--out', 'refused-ids.txt', '--clusters', '1', '--quiet'),
      'invalid-argument',
    );
    expectCleanFailure(await ondeck('import', '--factors', 'refused.npy', '--ids', 'refused-ids.txt', '--out', 'data', '--clusters', '1', '--quiet'), 'invalid-argument');
    expect(await readFile(join(workDir, 'refused-ids.txt'), 'utf8')).toBe('x\ny\n');
    expect(await snapshotOf(join(workDir, 'data'))).toEqual(data);
  });

  it('synth --out a file or a model: refused with a typed error, nothing touched', async () => {
    await writeFile(join(workDir, 'keep.csv'), 'a,b\n');
    expectCleanFailure(await ondeck('synth', '--out', 'keep.csv', '--items', '20', '--users', '10', '--quiet'), 'invalid-argument');
    expect(await readFile(join(workDir, 'keep.csv'), 'utf8')).toBe('a,b\n');
    expectCleanFailure(await ondeck('synth', '--out', 'model', '--items', '20', '--users', '10', '--quiet'), 'invalid-argument');
    expect(await readdir(join(workDir, 'model'))).toContain('model.json');
  });
});

describe('ondeck error paths', () => {
  it('a missing --data path', async () => {
    expectCleanFailure(await ondeck('train', '--data', 'does-not-exist', '--out', 'x'), 'file-not-found');
  });

  it('a directory in no known format', async () => {
    await mkdir(join(workDir, 'mystery'), { recursive: true });
    await writeFile(join(workDir, 'mystery', 'notes-7f3a.txt'), 'hello\nworld\n');
    expectCleanFailure(await ondeck('train', '--data', 'mystery', '--out', 'x'), 'unknown-format');
  });

  it('--count abc', async () => {
    await writeFile(join(workDir, 'one.jsonl'), JSON.stringify({ user: 'a', items: ['i1'] }) + '\n');
    const result = await ondeck('recommend', '--model', 'model', '--input', 'one.jsonl', '--count', 'abc');
    expectCleanFailure(result, 'invalid-argument');
    expect(result.stderr).toContain('--count');
  });

  it('--factors 0', async () => {
    const result = await ondeck('train', '--data', 'data', '--out', 'x', '--factors', '0');
    expectCleanFailure(result, 'invalid-argument');
    expect(result.stderr).toContain('--factors');
  });

  it('a model whose model.json has formatVersion 99', async () => {
    await mkdir(join(workDir, 'future-model'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(workDir, 'model', 'model.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(workDir, 'future-model', 'model.json'), JSON.stringify({ ...manifest, formatVersion: 99 }));
    await writeFile(join(workDir, 'one.jsonl'), JSON.stringify({ user: 'a', items: ['i1'] }) + '\n');
    const result = await ondeck('recommend', '--model', 'future-model', '--input', 'one.jsonl');
    expectCleanFailure(result, 'model-version-mismatch');
    expect(result.stderr).toContain('99');
  });

  it('an events.csv with only a header', async () => {
    await mkdir(join(workDir, 'empty-data'), { recursive: true });
    await writeFile(join(workDir, 'empty-data', 'events.csv'), 'user,item,weight\n');
    expectCleanFailure(await ondeck('train', '--data', 'empty-data', '--out', 'x'), 'empty-data');
  });

  it('an unknown --models name and an unknown backend', async () => {
    expectCleanFailure(await ondeck('eval', '--data', 'data', '--models', 'popularity,magic', '--quiet'), 'invalid-argument');
    await writeFile(join(workDir, 'one.jsonl'), JSON.stringify({ user: 'a', items: ['i1'] }) + '\n');
    expectCleanFailure(await ondeck('recommend', '--model', 'model', '--input', 'one.jsonl', '--backend', 'gpu9000'), 'invalid-argument');
  });

  it('a missing required option exits non-zero without a stack trace', async () => {
    const result = await ondeck('train', '--out', 'x');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--data');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('ondeck --help', () => {
  it('lists every command', async () => {
    const result = await ondeckOk('--help');
    for (const command of ['synth', 'train', 'tune', 'eval', 'export', 'import', 'recommend']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });
});
