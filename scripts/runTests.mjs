#!/usr/bin/env node
// `npm test`: type-checks the whole project (vitest strips types without checking them, so a type
// error in a test or a script would otherwise pass), runs every vitest suite, and ends with one
// plain summary line ("N passed, N failed, N skipped") that CI systems read. Exits non-zero if
// either failed. `npm test -- <paths or vitest flags>` runs just those, without the type check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const targeted = process.argv.length > 2;
let typecheckFailed = false;
if (!targeted) {
  const typecheck = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { stdio: 'inherit' });
  typecheckFailed = typecheck.status !== 0;
  console.log(`typecheck (tsc --noEmit): ${typecheckFailed ? 'FAILED' : 'passed'}\n`);
}

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
if (typecheckFailed) {
  console.log('typecheck: FAILED (see the tsc errors above)');
  code = code || 1;
}
process.exit(code);
