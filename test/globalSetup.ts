import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds dist/ once before the suites that run the CLI and the training threads from it. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
}
