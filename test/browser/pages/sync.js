// Drives signed sync through the built SDK (dist/browser/ondeck.js, global `Ondeck`) as a TV app
// would. Classic script, ES2017 at most. runScenario({ op, ... }) performs one step, returns JSON.
(function () {
  'use strict';
  var recommender = null;
  var events = [];
  var background = null;

  function failure(error) {
    return { error: error && error.code ? error.code : 'no-code:' + String(error), message: error && error.message ? String(error.message) : String(error) };
  }

  var operations = {
    start: async function (args) {
      events = [];
      recommender = Ondeck.createRecommender({
        workerUrl: '/dist/ondeck-worker.js',
        ortBaseUrl: '/dist/ort/',
        backend: args.backend || 'js',
        syncUrl: args.syncUrl,
        publicKey: args.publicKey,
        publicKeys: args.publicKeys,
        signatureThreshold: args.signatureThreshold,
        syncDirectoryId: args.syncDirectoryId,
        syncRoot: args.syncRoot,
        syncIntervalMs: args.syncIntervalMs,
        syncRetryMs: args.syncRetryMs,
        syncLimits: args.syncLimits,
        databaseName: args.databaseName
      });
      ['ready', 'update', 'error', 'progress'].forEach(function (name) {
        recommender.on(name, function (payload) {
          var entry = { event: name, at: Date.now() };
          if (name === 'error') {
            entry.code = payload.code;
            entry.message = payload.message;
          }
          if (name === 'update' || name === 'ready') entry.version = payload.modelVersion;
          if (name === 'progress') {
            entry.phase = payload.phase;
            entry.received = payload.receivedBytes;
            entry.total = payload.totalBytes;
            entry.path = payload.path;
          }
          events.push(entry);
        });
      });
      try {
        var status = await recommender.ready;
        return { status: status };
      } catch (error) {
        return failure(error);
      }
    },
    sync: async function () {
      var started = performance.now();
      try {
        var result = await recommender.sync();
        return { result: result, milliseconds: performance.now() - started };
      } catch (error) {
        return failure(error);
      }
    },
    syncInBackground: function () {
      background = recommender.sync().then(function (result) {
        return { result: result };
      }, failure);
      return 'started';
    },
    awaitBackground: function () {
      return background;
    },
    recommend: async function (args) {
      var started = performance.now();
      var items = await recommender.recommend(args.request);
      return { items: items, milliseconds: performance.now() - started };
    },
    track: async function (args) {
      var results = [];
      for (var i = 0; i < args.events.length; i++) results.push(await recommender.track(args.events[i]));
      return results;
    },
    status: function () {
      return recommender.status();
    },
    timedRecommend: async function (args) {
      // Timed in the page, so the driver's round trip is not part of it.
      var started = performance.now();
      var items = await recommender.recommend(args.request);
      return { milliseconds: performance.now() - started, count: items.length };
    },
    events: function () {
      return events;
    },
    waitForEvent: function (args) {
      return new Promise(function (resolve) {
        var deadline = Date.now() + (args.timeoutMs || 20000);
        (function check() {
          var found = events.filter(function (entry) {
            return entry.event === args.event && (!args.phase || entry.phase === args.phase);
          });
          if (found.length > 0 || Date.now() > deadline) resolve(found.length > 0 ? found[found.length - 1] : null);
          else setTimeout(check, 20);
        })();
      });
    },
    // Fills the origin's quota with filler records in a database of its own, halving the record
    // size after each refusal, until not even 1 KB fits: a disk that is full for real.
    fillStorage: function () {
      return new Promise(function (resolve) {
        var open = indexedDB.open('ondeck-filler', 1);
        open.onupgradeneeded = function () {
          open.result.createObjectStore('filler');
        };
        open.onsuccess = function () {
          var database = open.result;
          var size = 262144;
          var written = 0;
          var key = 0;
          (function next() {
            var transaction = database.transaction('filler', 'readwrite');
            // Random bytes: the engine compresses what it stores, and zeros would cost nothing.
            var bytes = new Uint8Array(size);
            for (var offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
            transaction.objectStore('filler').put(bytes.buffer, key++);
            transaction.oncomplete = function () {
              written += size;
              next();
            };
            transaction.onabort = function () {
              if (size <= 1024) {
                database.close();
                resolve({ written: written, lastError: transaction.error && transaction.error.name });
                return;
              }
              size = size / 2;
              next();
            };
          })();
        };
      });
    },
    storedModels: function (args) {
      // What the engine's IndexedDB holds: each stored version and the base a journaled one derives from.
      return new Promise(function (resolve, reject) {
        var open = indexedDB.open(args.databaseName);
        open.onerror = function () {
          reject(open.error);
        };
        open.onsuccess = function () {
          var db = open.result;
          var request = db.transaction('models', 'readonly').objectStore('models').getAll();
          request.onsuccess = function () {
            db.close();
            resolve(
              request.result.map(function (meta) {
                return {
                  version: meta.version,
                  baseVersion: meta.baseVersion === undefined ? null : meta.baseVersion,
                  files: meta.files.map(function (file) {
                    return file.name;
                  })
                };
              })
            );
          };
          request.onerror = function () {
            db.close();
            reject(request.error);
          };
        };
      });
    },
    freeStorage: function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase('ondeck-filler');
        request.onsuccess = function () {
          resolve('deleted');
        };
        request.onerror = function () {
          resolve('error');
        };
      });
    },
    dispose: async function () {
      if (recommender) await recommender.dispose();
      recommender = undefined;
      return 'disposed';
    }
  };

  window.runScenario = function (args) {
    var operation = operations[args.op];
    if (!operation) throw new Error('sync.js: unknown op ' + args.op);
    return operation(args);
  };
  window.scenarioReady = true;
})();
