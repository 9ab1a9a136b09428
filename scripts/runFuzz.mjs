#!/usr/bin/env node
// `npm run fuzz [-- --seconds N] [-- --seed S]`: runs the parser properties of
// test/fuzz/parserProperties.ts (the ones `npm test` runs seeded and short) for a bounded time
// with a random seed, the time split evenly across parsers. Prints per parser the inputs tried and
// the failures (seed, path and shrunk counterexample to replay them), then, as the last line, one
// JSON object. Exits 1 if any parser failed. Replay a failure with
// `fc.assert(property, { seed, path })`, or `npm run fuzz -- --seed S`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArguments(argv) {
  const options = { seconds: 60, seed: undefined, only: undefined, child: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (flag === '--seconds') options.seconds = Number(value);
    else if (flag === '--seed') options.seed = Number(value);
    else if (flag === '--only') options.only = value;
    else if (flag === '--child') {
      options.child = true;
      continue;
    } else throw new Error(`unknown argument ${flag} (expected --seconds N, --seed S, --only NAME)`);
    index++;
  }
  if (!(options.seconds > 0)) throw new Error('--seconds must be a positive number');
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error('--seed must be an integer');
  return options;
}

const options = parseArguments(process.argv.slice(2));
const seed = options.seed ?? (Math.random() * 2 ** 31) | 0;

// The properties are TypeScript: bundle them (dependencies stay external, resolved from the
// project's node_modules, so the bundle lives under it).
const outDirectory = join(root, 'node_modules', '.cache', 'ondeck-fuzz');
mkdirSync(outDirectory, { recursive: true });
const bundle = join(outDirectory, 'parserProperties.mjs');
if (!options.child)
  await build({
    entryPoints: [join(root, 'test', 'fuzz', 'parserProperties.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });

if (!options.child && options.only === undefined) {
  await runEachParserInAChild();
  process.exit(process.exitCode ?? 0);
}

/**
 * No timeout interrupts synchronous code: a parser stuck in a loop would stop the whole run. So
 * each parser is fuzzed in a child process, killed 30 s after its budget, which is then reported
 * as a hang with the last input it was given (file-based parsers record it).
 */
async function runEachParserInAChild() {
  const { createParserProperties } = await import(pathToFileURL(bundle).href);
  const listing = await createParserProperties();
  const names = listing.properties.map((entry) => entry.name);
  await listing.cleanup();
  const seconds = options.seconds / names.length;
  console.log(`fuzzing ${names.length} parsers for ${options.seconds} s (${Math.round(seconds * 1000)} ms each), seed ${seed}\n`);
  const results = [];
  for (const name of names) {
    const lastInput = join(outDirectory, `last-input-${process.pid}.json`);
    rmSync(lastInput, { force: true });
    const started = performance.now();
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--only', name, '--seconds', String(seconds), '--seed', String(seed)], {
      encoding: 'utf8',
      timeout: Math.round((seconds + 30) * 1000),
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, ONDECK_FUZZ_LAST_INPUT: lastInput },
    });
    const ms = Math.round(performance.now() - started);
    const lastLine = child.stdout.trim().split('\n').pop() ?? '';
    let result;
    try {
      result = JSON.parse(lastLine).parsers[0];
    } catch {
      const hung = child.signal !== null;
      result = {
        name,
        runs: undefined,
        failures: 1,
        ms,
        seed,
        error: hung ? `hang: killed after ${Math.round(ms / 1000)} s (${child.signal})` : `crash: exit ${child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' / ')}`,
        counterexample: existsSync(lastInput) ? `last input (file name → base64): ${readFileSync(lastInput, 'utf8')}` : '(not recorded for this parser)',
      };
    }
    rmSync(lastInput, { force: true });
    results.push(result);
    console.log(`${name.padEnd(24)} ${String(result.runs ?? '?').padStart(8)} inputs  ${result.failures ? 'FAILED' : 'ok'}`);
  }
  report(results);
}

function report(results) {
  console.log('\n| parser | inputs tried | failures | ms | rss MB |');
  console.log('|---|---:|---:|---:|---:|');
  for (const result of results) console.log(`| ${result.name} | ${result.runs ?? '?'} | ${result.failures} | ${result.ms} | ${result.rssMb ?? '?'} |`);
  const failed = results.filter((result) => result.failures > 0);
  for (const result of failed) {
    console.log(`\nFAILED ${result.name}: ${result.error}`);
    console.log(`  seed ${result.seed}${result.path ? `, path "${result.path}"` : ''}${result.shrinks !== undefined ? `, shrunk ${result.shrinks} times` : ''}`);
    console.log(`  counterexample: ${result.counterexample.length > 2000 ? result.counterexample.slice(0, 2000) + '…' : result.counterexample}`);
  }
  const totalRuns = results.reduce((sum, result) => sum + (result.runs ?? 0), 0);
  console.log(`\n${totalRuns} inputs, ${failed.length} of ${results.length} parsers failed`);
  console.log(JSON.stringify({ seed, seconds: options.seconds, totalRuns, failedParsers: failed.length, parsers: results }));
  process.exitCode = failed.length > 0 ? 1 : 0;
}

const { createParserProperties, RUN_TIMEOUT_MS } = await import(pathToFileURL(bundle).href);
const fuzz = await createParserProperties();
const selected = fuzz.properties.filter((entry) => options.only === undefined || entry.name === options.only);
if (selected.length === 0) throw new Error(`no property named ${options.only}`);
const budgetMs = (options.seconds * 1000) / selected.length;
if (!options.child) console.log(`fuzzing ${selected.length} parsers for ${options.seconds} s (${Math.round(budgetMs)} ms each), seed ${seed}\n`);

const results = [];
try {
  for (const entry of selected) {
    const started = performance.now();
    let details = await fc.check(entry.property, {
      seed,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: budgetMs,
      markInterruptAsFailure: false,
      timeout: RUN_TIMEOUT_MS,
    });
    const runs = details.numRuns;
    if (details.failed) {
      // The time limit also cuts shrinking short: replay the failure from its path and shrink on.
      const replay = await fc.check(entry.property, {
        seed: details.seed,
        path: details.counterexamplePath,
        interruptAfterTimeLimit: 15_000,
        markInterruptAsFailure: false,
        timeout: RUN_TIMEOUT_MS,
      });
      if (replay.failed) details = replay;
    }
    const ms = Math.round(performance.now() - started);
    const result = { name: entry.name, runs, failures: details.failed ? 1 : 0, ms, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
    if (details.failed) {
      result.seed = details.seed;
      result.path = details.counterexamplePath;
      result.shrinks = details.numShrinks;
      result.counterexample = fc.stringify(details.counterexample);
      result.error = details.errorInstance instanceof Error ? `${details.errorInstance.name}: ${details.errorInstance.message}` : String(details.errorInstance);
    }
    results.push(result);
    console.log(`${entry.name.padEnd(24)} ${String(result.runs).padStart(8)} inputs  ${result.failures ? 'FAILED' : 'ok'}`);
  }
} finally {
  await fuzz.cleanup();
}

report(results);
