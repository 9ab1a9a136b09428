// Drives the built SDK (dist/browser/ondeck.js, global `Ondeck`) the way a TV app would.
// Classic script, ES2017 at most. runScenario({ op, ... }) performs one step and returns JSON.
(function () {
  'use strict';
  var recommender = null;
  var events = [];

  function codeOf(promise) {
    return promise.then(
      function () {
        return 'resolved';
      },
      function (error) {
        return error && error.code ? error.code : 'no-code:' + String(error);
      }
    );
  }

  /** createRecommender options from a step's arguments. */
  function optionsOf(args) {
    return {
      workerUrl: args.workerUrl || '/dist/ondeck-worker.js',
      ortBaseUrl: '/dist/ort/',
      modelUrl: args.modelUrl,
      backend: args.backend,
      threads: args.threads,
      databaseName: args.databaseName || 'ondeck-test'
    };
  }

  var operations = {
    start: async function (args) {
      recommender = Ondeck.createRecommender(optionsOf(args));
      ['ready', 'update', 'error'].forEach(function (name) {
        recommender.on(name, function (payload) {
          events.push({ event: name, code: payload && payload.code });
        });
      });
      var started = Date.now();
      var status = await recommender.ready;
      return { status: status, startMs: Date.now() - started };
    },
    track: async function (args) {
      var results = [];
      for (var i = 0; i < args.events.length; i++) results.push(await recommender.track(args.events[i]));
      return results;
    },
    recommend: function (args) {
      return recommender.recommend(args.request);
    },
    rows: function (args) {
      return recommender.rows(args.request);
    },
    similar: function (args) {
      return recommender.similar(args.itemId, args.options);
    },
    status: function () {
      return recommender.status();
    },
    createProfile: function (args) {
      return recommender.profiles.create(args.profile);
    },
    switchProfile: function (args) {
      return recommender.profiles.switch(args.id);
    },
    listProfiles: function () {
      return recommender.profiles.list();
    },
    forget: function () {
      return recommender.forget();
    },
    errors: async function () {
      return {
        malformedType: await codeOf(recommender.track({ type: 'binge', itemId: 'b0-i0' })),
        badProgress: await codeOf(recommender.track({ type: 'progress', itemId: 'b0-i0', progress: 7 })),
        secondsNotMs: await codeOf(recommender.track({ type: 'play', itemId: 'b0-i0', time: 1700000000 })),
        badCount: await codeOf(recommender.recommend({ count: -3 })),
        unknownProfile: await codeOf(recommender.profiles.switch('nobody')),
        unknownSimilar: await codeOf(recommender.similar('no-such-title')),
        genresNotArray: await codeOf(recommender.recommend({ filter: { genres: 'Drama' } })),
        nullRequest: await codeOf(recommender.recommend(null)),
        rowsNotArray: await codeOf(recommender.rows({ rows: -1 })),
        isOndeckError: await recommender.recommend({ count: 0 }).catch(function (error) {
          return error instanceof Ondeck.OndeckError;
        })
      };
    },
    /**
     * Tracks an event carrying an extra top-level `value` property (comlink once took any such
     * object for a thrown error and crashed the worker). Returns how the call ended and the
     * error events seen meanwhile and in the half second after.
     */
    trackExtraValue: async function () {
      var errorEvents = [];
      var unsubscribe = recommender.on('error', function (error) {
        errorEvents.push(error.code);
      });
      var result = await recommender.track({ type: 'play', itemId: 'b0-i0', value: 1 }).catch(function (error) {
        return { code: error && error.code };
      });
      await new Promise(function (resolve) {
        setTimeout(resolve, 500);
      });
      unsubscribe();
      var status = await recommender.status();
      return { result: result, errorEvents: errorEvents, historyLength: status.historyLength };
    },
    events: function () {
      return events;
    },
    /** What the page offers threaded wasm: isolation and logical cores. */
    threading: function () {
      return { crossOriginIsolated: self.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency || 0 };
    },
    /** Whether a worker here can start a worker of its own (what the js kernel's helpers need). */
    nestedWorkers: function () {
      return new Promise(function (resolve) {
        var source = 'postMessage(typeof Worker === "function")';
        var worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        worker.onmessage = function (event) {
          resolve(event.data === true);
          worker.terminate();
        };
        worker.onerror = function () {
          resolve(false);
        };
      });
    },
    startError: async function (args) {
      var failing = Ondeck.createRecommender(optionsOf(args));
      var code = await codeOf(failing.ready);
      await failing.dispose();
      return code;
    },
    /**
     * Starts a recommender that must refuse to run: with `removeFromPage` globals deleted from the
     * page first (put back afterwards). Returns how `ready` failed and the error events seen
     * within a second (a restart loop would show there).
     */
    refused: async function (args) {
      var saved = {};
      (args.removeFromPage || []).forEach(function (name) {
        saved[name] = self[name];
        delete self[name];
      });
      var refusing;
      try {
        refusing = Ondeck.createRecommender(optionsOf(args));
      } finally {
        Object.keys(saved).forEach(function (name) {
          self[name] = saved[name];
        });
      }
      var errorEvents = [];
      refusing.on('error', function (error) {
        errorEvents.push(error.code);
      });
      var outcome = await refusing.ready.then(
        function () {
          return { code: 'resolved' };
        },
        function (error) {
          return { code: error.code, message: error.message, isOndeckError: error instanceof Ondeck.OndeckError, missing: error.details && error.details.missing };
        }
      );
      var recommendCode = await codeOf(refusing.recommend({ count: 3 }));
      await new Promise(function (resolve) {
        setTimeout(resolve, 1000);
      });
      await refusing.dispose();
      outcome.recommendCode = recommendCode;
      outcome.errorEvents = errorEvents;
      return outcome;
    },
    crash: async function () {
      var crashed = new Promise(function (resolve) {
        var unsubscribe = recommender.on('error', function (error) {
          if (error.code === 'worker-crashed') {
            unsubscribe();
            resolve(error.code);
          }
        });
      });
      new BroadcastChannel('ondeck-crash-test').postMessage('crash');
      var code = await crashed;
      // The SDK restarts the worker; its state comes back from IndexedDB.
      var status = await recommender.ready;
      return { code: code, status: status };
    },
    dispose: async function () {
      await recommender.dispose();
      return codeOf(recommender.recommend());
    }
  };

  window.runScenario = function (args) {
    var operation = operations[args.op];
    if (!operation) throw new Error('engine.js: unknown op ' + args.op);
    return operation(args);
  };
  window.scenarioReady = true;
})();
