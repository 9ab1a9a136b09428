// Uses above the support floor (package.json's browserslist, Chromium 56) that the browser bundles
// may keep, each with the capability check that guards it or why the report is a false alarm.
// scripts/checkBrowserApiFloor.mjs fails on any finding not listed here and on any entry here
// that no longer matches a finding: remove an entry once the code it describes is gone.
// Never list an unguarded use to make the check pass: fix the source or the build instead.

const comlinkFinalizationRegistry =
  'comlink guards it (node_modules/comlink/src/comlink.ts, `proxyFinalizers`): `"FinalizationRegistry" in globalThis && new FinalizationRegistry(…)`, ' +
  'globalThis built as `self` (scripts/build.mjs define); before Chromium 84 wrapped proxies are just not released by GC';

/**
 * The known safe uses above the floor in dist/browser, one entry per bundle and rule (an entry
 * may match several findings, e.g. `BigInt` and `BigInt64Array` on one line). `source` pins each
 * entry to the original file its guard is in, so a new use of the same API elsewhere still fails.
 *
 * @type {readonly import('./browserApiFloor.mjs').AllowListEntry[]}
 */
export const browserApiFloorAllowList = [
  { bundle: 'ondeck.js', ruleId: 'compat/compat', message: 'FinalizationRegistry', source: 'node_modules/comlink/', reason: comlinkFinalizationRegistry },
  { bundle: 'ondeck.js', ruleId: 'es-x/no-weakrefs', message: "'FinalizationRegistry'", source: 'node_modules/comlink/', reason: comlinkFinalizationRegistry },
  { bundle: 'ondeck.mjs', ruleId: 'compat/compat', message: 'FinalizationRegistry', source: 'node_modules/comlink/', reason: comlinkFinalizationRegistry },
  { bundle: 'ondeck.mjs', ruleId: 'es-x/no-weakrefs', message: "'FinalizationRegistry'", source: 'node_modules/comlink/', reason: comlinkFinalizationRegistry },
  { bundle: 'ondeck-worker.js', ruleId: 'compat/compat', message: 'FinalizationRegistry', source: 'node_modules/comlink/', reason: comlinkFinalizationRegistry },
  { bundle: 'ondeck-worker.js', ruleId: 'es-x/no-weakrefs', message: "'FinalizationRegistry'", source: 'node_modules/comlink/', reason: comlinkFinalizationRegistry },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'compat/compat',
    message: /^BigInt(64Array)? is not supported/,
    source: 'worker/backends/createWasmBackend.ts',
    reason:
      'the ORT `wasm`/`webgpu` backend (createWasmBackend.ts, runGraph: the int64 k tensor) is only created by ' +
      'worker/backends/selectBackend.ts, selectBackend → loadOrtBackend, after supportsWasmSimd() ' +
      '(worker/backends/supportsWasmSimd.ts: WebAssembly.validate of a SIMD module) passed: WebAssembly SIMD is Chromium 91+, BigInt/BigInt64Array 67+',
  },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'es-x/no-bigint',
    message: 'BigInt',
    source: 'worker/backends/createWasmBackend.ts',
    reason: 'same as the compat/compat BigInt entry: runGraph runs only behind supportsWasmSimd() in worker/backends/selectBackend.ts (SIMD is Chromium 91+, BigInt 67+)',
  },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'es-x/no-shared-array-buffer',
    message: "'SharedArrayBuffer'",
    source: 'worker/backends/probeEngine.ts',
    reason:
      "worker/backends/probeEngine.ts, probeEngine: only `typeof scope.SharedArrayBuffer === 'function'`, the probe reported in status().engineProbes; nothing is constructed",
  },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'compat/compat',
    message: 'AbortController',
    source: 'worker/sync/fetchManifest.ts',
    reason:
      "worker/sync/fetchManifest.ts, fetchManifest: constructed only when `typeof AbortController === 'function'` (Chromium 66+); " +
      'below that the deadline still rejects the wait and cancels the body, and the request is left to finish on its own',
  },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'compat/compat',
    message: 'DecompressionStream',
    source: 'worker/sync/decompressBlob.ts',
    reason:
      "worker/sync/decompressBlob.ts, decompressBlob: gunzipWithStream runs only when `typeof DecompressionStream === 'function'` " +
      '(Chromium 80+); elsewhere fflate from ondeck-compat.js (worker/compat/loadCompat) gunzips',
  },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'compat/compat',
    message: 'Blob.stream()',
    source: 'worker/sync/decompressBlob.ts',
    reason:
      "worker/sync/decompressBlob.ts, gunzipWithStream: behind the same `typeof DecompressionStream === 'function'` check in decompressBlob; " +
      'every engine with DecompressionStream has Blob.prototype.stream (MDN: Chromium 76 / 80, Firefox 69 / 113, Safari 14.1 / 16.4)',
  },
  {
    bundle: 'ondeck-worker.js',
    ruleId: 'compat/compat',
    message: 'Symbol.asyncIterator',
    source: 'node_modules/idb/',
    reason:
      "false alarm: idb (node_modules/idb/build/index.js, isIteratorProp) only compares a proxy trap's property key with " +
      "Symbol.asyncIterator; on Chromium 56 that reads undefined, which no key equals, so idb's async iteration is simply absent. " +
      'ondeck never iterates idb asynchronously (no `for await` or `.iterate(` anywhere in worker/)',
  },
  {
    bundle: 'ondeck-compat.js',
    ruleId: 'es-x/no-arraybuffer-prototype-transfer',
    message: 'ArrayBuffer.prototype.detached',
    source: /node_modules\/tweetnacl\/nacl\.js|worker\/compat\/staticCompatFallbacks\.ts/,
    reason:
      "false alarm: tweetnacl's `nacl.sign.detached` (and `.verify`, called from worker/compat/staticCompatFallbacks.ts, verifyEd25519) " +
      "is its detached-signature function, not ArrayBuffer.prototype.detached: es-x's aggressive mode flags any `.detached` read on an untyped value",
  },
];
