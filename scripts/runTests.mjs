#!/usr/bin/env node
// `npm test`: runs every vitest suite and ends with one plain summary line
// ("N passed, N failed, N skipped") that CI systems read, then exits with vitest's code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reportDirectory = mkdtempSync(join(tmpdir(), 'ondeck-tests-'));
const report = join(reportDirectory, 'vitest.json');
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let code = vitest.status ?? 1;
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  console.log(`\ntests: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped`);
  if (result.numTotalTests === 0) code = 1;
} catch {
  console.log('\ntests: 0 passed, 1 failed (vitest wrote no report)');
  code = code || 1;
} finally {
  rmSync(reportDirectory, { recursive: true, force: true });
}
process.exit(code);
