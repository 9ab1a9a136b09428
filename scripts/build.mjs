#!/usr/bin/env node
// Builds every bundle ondeck ships with esbuild. Runs on `npm ci` (the `prepare` script) so that
// `npx ondeck …` works straight after install, and before the test suites that load dist/.
import { build } from 'esbuild';
import { chmod, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
await mkdir(dist, { recursive: true });

/** Node-side bundles: the CLI and the training thread it spawns. Dependencies stay in node_modules. */
const nodeBundles = [
  { entry: 'scripts/cli/main.ts', out: 'cli.js', banner: '#!/usr/bin/env node' },
  { entry: 'scripts/start.ts', out: 'start.js' },
  { entry: 'models/index.ts', out: 'models.js' },
  { entry: 'models/als/alsThreadWorker.ts', out: 'alsThreadWorker.js' },
  { entry: 'scripts/bench/trainingSpeed.ts', out: 'bench/trainingSpeed.js' },
];

for (const bundle of nodeBundles) {
  await build({
    entryPoints: [join(root, bundle.entry)],
    outfile: join(dist, bundle.out),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    banner: bundle.banner ? { js: bundle.banner } : undefined,
  });
}
await chmod(join(dist, 'cli.js'), 0o755);

// Type declarations for the library entries (esbuild strips types; tsc writes only .d.ts here).
// Skipped when TypeScript is absent, as in a production-only install.
const tsc = join(root, 'node_modules/typescript/bin/tsc');
if (existsSync(tsc)) execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
console.log(`built ${nodeBundles.map((b) => 'dist/' + b.out).join(', ')}`);
