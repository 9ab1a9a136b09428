#!/usr/bin/env node
// Builds every bundle ondeck ships with esbuild. Runs on `npm ci` (the `prepare` script) so that
// `npx ondeck …` works straight after install, and before the test suites that load dist/.
import { build } from 'esbuild';
import { buildServiceWorker, ortFiles } from './buildServiceWorker.mjs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
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
  { entry: 'models/node/index.ts', out: 'models.js' },
  { entry: 'models/node/als/alsThreadWorker.ts', out: 'alsThreadWorker.js' },
  { entry: 'models/node/importers/sparkPartThread.ts', out: 'sparkPartThread.js' },
  { entry: 'scripts/bench/trainingSpeed.ts', out: 'bench/trainingSpeed.js' },
  { entry: 'scripts/bench/deviceBenchmark.ts', out: 'bench/deviceBenchmark.js' },
  { entry: 'scripts/bench/int8KernelSpeed.ts', out: 'bench/int8KernelSpeed.js' },
  { entry: 'scripts/bench/syncBenchmark.ts', out: 'bench/syncBenchmark.js' },
  { entry: 'scripts/bench/soakBenchmark.ts', out: 'bench/soakBenchmark.js' },
  { entry: 'scripts/bench/runAllBenchmarks.ts', out: 'bench/runAllBenchmarks.js' },
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

// Browser bundles: what a TV app loads. The syntax target is the oldest engine ondeck supports
// (Tizen 4 = Chromium 56); the worker is a classic script because old engines have no module
// workers. scripts/checkBundles.mjs proves the output parses as ES2017 and reports sizes.
const browserDist = join(dist, 'browser');
await mkdir(join(browserDist, 'ort'), { recursive: true });
const browserSwaps = {
  name: 'ondeck-browser-swaps',
  setup(context) {
    // `import()` does not parse on Chromium 56: swap the module that uses it for a browser
    // stand-in (see its doc comment). The scoring graph builder is bundled as is: it has its own
    // protobuf writer, so the device can rebuild scoring.onnx after a sync delta.
    context.onResolve({ filter: /\/loadOrtFromPackage$/ }, () => ({ path: join(root, 'worker/backends/loadOrtUnavailable.ts') }));
    // The pure-JS fallbacks (tweetnacl, fflate) ship in their own script, ondeck-compat.js, which
    // the worker loads with importScripts only on engines without native Ed25519 or
    // DecompressionStream: Node keeps the static imports, the browser bundles get the loader.
    context.onResolve({ filter: /\/loadCompat$/ }, () => ({ path: join(root, 'worker/compat/loadCompatInClassicWorker.ts') }));
  },
};
const browserCommon = {
  bundle: true,
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  define: {
    'process.env.NODE_ENV': '"production"',
    // APIs newer than the floor (Chromium 56) that dependencies use unguarded: substituted here
    // instead of polyfilled, so the host page's globals stay untouched (worker/compat/floorSubstitutes.ts).
    globalThis: 'self',
    'Object.hasOwn': 'objectHasOwn',
    'Promise.allSettled': 'promiseAllSettled',
  },
  inject: [join(root, 'worker/compat/floorSubstitutes.ts')],
  plugins: [browserSwaps],
};
const browserBundles = [
  { entry: 'src/index.ts', out: 'ondeck.js', format: 'iife', globalName: 'Ondeck', target: ['chrome56'] },
  { entry: 'src/index.ts', out: 'ondeck.mjs', format: 'esm', target: ['chrome61'] },
  { entry: 'worker/workerMain.ts', out: 'ondeck-worker.js', format: 'iife', target: ['chrome56'] },
  // Loaded by the worker, next to it, only where a native primitive is missing (see loadCompat).
  { entry: 'worker/compat/compatMain.ts', out: 'ondeck-compat.js', format: 'iife', target: ['chrome56'] },
];
for (const bundle of browserBundles) {
  await build({
    ...browserCommon,
    entryPoints: [join(root, bundle.entry)],
    outfile: join(browserDist, bundle.out),
    format: bundle.format,
    globalName: bundle.globalName,
    target: bundle.target,
  });
}
// ORT's self-hosted files, fetched only by engines that pass the WebAssembly SIMD check.
for (const file of ortFiles) {
  await copyFile(join(root, 'node_modules/onnxruntime-web/dist', file), join(browserDist, 'ort', file));
}
// The service worker last: it precaches the bundles above by their content hashes.
await buildServiceWorker({ root, browserDist, common: browserCommon });
console.log(`built ${browserBundles.map((b) => 'dist/browser/' + b.out).join(', ')}, dist/browser/ondeck-sw.js (+ ORT files in dist/browser/ort/)`);

// Type declarations for the library entries (esbuild strips types; tsc writes only .d.ts here).
// Skipped when TypeScript is absent, as in a production-only install.
const tsc = join(root, 'node_modules/typescript/bin/tsc');
if (existsSync(tsc)) execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
console.log(`built ${nodeBundles.map((b) => 'dist/' + b.out).join(', ')}`);
