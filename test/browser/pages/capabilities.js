// Capability probe (an ES module, plain ES2017 inside: WPE 2.38 is Safari-16-era). Each check
// does a real round trip where it can, so "present" means "works", not just "is defined".

// A module with one function whose body is `v128.const 0; drop` (opcode 0xfd 0x0c + 16 immediate
// bytes): it validates only where WebAssembly SIMD is supported.
const simdModuleBytes = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // "\0asm", version 1
  0x01,
  0x04,
  0x01,
  0x60,
  0x00,
  0x00, // type section: one type, () -> ()
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x17,
  0x01,
  0x15,
  0x00, // code section: one body of 21 bytes, no locals
  0xfd,
  0x0c,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0, // v128.const 0
  0x1a,
  0x0b // drop, end
]);
// The same module with `i32.const 0; drop`: a control that must validate everywhere, so a false
// SIMD answer means "no SIMD", not "hand-written bytes are wrong".
const baselineModuleBytes = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x04,
  0x01,
  0x60,
  0x00,
  0x00,
  0x03,
  0x02,
  0x01,
  0x00,
  0x0a,
  0x07,
  0x01,
  0x05,
  0x00,
  0x41,
  0x00, // i32.const 0
  0x1a,
  0x0b
]);

function withTimeout(promise, milliseconds, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(what + ' timed out after ' + milliseconds + ' ms')), milliseconds);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

function requestToPromise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function indexedDbRoundTrip() {
  if (typeof indexedDB === 'undefined') return false;
  const name = 'ondeck-capabilities-' + Date.now();
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('values');
  const database = await requestToPromise(opening);
  try {
    const written = { answer: 42, factors: new Int8Array([-128, 0, 127]) };
    const writing = database.transaction('values', 'readwrite');
    writing.objectStore('values').put(written, 'probe');
    await new Promise((resolve, reject) => {
      writing.oncomplete = resolve;
      writing.onerror = () => reject(writing.error);
    });
    const read = await requestToPromise(database.transaction('values').objectStore('values').get('probe'));
    // Typed arrays must survive structured cloning: the engine stores int8 factor rows.
    return read.answer === 42 && read.factors instanceof Int8Array && Array.prototype.join.call(read.factors) === '-128,0,127';
  } finally {
    database.close();
    indexedDB.deleteDatabase(name);
  }
}

function workerRoundTrip(worker, message) {
  return withTimeout(
    new Promise((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => reject(new Error('worker error: ' + (event.message || 'unknown')));
      worker.postMessage(message);
    }),
    10000,
    'worker round trip'
  ).then((value) => {
    worker.terminate();
    return value;
  });
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.prototype.map.call(new Uint8Array(digest), (byte) => (byte < 16 ? '0' : '') + byte.toString(16)).join('');
}

// Ed25519 in SubtleCrypto: importing a raw 32-byte public key works only where it is implemented
// (the key need not be a valid point for the import to succeed).
async function nativeEd25519() {
  try {
    await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch (error) {
    return false;
  }
}

window.runScenario = async function () {
  const hasWebAssembly = typeof WebAssembly === 'object';
  const hasSubtleCrypto = typeof crypto === 'object' && typeof crypto.subtle === 'object' && crypto.subtle !== null;
  const blobSource = 'self.onmessage = function (event) { self.postMessage(event.data + 1); };';
  const blobUrl = URL.createObjectURL(new Blob([blobSource], { type: 'text/javascript' }));
  return {
    userAgent: navigator.userAgent,
    worker: typeof Worker,
    servedWorkerReply: await workerRoundTrip(new Worker('capabilitiesWorker.js'), { value: 21 }),
    blobWorkerReply: await workerRoundTrip(new Worker(blobUrl), 41),
    indexedDbRoundTrip: await indexedDbRoundTrip(),
    webAssembly: hasWebAssembly,
    webAssemblyBaselineValid: hasWebAssembly && WebAssembly.validate(baselineModuleBytes),
    webAssemblySimd: hasWebAssembly && WebAssembly.validate(simdModuleBytes),
    subtleCrypto: hasSubtleCrypto,
    nativeEd25519: hasSubtleCrypto ? await nativeEd25519() : false,
    sha256OfAbc: hasSubtleCrypto ? await sha256Hex('abc') : null,
    decompressionStream: typeof DecompressionStream === 'function',
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    crossOriginIsolated: typeof crossOriginIsolated === 'boolean' ? crossOriginIsolated : null
  };
};
window.scenarioReady = true;
