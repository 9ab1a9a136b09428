/**
 * Training-speed benchmark of implicit ALS (`npm run bench:train [-- --events N]`): a synthetic
 * viewing log of 10M events by default (`generateSyntheticDataset`, repeats summed into
 * entries), 2 epochs at 32, 64 and 128 factors on 2 threads with the default (wasm) kernel, plus
 * one epoch of the TypeScript kernel at 64 factors as the in-run baseline. Prints a table and,
 * as its last line, one JSON object. Options: `--events N` (default 10,000,000), `--threads N`
 * (default 2), `--epochs N` (default 2), `--no-baseline` (skip the TypeScript-kernel epoch).
 */
import { cpus, loadavg } from 'node:os';
import { Command } from 'commander';
import { numberArgParser } from '../cli/parseOptionValues';
import { trainAls, type TrainAlsOptions } from '../../models/node/als/trainAls';
import { generateSyntheticDataset } from '../../models/data/synth';
import { median } from './statistics';

interface BenchRow {
  readonly factors: number;
  readonly kernel: string;
  readonly threads: number;
  readonly epochs: number;
  readonly secondsPerEpoch: number;
  readonly epochSeconds: readonly number[];
  readonly peakRssMb: number;
}

const positiveInteger = numberArgParser({ min: 1, integer: true });
// commander reads `--no-baseline` as the negation of `baseline`, which defaults to true.
const flags = new Command()
  .name('trainingSpeed')
  .description('seconds per epoch of implicit ALS on a synthetic viewing log, wasm kernel against the TypeScript one')
  .option('--events <n>', 'events in the synthetic viewing log', positiveInteger, 10_000_000)
  .option('--threads <n>', 'training threads', positiveInteger, 2)
  .option('--epochs <n>', 'epochs timed at each factor count', positiveInteger, 2)
  .option('--no-baseline', 'skip the one-epoch TypeScript-kernel baseline at 64 factors')
  .parse()
  .opts<{ events: number; threads: number; epochs: number; baseline: boolean }>();
const { events, threads, epochs } = flags;
const skipBaseline = !flags.baseline;
// Built next to dist/alsThreadWorker.js (dist/bench/trainingSpeed.js).
const workerScript = new URL('../alsThreadWorker.js', import.meta.url);

const megabytes = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** Trains once while sampling the process RSS (worker threads included) every 20 ms. */
async function run(options: TrainAlsOptions & { hyper: { factors: number } }): Promise<BenchRow> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  let kernel = '?';
  try {
    const model = await trainAls(matrix, { ...options, onEpoch: (progress) => (kernel = progress.kernel) });
    return {
      factors: options.hyper.factors,
      kernel,
      threads: options.threads ?? 1,
      epochs: model.epochs,
      secondsPerEpoch: median(model.epochSeconds),
      epochSeconds: model.epochSeconds,
      peakRssMb: megabytes(Math.max(peak, process.memoryUsage.rss())),
    };
  } finally {
    clearInterval(sampler);
  }
}

const generationStarted = performance.now();
// TV-like viewing log: 40 events per viewer on average, Zipf popularity, planted taste clusters.
const matrix = generateSyntheticDataset({
  totalEvents: events,
  users: Math.max(1, Math.round(events / 40)),
  items: Math.min(50_000, Math.max(100, Math.round(events / 200))),
  seed: 1,
}).interactions;
const generationSeconds = (performance.now() - generationStarted) / 1000;
console.log(
  `data: ${events} events → ${matrix.indices.length} entries, ${matrix.userIds.length} users, ${matrix.itemIds.length} items ` +
    `(generated in ${generationSeconds.toFixed(1)} s); ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);

const rows: BenchRow[] = [];
for (const factors of [32, 64, 128]) {
  rows.push(await run({ hyper: { factors }, epochs, threads, workerScript }));
}
const baseline = skipBaseline ? undefined : await run({ hyper: { factors: 64 }, epochs: 1, threads, workerScript, kernel: 'js' });

const table = [['factors', 'kernel', 'threads', 's/epoch (median)', 'epochs (s)', 'peak RSS MB']];
for (const row of baseline ? [...rows, baseline] : rows) {
  table.push([
    String(row.factors),
    row.kernel,
    String(row.threads),
    row.secondsPerEpoch.toFixed(2),
    row.epochSeconds.map((s) => s.toFixed(2)).join(' '),
    String(row.peakRssMb),
  ]);
}
const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
for (const line of table) console.log(line.map((cell, column) => cell.padStart(widths[column])).join(' | '));

const at64 = rows.find((row) => row.factors === 64);
const speedUp = baseline && at64 ? baseline.secondsPerEpoch / at64.secondsPerEpoch : undefined;
if (speedUp !== undefined) console.log(`speed-up of the default kernel over the TypeScript kernel at 64 factors: ${speedUp.toFixed(2)}×`);
console.log(
  JSON.stringify({
    benchmark: 'trainingSpeed',
    events,
    entries: matrix.indices.length,
    users: matrix.userIds.length,
    items: matrix.itemIds.length,
    threads,
    results: rows.map(({ factors, kernel, secondsPerEpoch, peakRssMb }) => ({ factors, kernel, secondsPerEpoch, peakRssMb })),
    baseline: baseline ? { factors: 64, kernel: baseline.kernel, secondsPerEpoch: baseline.secondsPerEpoch } : null,
    speedUp: speedUp ?? null,
    peakRssMb: megabytes(process.resourceUsage().maxRSS * 1024),
    loadAverage: loadavg()[0],
  }),
);
