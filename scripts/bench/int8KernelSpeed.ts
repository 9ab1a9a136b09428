/**
 * Node micro-benchmark of the int8 top-K kernels (issue 16): the `js` backend's screened kernel
 * against the WebAssembly kernel's MVP and SIMD builds, on one thread, at 100k × 64, top-20 with
 * 50 exclusions by default. Every query runs on every kernel in turn (so a slower moment of the
 * machine hits all of them alike) and every answer is checked identical to `js`'s, bit for bit.
 * A plain read of the same table (an Int32Array sum, one thread) stands for the streaming bound.
 * Prints a table and, as its last line, one JSON object. Build and run:
 * `node scripts/build.mjs && node dist/bench/int8KernelSpeed.js [--rows N --dims N --count N --queries N]`.
 */
import { Command } from 'commander';
import { quantizeRows, type QuantizedFactors } from '../../models/quantize';
import { SeededRandom } from '../../models/random';
import { createJsInt8Backend } from '../../models/scoring/createJsInt8Backend';
import { createWasmInt8Backend } from '../../models/scoring/createWasmInt8Backend';
import type { TopKResult } from '../../models/scoring/ScoringBackend';
import { numberArgParser } from '../cli/parseOptionValues';
import { median, percentile, round } from './statistics';

const positiveInteger = numberArgParser({ min: 1, integer: true });
const flags = new Command()
  .name('int8KernelSpeed')
  .description('ms per top-K query of the js int8 kernel against the WebAssembly MVP and SIMD builds, one thread')
  .option('--rows <n>', 'items in the table', positiveInteger, 100_000)
  .option('--dims <n>', 'dimensions', positiveInteger, 64)
  .option('--count <n>', 'top-K size', positiveInteger, 20)
  .option('--excluded <n>', 'excluded items per query', numberArgParser({ min: 0, integer: true }), 50)
  .option('--queries <n>', 'timed queries per kernel', positiveInteger, 300)
  .parse()
  .opts<{ rows: number; dims: number; count: number; excluded: number; queries: number }>();
const { rows, dims, count, excluded, queries } = flags;

interface Kernel {
  readonly name: string;
  readonly topK: (user: Float32Array, exclude: Int32Array) => Promise<TopKResult> | TopKResult;
  readonly times: number[];
}

const random = new SeededRandom(16);
const factors: QuantizedFactors = quantizeRows(
  Float32Array.from({ length: rows * dims }, () => random.nextGaussian()),
  rows,
  dims,
);
const users = Array.from({ length: 64 }, () => Float32Array.from({ length: dims }, () => random.nextGaussian()));
const exclusions = users.map(() => Int32Array.from({ length: excluded }, () => random.nextInt(rows)).sort());

const js = createJsInt8Backend();
await js.load({ factors });
js.prepare?.();
const mvp = await createWasmInt8Backend({ flavour: 'mvp' });
await mvp.load({ factors });
const simd = await createWasmInt8Backend({ flavour: 'simd' });
await simd.load({ factors });
// The bound every kernel is measured against: one pass reading the table, nothing computed.
const words = new Int32Array(factors.values.buffer, factors.values.byteOffset, factors.values.length >> 2);
let sink = 0;
const kernels: Kernel[] = [
  { name: 'js', topK: (user, exclude) => js.topK(user, count, exclude), times: [] },
  { name: 'wasm mvp', topK: (user, exclude) => mvp.topK(user, count, exclude), times: [] },
  { name: 'wasm simd', topK: (user, exclude) => simd.topK(user, count, exclude), times: [] },
  { name: 'read table', topK: () => readTable(words), times: [] },
];

const warmUp = 30;
let mismatches = 0;
for (let query = 0; query < warmUp + queries; query++) {
  const user = users[query % users.length];
  const exclude = exclusions[query % users.length];
  let reference: TopKResult | undefined;
  for (const kernel of kernels) {
    const start = performance.now();
    const result = await kernel.topK(user, exclude);
    const elapsed = performance.now() - start;
    if (query >= warmUp) kernel.times.push(elapsed);
    if (kernel.name === 'read table') continue;
    reference ??= result;
    if (!identical(result, reference)) mismatches++;
  }
}

/**
 * Sums the table as int32 words: a function of its own with everything in locals, so V8 compiles
 * it to a tight loop (the same loop inline in a closure over module variables ran 1.5× slower here).
 */
function readTable(table: Int32Array): TopKResult {
  let sum = 0;
  for (let i = 0; i < table.length; i++) sum = (sum + table[i]) | 0;
  // Kept, so the reads cannot be optimised away.
  sink ^= sum;
  return { indices: new Int32Array(0), scores: new Float32Array(0) };
}

function identical(a: TopKResult, b: TopKResult): boolean {
  if (a.indices.length !== b.indices.length) return false;
  const aBits = new Uint32Array(a.scores.buffer, a.scores.byteOffset, a.scores.length);
  const bBits = new Uint32Array(b.scores.buffer, b.scores.byteOffset, b.scores.length);
  return a.indices.every((index, i) => index === b.indices[i] && aBits[i] === bBits[i]);
}

const jsMedian = median(kernels[0].times);
console.log(`int8 top-${count} of ${rows} × ${dims}, ${excluded} excluded, ${queries} queries per kernel, one thread, Node ${process.versions.node}`);
console.log('kernel       p50 ms   p90 ms   × js');
for (const kernel of kernels) {
  const p50 = median(kernel.times);
  console.log(`${kernel.name.padEnd(11)} ${p50.toFixed(3).padStart(7)}  ${percentile(kernel.times, 0.9).toFixed(3).padStart(7)}  ${(jsMedian / p50).toFixed(2).padStart(5)}`);
}
console.log(`answers differing from js: ${mismatches}`);
const summary = Object.fromEntries(kernels.map((kernel) => [kernel.name.replace(/ (.)/, (_, letter: string) => letter.toUpperCase()), { p50Ms: round(median(kernel.times), 3), p90Ms: round(percentile(kernel.times, 0.9), 3) }]));
console.log(JSON.stringify({ rows, dims, count, excluded, queries, node: process.versions.node, mismatches, ...summary }));
if (mismatches > 0) process.exitCode = 1;
