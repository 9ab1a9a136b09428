// Builds ondeck's service worker (worker/serviceWorker/serviceWorkerMain.ts → dist/browser/ondeck-sw.js).
// Runs after the other browser bundles because it injects their content hashes: each precached
// file's revision is a SHA-256 prefix of its bytes, and ORT's files get one combined hash that
// names their runtime cache. No workbox-build needed: the manifest is a JSON `define`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * SDK files the service worker precaches, relative to dist/browser/ (and to ondeck-sw.js).
 * `ondeck-compat.js` too, although only engines without native Ed25519 or DecompressionStream
 * load it: it is small, and an offline start on such an engine must still be able to sync later.
 */
export const precachedFiles = ['ondeck.js', 'ondeck-worker.js', 'ondeck-compat.js'];
/**
 * ORT's self-hosted files, cached at run time only (an engine fetches only the build it runs);
 * their hash names the ORT cache. The CPU build, then the WebGPU build (fetched only where a
 * WebGPU adapter exists).
 */
export const ortFiles = [
  'ort.wasm.min.js',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort.webgpu.min.js',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

/** 20 hex digits (80 bits) of SHA-256 over `chunks`: plenty to tell builds apart. */
function contentHash(chunks) {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex').slice(0, 20);
}

/**
 * Builds dist/browser/ondeck-sw.js with the precache manifest of the bundles already in
 * `browserDist`. `common` is the esbuild options shared by the browser bundles (minify,
 * NODE_ENV=production define, plugins…). Resolves with the injected manifest.
 */
export async function buildServiceWorker({ root, browserDist, common }) {
  const precache = [];
  for (const url of precachedFiles) precache.push({ url, revision: contentHash([await readFile(join(browserDist, url))]) });
  const ortContents = [];
  for (const file of ortFiles) ortContents.push(Buffer.from(file + '\0'), await readFile(join(browserDist, 'ort', file)));
  const manifest = { precache, ortRevision: contentHash(ortContents) };
  await build({
    ...common,
    entryPoints: [join(root, 'worker/serviceWorker/serviceWorkerMain.ts')],
    outfile: join(browserDist, 'ondeck-sw.js'),
    format: 'iife',
    target: ['chrome56'],
    define: { ...common.define, __ONDECK_SW_BUILD__: JSON.stringify(manifest) },
  });
  return manifest;
}
