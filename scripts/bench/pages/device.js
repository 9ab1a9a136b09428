// The device benchmark's page (scripts/bench/deviceBenchmark.ts): drives the built SDK
// (dist/browser/ondeck.js, global `Ondeck`) the way a TV app would and times it on the main
// thread, next to the naive float32 loop a developer would otherwise write. Classic script,
// ES2017 at most (WPE). runScenario({ op, ... }) performs one step and returns JSON.
(function () {
  'use strict';
  // Several recommenders can run side by side (one worker each), so configurations interleave.
  var recommenders = {};
  var naive = null;

  /** Lower-median style nearest-rank percentile of an ascending array. */
  function percentile(sorted, fraction) {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
  }
  function summarise(samples) {
    var sorted = samples.slice().sort(function (a, b) { return a - b; });
    return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), min: sorted[0], max: sorted[sorted.length - 1], calls: sorted.length };
  }

  /** Times `task` (a function returning a promise) `calls` times after `warmup` untimed calls. */
  async function timeCalls(task, warmup, calls) {
    for (var w = 0; w < warmup; w++) await task();
    var samples = [];
    for (var c = 0; c < calls; c++) {
      var started = performance.now();
      await task();
      samples.push(performance.now() - started);
    }
    return samples;
  }

  /**
   * The baseline: factors.bin dequantised once to a plain Float32Array (rows × dims), then per
   * query a float32 dot product per row and a sorted insertion into a top-k array, skipping seen
   * titles through a byte mask (cheaper than a Set, so the baseline is not made slow on purpose).
   */
  function naiveTopK(table, rows, dims, user, seen, count) {
    var bestIndex = new Int32Array(count);
    var bestScore = new Float32Array(count);
    var filled = 0;
    for (var row = 0; row < rows; row++) {
      if (seen[row]) continue;
      var base = row * dims;
      var score = 0;
      for (var d = 0; d < dims; d++) score += table[base + d] * user[d];
      if (filled === count && score <= bestScore[count - 1]) continue;
      var at = filled < count ? filled++ : count - 1;
      while (at > 0 && bestScore[at - 1] < score) {
        bestScore[at] = bestScore[at - 1];
        bestIndex[at] = bestIndex[at - 1];
        at--;
      }
      bestScore[at] = score;
      bestIndex[at] = row;
    }
    return bestIndex;
  }

  var BOUND_BATCH = 10;
  var bound = null;

  /** One plain pass over the table, in a function of its own so that the loop is optimised alone. */
  function readTable(words) {
    var sum = 0;
    for (var i = 0; i < words.length; i++) sum = (sum + words[i]) | 0;
    return sum;
  }

  var operations = {
    start: async function (args) {
      var started = performance.now();
      var recommender = Ondeck.createRecommender({
        workerUrl: '/dist/ondeck-worker.js',
        ortBaseUrl: '/dist/ort/',
        modelUrl: args.modelUrl,
        backend: args.backend,
        threads: args.threads,
        databaseName: args.databaseName,
        persistStorage: false,
      });
      recommenders[args.name] = recommender;
      var status = await recommender.ready;
      var readyMs = performance.now() - started;
      var first = await recommender.recommend({ count: 20 });
      return { status: status, readyMs: readyMs, firstResultMs: performance.now() - started, firstCount: first.length };
    },
    track: async function (args) {
      var recommender = recommenders[args.name];
      var accepted = 0;
      for (var i = 0; i < args.itemIds.length; i++) {
        var result = await recommender.track({ type: 'complete', itemId: args.itemIds[i], time: args.time - (args.itemIds.length - i) * 60000 });
        if (result.accepted) accepted++;
      }
      return { accepted: accepted, status: await recommender.status() };
    },
    recommend: async function (args) {
      var recommender = recommenders[args.name];
      var seen = {};
      args.seen.forEach(function (id) { seen[id] = true; });
      var samples = await timeCalls(function () { return recommender.recommend({ count: args.count }); }, args.warmup, args.calls);
      var last = await recommender.recommend({ count: args.count });
      return { latency: summarise(samples), resultCount: last.length, seenReturned: last.filter(function (r) { return seen[r.itemId]; }).length };
    },
    /**
     * Waits (querying meanwhile, which starts them) until the engine runs on `threads` threads:
     * the js kernel's helper workers load their part of the table after the first query.
     */
    awaitThreads: async function (args) {
      var recommender = recommenders[args.name];
      var deadline = performance.now() + args.timeoutMs;
      var status = await recommender.status();
      while (status.backendThreads < args.threads && performance.now() < deadline) {
        await recommender.recommend({ count: 1 });
        await new Promise(function (done) { setTimeout(done, 20); });
        status = await recommender.status();
      }
      return status;
    },
    status: function (args) {
      return recommenders[args.name].status();
    },
    /** The round trip of a call that does no work (status()): the floor under every recommend(). */
    roundTrip: async function (args) {
      var recommender = recommenders[args.name];
      var samples = await timeCalls(function () { return recommender.status(); }, args.warmup, args.calls);
      return { latency: summarise(samples) };
    },
    dispose: async function (args) {
      var recommender = recommenders[args.name];
      delete recommenders[args.name];
      if (recommender) await recommender.dispose();
      return true;
    },
    /** The smallest step performance.now() takes here (engines coarsen it differently). */
    timerResolution: function () {
      var smallest = Infinity;
      for (var i = 0; i < 50; i++) {
        var first = performance.now();
        var next = performance.now();
        while (next === first) next = performance.now();
        smallest = Math.min(smallest, next - first);
      }
      return smallest;
    },
    loadNaive: async function (args) {
      var bytes = new Uint8Array(await (await fetch(args.factorsUrl)).arrayBuffer());
      var view = new DataView(bytes.buffer);
      var dims = view.getUint16(6, true);
      var rows = view.getUint32(8, true);
      var scalesOffset = (16 + rows * dims + 7) & ~7;
      var values = new Int8Array(bytes.buffer, 16, rows * dims);
      var table = new Float32Array(rows * dims);
      for (var row = 0; row < rows; row++) {
        var scale = view.getFloat32(scalesOffset + 4 * row, true);
        for (var d = 0; d < dims; d++) table[row * dims + d] = values[row * dims + d] * scale;
      }
      var seen = new Uint8Array(rows);
      args.seenIndices.forEach(function (index) { seen[index] = 1; });
      // A fixed viewer vector (no fold-in: the baseline is scoring and selection only).
      var user = new Float32Array(dims);
      for (var u = 0; u < dims; u++) user[u] = Math.sin(u + 1);
      naive = { table: table, rows: rows, dims: dims, seen: seen, user: user };
      return { rows: rows, dims: dims };
    },
    naive: async function (args) {
      var n = naive;
      var samples = await timeCalls(function () {
        return Promise.resolve(naiveTopK(n.table, n.rows, n.dims, n.user, n.seen, args.count));
      }, args.warmup, args.calls);
      return { latency: summarise(samples) };
    },
    dropNaive: function () {
      naive = null;
      bound = null;
      return true;
    },
    /**
     * The streaming bound: the int8 values of factors.bin (the same table the kernels read), as
     * an Int32Array, summed in one plain pass; nothing else computed. Each sample times
     * `BOUND_BATCH` passes and divides, so a coarse clock (WPE) still resolves one.
     */
    loadBound: async function (args) {
      var bytes = new Uint8Array(await (await fetch(args.factorsUrl)).arrayBuffer());
      var view = new DataView(bytes.buffer);
      var tableBytes = view.getUint16(6, true) * view.getUint32(8, true);
      bound = new Int32Array(bytes.buffer.slice(16, 16 + (tableBytes & ~3)));
      return { bytes: bound.byteLength };
    },
    bound: async function (args) {
      var words = bound;
      var sink = 0;
      var samples = await timeCalls(function () {
        for (var b = 0; b < BOUND_BATCH; b++) sink = (sink + readTable(words)) | 0;
        return Promise.resolve(sink);
      }, args.warmup, args.calls);
      return { latency: summarise(samples.map(function (sample) { return sample / BOUND_BATCH; })), sink: sink };
    },
  };

  window.runScenario = function (args) {
    var operation = operations[args.op];
    if (!operation) throw new Error('device.js: unknown op ' + args.op);
    return operation(args);
  };
  window.scenarioReady = true;
})();
