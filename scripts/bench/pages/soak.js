// The soak benchmark's page (scripts/bench/soakBenchmark.ts): one recommender used for a long
// time the way a TV app uses it: home-screen rows and lists, the viewer playing what it was
// shown, and model updates arriving while it is in use. Classic script, ES2017 at most (WPE).
// runScenario({ op, ... }) performs one step and returns JSON.
(function () {
  'use strict';
  var recommender = null;
  var errors = [];

  function failure(error) {
    return { error: error && error.code ? error.code : 'no-code:' + String(error), message: error && error.message ? String(error.message) : String(error) };
  }

  /** Milliseconds rounded to 0.01, so a block's samples stay a small JSON reply. */
  function rounded(milliseconds) {
    return Math.round(milliseconds * 100) / 100;
  }

  var operations = {
    start: async function (args) {
      recommender = Ondeck.createRecommender({
        workerUrl: '/dist/ondeck-worker.js',
        ortBaseUrl: '/dist/ort/',
        backend: args.backend,
        syncUrl: args.syncUrl,
        publicKey: args.publicKey,
        // Syncs happen when the benchmark says so, not on a timer.
        syncIntervalMs: 0,
        databaseName: args.databaseName,
        persistStorage: false,
      });
      recommender.on('error', function (payload) { errors.push(payload.code + ': ' + payload.message); });
      try {
        return { status: await recommender.ready };
      } catch (error) {
        return failure(error);
      }
    },
    /** Gives the viewer a past: `itemIds` watched to the end, one a minute, oldest first. */
    seedHistory: async function (args) {
      var accepted = 0;
      var start = Date.now() - args.itemIds.length * 60000;
      for (var i = 0; i < args.itemIds.length; i++) {
        var result = await recommender.track({ type: 'complete', itemId: args.itemIds[i], progress: 1, time: start + i * 60000 });
        if (result.accepted) accepted++;
      }
      return { accepted: accepted, status: await recommender.status() };
    },
    /** Waits until the engine's background backend choice is over (`wasm` tried, or none to try). */
    settle: async function (args) {
      var deadline = performance.now() + args.timeoutMs;
      var status = await recommender.status();
      while (performance.now() < deadline && !status.backendAttempts.some(function (attempt) { return attempt.backend === 'wasm'; })) {
        await new Promise(function (done) { setTimeout(done, 100); });
        status = await recommender.status();
      }
      return status;
    },
    /**
     * `calls` queries, alternating `recommend({ count: 20 })` and `rows({ perRow: 12 })`, each
     * timed on the main thread. Every `calls / tracks`-th query is followed by a `track()` of a
     * title the viewer was just shown (played to the end). With `syncAt`, `sync()` starts after
     * that many queries and runs while the next ones are served, as an update reaching a TV in
     * use does; it is awaited at the end of the block.
     */
    block: async function (args) {
      var recommendMs = [];
      var rowsMs = [];
      var tracked = 0;
      var shown = [];
      var syncing = null;
      var trackEvery = args.tracks > 0 ? Math.floor(args.calls / args.tracks) : 0;
      for (var call = 0; call < args.calls; call++) {
        if (call === args.syncAt) {
          syncing = recommender.sync().then(function (result) { return { result: result.result, path: result.path, version: result.version, downloadedBytes: result.downloadedBytes }; }, failure);
        }
        var started = performance.now();
        if (call % 2 === 0) {
          var items = await recommender.recommend({ count: 20 });
          recommendMs.push(rounded(performance.now() - started));
          shown = items;
        } else {
          var rows = await recommender.rows({ perRow: 12 });
          rowsMs.push(rounded(performance.now() - started));
          if (rows.length > 0 && rows[0].items.length > 0) shown = rows[0].items;
        }
        if (trackEvery > 0 && call % trackEvery === trackEvery - 1 && tracked < args.tracks && shown.length > 0) {
          var pick = shown[(call * 7) % shown.length];
          var result = await recommender.track({ type: 'complete', itemId: pick.itemId, progress: 1 });
          if (result.accepted) tracked++;
        }
      }
      var sync = syncing ? await syncing : null;
      return { recommendMs: recommendMs, rowsMs: rowsMs, tracked: tracked, sync: sync, errors: errors.splice(0) };
    },
    status: function () {
      return recommender.status();
    },
    dispose: async function () {
      if (recommender) await recommender.dispose();
      recommender = null;
      return true;
    },
  };

  window.runScenario = function (args) {
    var operation = operations[args.op];
    if (!operation) throw new Error('soak.js: unknown op ' + args.op);
    return operation(args);
  };
  window.scenarioReady = true;
})();
