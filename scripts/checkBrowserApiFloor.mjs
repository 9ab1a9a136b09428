#!/usr/bin/env node
// Proves the browser bundles in dist/browser use no web API or ES built-in that the support floor
// lacks (package.json's `browserslist`: Chromium 56, Tizen 4) except where
// scripts/browserApiFloorAllowList.mjs names the capability check that guards the use.
// scripts/checkBundles.mjs covers syntax and sizes; this covers APIs. Prints one row per
// finding and exits 1 when a finding is not allowed or an allow-list entry matches nothing.
// Run after `node scripts/build.mjs`; test/scripts/browserBundles.test.ts runs it in `npm test`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBrowserApiFloor } from './browserApiFloor.mjs';
import { browserApiFloorAllowList } from './browserApiFloorAllowList.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundles = ['ondeck.js', 'ondeck.mjs', 'ondeck-worker.js', 'ondeck-compat.js', 'ondeck-sw.js'];
// The floor is written once, in package.json, and read here.
const browsers = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).browserslist;
if (!Array.isArray(browsers) || browsers.length === 0) {
  console.error('package.json has no "browserslist" array: the support floor is missing');
  process.exit(1);
}

const { findings, staleEntries, ok } = await checkBrowserApiFloor({
  files: bundles.map((bundle) => join(root, 'dist/browser', bundle)),
  allowList: browserApiFloorAllowList,
  browsers,
});

const rows = findings.map((finding) => [
  finding.bundle,
  `${finding.ruleId ?? '(parse error)'}: ${finding.message}`,
  finding.source ?? `${finding.line}:${finding.column}`,
  finding.allowedBy ? `allowed: ${finding.allowedBy.reason}` : 'FAIL',
]);
printTable(['bundle', 'finding', 'source', 'verdict'], rows);
for (const entry of staleEntries) {
  console.error(
    `STALE allow-list entry (matches no finding, remove it): ${entry.bundle} ${entry.ruleId} ${String(entry.message)}${entry.source ? ` from ${String(entry.source)}` : ''}`,
  );
}
const failed = findings.filter((finding) => !finding.allowedBy).length;
console.log(
  `\nbrowser API floor (${browsers.join(', ')}): ${findings.length} findings, ${findings.length - failed} allowed, ${failed} FAIL, ${staleEntries.length} stale allow-list entries`,
);
if (!ok) process.exit(1);

/** A Markdown table, columns padded except the last (the long reasons). */
function printTable(header, body) {
  const cells = [header, ...body].map((row) => row.map((cell) => cell.replaceAll('|', '\\|')));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row) => `| ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(line(header.map((_, column) => '-'.repeat(column === header.length - 1 ? 7 : widths[column]))));
  for (const row of cells.slice(1)) console.log(line(row));
}
