// Drives the built SDK (dist/browser/ondeck.js, global `Ondeck`) through everything a viewer
// does, for privacy.browser.test.ts, which records every request meanwhile. The SDK's own
// defaults are used wherever an app would leave them (worker, ORT and service-worker URLs next to
// ondeck.js). Classic script, ES2017 at most. runScenario({ op, ... }) performs one step.
(function () {
  'use strict';
  var recommender = null;
  var events = [];

  function failure(error) {
    return { error: error && error.code ? error.code : 'no-code:' + String(error), message: error && error.message ? String(error.message) : String(error) };
  }

  function controllerScript() {
    return navigator.serviceWorker && navigator.serviceWorker.controller ? navigator.serviceWorker.controller.scriptURL : null;
  }

  var operations = {
    /** Registers ondeck-sw.js (next to ondeck.js) for the whole origin and waits for control. */
    register: async function () {
      var setup = await Ondeck.registerServiceWorker(undefined, { scope: '/', immediate: true });
      return { controlling: setup.controlling, reason: setup.reason || null, message: setup.message || null, controllerScript: controllerScript() };
    },
    start: async function (args) {
      events = [];
      var options = {};
      ['databaseName', 'modelUrl', 'syncUrl', 'publicKey', 'syncIntervalMs', 'backend', 'threads', 'profileId'].forEach(function (name) {
        if (args[name] !== undefined) options[name] = args[name];
      });
      recommender = Ondeck.createRecommender(options);
      ['ready', 'update', 'error'].forEach(function (name) {
        recommender.on(name, function (payload) {
          events.push({ event: name, code: payload && payload.code, message: payload && payload.message });
        });
      });
      try {
        return { status: await recommender.ready, controllerScript: controllerScript() };
      } catch (error) {
        return failure(error);
      }
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
    createProfile: function (args) {
      return recommender.profiles.create(args.profile);
    },
    switchProfile: function (args) {
      return recommender.profiles.switch(args.id);
    },
    listProfiles: function () {
      return recommender.profiles.list();
    },
    status: function () {
      return recommender.status();
    },
    sync: async function () {
      try {
        return { result: await recommender.sync() };
      } catch (error) {
        return failure(error);
      }
    },
    events: function () {
      return events;
    },
    dispose: async function () {
      await recommender.dispose();
      return 'disposed';
    },
    /** What privacyProbe.js saw in this page. */
    probe: function () {
      return window.privacyProbe.report();
    },
    /**
     * Does on purpose what the SDK must never do, to prove the detectors notice it: sends `leak`
     * to the app's own origin (a beacon with it as body, a GET with it in the query), and the
     * token to `otherOrigin` from the page (a beacon and a fetch) and from a worker.
     */
    canary: async function (args) {
      navigator.sendBeacon('/privacy/canary-beacon', args.leak);
      await fetch('/privacy/canary?viewer=' + encodeURIComponent(args.leak)).catch(function () {
        return null;
      });
      var base = args.otherOrigin + '/canary/' + args.token;
      var beacon = navigator.sendBeacon ? navigator.sendBeacon(base + '/beacon', 'beacon ' + args.token) : 'no sendBeacon';
      var fetched = await fetch(base + '/fetch', { mode: 'no-cors' }).then(
        function () {
          return 'sent';
        },
        function (error) {
          return 'failed: ' + error;
        }
      );
      var fromWorker = await new Promise(function (resolve) {
        var worker = new Worker('/pages/privacyCanaryWorker.js');
        worker.onmessage = function (event) {
          resolve(event.data);
          worker.terminate();
        };
        worker.onerror = function (event) {
          resolve('worker error: ' + event.message);
        };
        worker.postMessage(base + '/worker');
      });
      return { beacon: beacon, fetched: fetched, fromWorker: fromWorker, probe: window.privacyProbe.report() };
    }
  };

  window.runScenario = function (args) {
    var operation = operations[args.op];
    if (!operation) throw new Error('privacy.js: unknown op ' + args.op);
    return operation(args);
  };
  window.scenarioReady = true;
})();
