// Network probe (classic script, ES2017): runScenario({ url }) fetches `url` and reports the HTTP
// status, or the rejection when the request never got an answer (the box is offline).
(function () {
  'use strict';
  window.runScenario = async function (args) {
    try {
      var response = await fetch(args.url, { cache: 'no-store' });
      var text = await response.text();
      return { fetched: true, status: response.status, length: text.length };
    } catch (error) {
      return { fetched: false, error: String(error) };
    }
  };
  window.scenarioReady = true;
})();
