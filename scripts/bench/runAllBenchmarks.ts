/**
 * `npm run bench`: every benchmark in one run, one report. Runs the training-speed, device and
 * sync benchmarks and `ondeck eval` (on `--data`, default the built-in synthetic catalog) as child
 * processes, keeps each one's printed tables and its last-line JSON, and writes bench/report.md
 * with the tables and SVG charts (Recall@K curves; latency against catalog size per engine).
 * Every figure in it was measured next to its baseline in the same run of its benchmark.
 *
 * Usage: `node dist/bench/runAllBenchmarks.js [--data PATH] [--quick] [--out DIR]` (`--quick`: the
 * quick variant of each benchmark, 2M training events, one evaluation fold. `--out`: where
 * report.md and the charts go, default bench/, with the raw outputs in its out/.)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { drawLineChart } from '../../models/evaluation/drawLineChart';

interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly output: string;
  readonly json?: Record<string, unknown>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const values = new Command()
    .name('runAllBenchmarks')
    .description('run every benchmark and ondeck eval, and write one report (bench/report.md)')
    .option('--data <path>', 'interaction log for the quality run (default: a built-in synthetic catalog)')
    .option('--quick', 'the quick variant of each benchmark, 2M training events, one evaluation fold')
    .option('--out <dir>', 'where report.md and the charts go (default: bench/), raw outputs in its out/')
    .parse()
    .opts<{ data?: string; quick?: boolean; out?: string }>();
  const outDirectory = resolve(values.out ?? join(root, 'bench'));
  const scratch = join(outDirectory, 'out');
  await mkdir(scratch, { recursive: true });
  const cli = join(root, 'dist/cli.js');
  const quick = values.quick ? ['--quick'] : [];

  let data = values.data ? resolve(values.data) : join(scratch, 'synthetic');
  const steps: StepResult[] = [];
  if (!values.data) {
    steps.push(await run('synthetic catalog', process.execPath, [cli, 'synth', '--out', data, '--items', '5000', '--users', '3000', '--quiet']));
  }
  steps.push(await run('training speed', process.execPath, [join(root, 'dist/bench/trainingSpeed.js'), ...(values.quick ? ['--events', '2000000'] : [])]));
  if (existsSync(join(root, 'dist/bench/deviceBenchmark.js'))) steps.push(await run('device', process.execPath, [join(root, 'dist/bench/deviceBenchmark.js'), ...quick]));
  if (existsSync(join(root, 'dist/bench/syncBenchmark.js'))) steps.push(await run('sync', process.execPath, [join(root, 'dist/bench/syncBenchmark.js'), ...quick]));
  const evalJson = join(scratch, 'eval.json');
  const recallSvg = join(outDirectory, 'recall.svg');
  steps.push(await run('quality (ondeck eval)', process.execPath, [cli, 'eval', '--data', data, '--out', evalJson, '--chart', recallSvg, '--quiet', ...(values.quick ? ['--max-folds', '1'] : [])]));

  const sections: string[] = [];
  sections.push('# ondeck benchmark report\n');
  sections.push(`Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}. This machine is shared: medians of repeated runs, every figure next to its in-run baseline.\n`);
  sections.push(`Data for the quality run: \`${values.data ?? 'built-in synthetic catalog (5,000 titles, 3,000 viewers)'}\`.\n`);
  for (const step of steps) {
    sections.push(`## ${step.name} ${step.ok ? '' : '(FAILED)'}\n\n\`\`\`\n${step.output.trim()}\n\`\`\`\n(${step.seconds.toFixed(0)} s)\n`);
  }
  if (existsSync(recallSvg)) sections.push('![Recall@K curves](recall.svg)\n');
  const device = steps.find((step) => step.name === 'device')?.json;
  const scaling = device ? extractScaling(device) : [];
  if (scaling.length > 0) {
    await writeFile(join(outDirectory, 'latency.svg'), drawLineChart(scaling, { title: 'recommend() p50 latency vs catalog size', xLabel: 'items', yLabel: 'ms', integerX: true }));
    sections.push('![Latency against catalog size](latency.svg)\n');
  }
  await writeFile(join(outDirectory, 'report.md'), sections.join('\n'));

  process.stdout.write('\n== summary ==\n');
  for (const step of steps) process.stdout.write(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name} (${step.seconds.toFixed(0)} s)\n`);
  const evaluation = existsSync(evalJson) ? (JSON.parse(await readFile(evalJson, 'utf8')) as { results: { name: string; ndcgAt100: number }[] }) : undefined;
  for (const row of evaluation?.results ?? []) process.stdout.write(`  ${row.name.padEnd(24)} NDCG@100 ${row.ndcgAt100.toFixed(4)}\n`);
  process.stdout.write(`report: ${join(outDirectory, 'report.md')}\n`);
  const summary = Object.fromEntries(steps.map((step) => [step.name, step.json ?? { ok: step.ok }]));
  process.stdout.write(JSON.stringify({ benchmark: 'all', ok: steps.every((step) => step.ok), results: summary }) + '\n');
  if (!steps.every((step) => step.ok)) process.exitCode = 1;
}

/** Runs one benchmark, echoing its output, and parses its last line as JSON when it is JSON. */
function run(name: string, command: string, args: string[]): Promise<StepResult> {
  process.stdout.write(`\n== ${name} ==\n`);
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (code) => {
      const lines = output.trim().split('\n');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
        lines.pop();
      } catch {
        json = undefined;
      }
      resolvePromise({ name, ok: code === 0, seconds: (performance.now() - started) / 1000, output: lines.join('\n'), json });
    });
  });
}

/** Latency series by engine/backend from the device benchmark's `scaling` entries, if present. */
function extractScaling(device: Record<string, unknown>): { name: string; points: { x: number; y: number }[] }[] {
  const scaling = device.scaling as { items: number; [series: string]: number }[] | undefined;
  if (!Array.isArray(scaling)) return [];
  const names = [...new Set(scaling.flatMap((row) => Object.keys(row).filter((key) => key !== 'items' && typeof row[key] === 'number')))];
  // 'chromiumWasmP50Ms' → 'chromium wasm': the legend speaks of engines and backends, not JSON keys.
  const label = (key: string): string => key.replace(/P50Ms$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return names.map((name) => ({ name: label(name), points: scaling.filter((row) => typeof row[name] === 'number').map((row) => ({ x: row.items, y: row[name] })) }));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
