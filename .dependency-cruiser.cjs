/**
 * The direction of imports between ondeck's folders, checked in `npm test`
 * (`scripts/checkImportDirection.mjs`). Layers, bottom up:
 *
 *   models/ (not models/node/)  platform-neutral: the public contract, formats, scoring, training
 *                               maths. Imports nothing of the others and no Node or DOM API
 *                               (tsconfig.models.json proves the latter).
 *   models/node/                the cloud side's Node I/O: files, threads, the publish server.
 *   worker/                     the engine in the browser's Web Worker.
 *   src/                        the main-thread SDK; it starts the worker, and may use its startup
 *                               checks and helper-worker plumbing.
 *   scripts/                    CLI, benchmarks, builds, the browser harness: may use everything.
 *   test/                       may use everything; nothing imports it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'neutral-models-stay-neutral',
      comment: 'models/ outside models/node/ is shared by the browser and Node: no app folder, no Node I/O.',
      severity: 'error',
      from: { path: '^models/', pathNot: '^models/node/' },
      to: { path: '^(src|worker|scripts|test|demo|models/node)/' },
    },
    {
      name: 'neutral-models-no-node-builtins',
      comment: 'models/ outside models/node/ runs in browsers too.',
      severity: 'error',
      from: { path: '^models/', pathNot: '^models/node/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cloud-side-not-on-device-code',
      comment: 'Node I/O builds on the neutral models, never on the browser engine or the SDK.',
      severity: 'error',
      from: { path: '^models/node/' },
      to: { path: '^(src|worker|scripts|test|demo)/' },
    },
    {
      name: 'worker-below-main-thread',
      comment: 'The worker never reaches up into the main thread (src/), scripts or tests.',
      severity: 'error',
      from: { path: '^worker/' },
      to: { path: '^(src|scripts|test|demo|models/node)/' },
    },
    {
      name: 'worker-no-node-builtins',
      severity: 'error',
      from: { path: '^worker/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'main-thread-not-on-cloud-side',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(scripts|test|demo|models/node)/' },
    },
    {
      name: 'main-thread-no-node-builtins',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'scripts-not-on-tests',
      comment: 'Benchmarks and the CLI do not import tests; the browser harness lives in scripts/browser/.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: { path: '^test/' },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.js', '.mjs'] },
  },
};
