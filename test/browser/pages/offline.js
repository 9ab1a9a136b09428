// A TV app that starts offline: registers ondeck's service worker (dist/browser/ondeck-sw.js,
// found next to ondeck.js by default), then drives the recommender. Classic script, ES2017 at
// most. runScenario({ op, ... }) performs one step and returns JSON.
(function () {
  'use strict';
  var recommender = null;
  var events = [];

  function controllerScript() {
    return navigator.serviceWorker && navigator.serviceWorker.controller ? navigator.serviceWorker.controller.scriptURL : null;
  }

  var operations = {
    register: async function (args) {
      var setup = await Ondeck.registerServiceWorker(undefined, { scope: args.scope, immediate: true, controlTimeoutMilliseconds: args.controlTimeoutMilliseconds });
      return {
        controlling: setup.controlling,
        reason: setup.reason || null,
        message: setup.message || null,
        registered: Boolean(setup.registration),
        scope: setup.registration ? setup.registration.scope : null,
        activeScript: setup.registration && setup.registration.active ? setup.registration.active.scriptURL : null,
        controllerScript: controllerScript(),
        hasServiceWorkerApi: Boolean(navigator.serviceWorker)
      };
    },
    // Every Cache Storage cache with the path (and query) of each stored request.
    caches: async function () {
      var result = {};
      var names = await caches.keys();
      for (var i = 0; i < names.length; i++) {
        var requests = await (await caches.open(names[i])).keys();
        result[names[i]] = requests.map(function (request) {
          var url = new URL(request.url);
          return url.pathname + url.search;
        });
      }
      return result;
    },
    start: async function (args) {
      // workerUrl and ortBaseUrl left to their defaults: next to ondeck.js (/dist/).
      recommender = Ondeck.createRecommender({
        modelUrl: args.modelUrl,
        databaseName: args.databaseName || 'ondeck-offline-test',
        backend: args.backend,
        threads: args.threads
      });
      ['ready', 'update', 'error'].forEach(function (name) {
        recommender.on(name, function (payload) {
          events.push({ event: name, code: payload && payload.code });
        });
      });
      var status = await recommender.ready;
      return { status: status, controllerScript: controllerScript() };
    },
    track: async function (args) {
      var results = [];
      for (var i = 0; i < args.events.length; i++) results.push(await recommender.track(args.events[i]));
      return results;
    },
    recommend: function (args) {
      return recommender.recommend(args.request);
    },
    status: function () {
      return recommender.status();
    },
    events: function () {
      return events;
    }
  };

  window.runScenario = function (args) {
    var operation = operations[args.op];
    if (!operation) throw new Error('offline.js: unknown op ' + args.op);
    return operation(args);
  };
  window.scenarioReady = true;
})();
