import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds dist/ once before the suites that run the CLI, the training threads and the browser
 * bundles from it. Vitest calls a global setup once per project (and for the root config), all in
 * its main process: the environment marks the build as done for the rest of the run.
 */
export default function setup(): void {
  if (process.env.ONDECK_TEST_DIST_BUILT === '1') return;
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  process.env.ONDECK_TEST_DIST_BUILT = '1';
}
