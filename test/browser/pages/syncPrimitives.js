// Runs the worker's signature and gzip code in the page, each implementation the engine can run.
// Classic script, ES2017 at most. The Node side sends base64 inputs and checks the answers.
(function () {
  'use strict';
  var primitives = window.ondeckSyncPrimitives;

  function outcome(promise) {
    return promise.then(
      function (value) {
        return value;
      },
      function (error) {
        return 'error:' + (error && error.code ? error.code : String(error));
      }
    );
  }

  window.runScenario = async function (args) {
    var decode = function (text) {
      return primitives.decodeBase64(text, 'input');
    };
    var message = decode(args.message);
    var signature = decode(args.signature);
    var publicKey = decode(args.publicKey);
    var badSignature = signature.slice();
    badSignature[7] ^= 1;
    var gzip = decode(args.gzip);
    var expected = decode(args.plain);
    var sameBytes = function (bytes) {
      if (!(bytes instanceof Uint8Array) || bytes.length !== expected.length) return false;
      for (var i = 0; i < bytes.length; i++) if (bytes[i] !== expected[i]) return false;
      return true;
    };
    var started = performance.now();
    var js = await outcome(primitives.verifyEd25519(message, signature, publicKey, 'js'));
    var jsMilliseconds = performance.now() - started;
    var corrupt = gzip.slice();
    corrupt[corrupt.length >> 1] ^= 0xff;
    return {
      verify: {
        auto: await outcome(primitives.verifyEd25519(message, signature, publicKey, 'auto')),
        js: js,
        badAuto: await outcome(primitives.verifyEd25519(message, badSignature, publicKey, 'auto')),
        badJs: await outcome(primitives.verifyEd25519(message, badSignature, publicKey, 'js'))
      },
      jsVerifyMilliseconds: jsMilliseconds,
      gunzip: {
        auto: sameBytes(await primitives.decompressBlob(gzip, 'gzip', expected.length, 'blob', 'auto')),
        js: sameBytes(await primitives.decompressBlob(gzip, 'gzip', expected.length, 'blob', 'js')),
        corruptJs: await outcome(primitives.decompressBlob(corrupt, 'gzip', expected.length, 'blob', 'js'))
      },
      engine: {
        decompressionStream: typeof DecompressionStream,
        bigInt: typeof BigInt,
        subtle: typeof crypto !== 'undefined' && crypto.subtle ? 'yes' : 'no'
      }
    };
  };
  window.scenarioReady = true;
})();
