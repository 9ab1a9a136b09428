#!/usr/bin/env node
// Proves the browser bundles parse on the oldest engine ondeck supports and reports their
// compressed sizes against the budgets. Chromium 56 (Tizen 4) implements ES2016 plus async
// functions; acorn at ecmaVersion 2017 is the closest strict parser, so any newer syntax
// (object spread, optional chaining, `??`, class fields, dynamic import, BigInt literals) fails.
import { parse } from 'acorn';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const browserDist = join(root, 'dist/browser');
const bundles = [
  { file: 'ondeck.js', role: 'main', sourceType: 'script', ecmaVersion: 2017, budget: 8 * 1024 },
  { file: 'ondeck.mjs', role: 'main (ESM)', sourceType: 'module', ecmaVersion: 2017, budget: 8 * 1024 },
  // 48 KB since the WebAssembly int8 kernel (issue 16: its two builds, 0.9 KB brotli, and their
  // JS side, ~3.3 KB) made it the default backend of every engine without WebAssembly SIMD.
  { file: 'ondeck-worker.js', role: 'worker', sourceType: 'script', ecmaVersion: 2017, budget: 48 * 1024 },
  { file: 'ondeck-sw.js', role: 'sw', sourceType: 'script', ecmaVersion: 2017, budget: 12 * 1024 },
  // tweetnacl + fflate, fetched by the worker only on engines that lack the native primitives.
  { file: 'ondeck-compat.js', role: 'compat', sourceType: 'script', ecmaVersion: 2017, budget: 12 * 1024 },
];
let failed = false;
const sizes = {};
const rows = [];
for (const bundle of bundles) {
  const code = readFileSync(join(browserDist, bundle.file));
  try {
    parse(code.toString('utf8'), { ecmaVersion: bundle.ecmaVersion, sourceType: bundle.sourceType });
  } catch (error) {
    failed = true;
    console.error(`${bundle.file}: does not parse as ES${bundle.ecmaVersion} (${bundle.sourceType}): ${error.message}`);
  }
  const gzip = gzipSync(code, { level: 9 }).length;
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  sizes[bundle.file] = { bytes: code.length, gzip, brotli, budgetBrotli: bundle.budget };
  if (brotli > bundle.budget) {
    failed = true;
    console.error(`${bundle.file}: ${brotli} B brotli is over the ${bundle.budget} B budget`);
  }
  rows.push(
    `| ${bundle.file.padEnd(17)} | ${bundle.role.padEnd(10)} | ${String(code.length).padStart(7)} | ${String(gzip).padStart(6)} | ${String(brotli).padStart(6)} | ${String(bundle.budget).padStart(6)} |`,
  );
}
console.log('| bundle            | role       |   bytes |   gzip | brotli | budget |');
console.log('|-------------------|------------|--------:|-------:|-------:|-------:|');
for (const row of rows) console.log(row);
writeFileSync(join(browserDist, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
if (failed) process.exit(1);
