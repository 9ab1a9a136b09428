// Hostile CLI input (issue 12, finding 6), run through the bundled CLI (dist/cli.js) as a user
// would: one bad `recommend` line costs that line, not the batch, and never leaves a partial
// --output file; non-UTF-8 lines are counted, not dropped silently; a line with no end (tens of
// MB without a newline) is refused with a typed error while streaming.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOndeckCli, type CliRun } from '../../support/runOndeckCli';

let workDir: string;

/** Runs `ondeck …args` in the test's temp directory (see runOndeckCli). */
function ondeck(...args: string[]): Promise<CliRun> {
  return runOndeckCli(args, { cwd: workDir });
}

async function ondeckOk(...args: string[]): Promise<CliRun> {
  const result = await ondeck(...args);
  expect(result.code, `ondeck ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

function usersOf(jsonl: string): string[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { user: string }).user);
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-cli-input-'));
  await ondeckOk('synth', '--out', 'data', '--items', '150', '--users', '250', '--events-per-user', '15', '--clusters', '4', '--seed', '5', '--quiet');
  await ondeckOk('train', '--data', 'data', '--out', 'checkpoint', '--epochs', '3', '--factors', '8', '--threads', '1', '--quiet');
  await ondeckOk('export', '--checkpoint', 'checkpoint', '--out', 'model', '--clusters', '4', '--quiet');
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ondeck recommend with one unscorable line', () => {
  const lines = [
    JSON.stringify({ user: 'ok-1', items: ['i1'] }),
    JSON.stringify({ user: 'huge-weight', items: ['i1', 'i2'], weights: [1e20, 1] }),
    JSON.stringify({ user: 'ok-2', items: ['i3'] }),
  ];

  it('skips it with a file:line warning, counts it, and writes the rest of the batch', async () => {
    await writeFile(join(workDir, 'huge.jsonl'), lines.join('\n') + '\n');
    const result = await ondeckOk('recommend', '--model', 'model', '--input', 'huge.jsonl', '--output', 'huge-out.jsonl');
    expect(result.stderr).toMatch(/huge\.jsonl:2: /);
    expect(result.stderr).toMatch(/recommended for 2 users .*\(1 lines skipped/);
    expect(usersOf(await readFile(join(workDir, 'huge-out.jsonl'), 'utf8'))).toEqual(['ok-1', 'ok-2']);
  });

  it('fails under --strict with a typed error naming the line, leaving no --output file behind', async () => {
    await writeFile(join(workDir, 'huge.jsonl'), lines.join('\n') + '\n');
    const result = await ondeck('recommend', '--model', 'model', '--input', 'huge.jsonl', '--output', 'strict-out.jsonl', '--strict');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ondeck: .*line 2.* \[malformed-input\]$/m);
    // Neither a partial output nor its temporary file.
    expect((await readdir(workDir)).filter((name) => name.includes('strict-out'))).toEqual([]);
  });
});

describe('ondeck recommend with non-UTF-8 lines', () => {
  it('skips and counts them with a file:line warning', async () => {
    const input = Buffer.concat([
      Buffer.from(JSON.stringify({ user: 'ok-1', items: ['i1'] }) + '\n'),
      Buffer.from('{"user": "latin-', 'utf8'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('", "items": ["i2"]}\n'),
      Buffer.from(JSON.stringify({ user: 'ok-2', items: ['i3'] }) + '\n'),
    ]);
    await writeFile(join(workDir, 'latin.jsonl'), input);
    const result = await ondeckOk('recommend', '--model', 'model', '--input', 'latin.jsonl');
    expect(result.stderr).toMatch(/latin\.jsonl:2: .*UTF-8/);
    expect(result.stderr).toMatch(/\(1 lines skipped/);
    expect(usersOf(result.stdout)).toEqual(['ok-1', 'ok-2']);

    const strict = await ondeck('recommend', '--model', 'model', '--input', 'latin.jsonl', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^ondeck: .*line 2.* \[invalid-encoding\]$/m);
  });
});

describe('ondeck recommend with a line longer than the maximum', () => {
  it('refuses it with malformed-input as soon as the maximum is passed, without reading the rest', async () => {
    // A named pipe fed from this process: the input never exists on disk, and how much of it the
    // CLI consumed before giving up shows that it refused the line while streaming.
    const fifo = join(workDir, 'endless.jsonl');
    execFileSync('mkfifo', [fifo]);
    const total = 48 << 20;
    const piece = Buffer.alloc(1 << 20, 'x');
    const writer = createWriteStream(fifo);
    let written = 0;
    const fed = (async () => {
      writer.on('error', () => undefined); // EPIPE once the CLI stops reading: expected.
      writer.write('{"user": "u", "items": ["');
      while (written < total && !writer.destroyed) {
        written += piece.length;
        if (!writer.write(piece))
          await new Promise((resolve) => {
            writer.once('drain', resolve);
            writer.once('close', resolve);
          });
      }
      writer.destroy();
    })();
    const result = await ondeck('recommend', '--model', 'model', '--input', 'endless.jsonl');
    writer.destroy();
    await fed;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^ondeck: .*line 1.*longer than 16777216 bytes.* \[malformed-input\]$/m);
    // 16 MiB plus what the pipe and one chunk buffer, not the 48 MiB on offer.
    expect(written).toBeLessThan(24 << 20);
  });
});

describe('ondeck recommend with times (issue 15)', () => {
  it('skips a line whose times are not numbers or not one per item, naming the line; --strict fails on it', async () => {
    const lines = [
      JSON.stringify({ user: 'ok', items: ['i1', 'i2'], times: [1_700_000_000, 1_700_086_400] }),
      JSON.stringify({ user: 'text-time', items: ['i1', 'i2'], times: ['yesterday', 1_700_000_000] }),
      JSON.stringify({ user: 'short', items: ['i1', 'i2'], times: [1_700_000_000] }),
    ];
    await writeFile(join(workDir, 'times.jsonl'), lines.join('\n') + '\n');
    const result = await ondeckOk('recommend', '--model', 'model', '--input', 'times.jsonl', '--output', 'times-out.jsonl');
    expect(result.stderr).toMatch(/times\.jsonl:2: "times" must be an array of numbers/);
    expect(result.stderr).toMatch(/times\.jsonl:3: "times" has 1 entries for 2 items/);
    expect(usersOf(await readFile(join(workDir, 'times-out.jsonl'), 'utf8'))).toEqual(['ok']);
    const strict = await ondeck('recommend', '--model', 'model', '--input', 'times.jsonl', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^ondeck: .*line 2.*"times".* \[malformed-input\]$/m);
  });

  it('weights each title by its age as the device does: an old title counts as a lighter weight would', async () => {
    const day = 86_400;
    const now = 1_750_000_000;
    const items = ['i1', 'i2', 'i3', 'i4', 'i60', 'i61'];
    // Two titles a year old, four from today; with the device's 30-day half-life the old ones
    // weigh 2^(−365/30) ≈ 0.0002, which the same line with those weights must reproduce.
    const times = items.map((_, i) => (i >= 4 ? now - 365 * day : now));
    const weights = times.map((t) => 2 ** (-(now - t) / (30 * day)));
    await writeFile(
      join(workDir, 'aged.jsonl'),
      [JSON.stringify({ user: 'timed', items, times }), JSON.stringify({ user: 'weighted', items, weights }), JSON.stringify({ user: 'untimed', items })].join('\n') + '\n',
    );
    const result = await ondeckOk('recommend', '--model', 'model', '--input', 'aged.jsonl', '--count', '20');
    const [timed, weighted, untimed] = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { items: string[] }).items);
    expect(timed).toEqual(weighted);
    expect(timed).not.toEqual(untimed);
    // --now a half-life later halves every weight alike: a different fold-in, a valid ranking.
    const later = await ondeckOk('recommend', '--model', 'model', '--input', 'aged.jsonl', '--count', '20', '--now', String(now + 30 * day));
    expect(later.stdout.trim().split('\n')).toHaveLength(3);
  });
});
