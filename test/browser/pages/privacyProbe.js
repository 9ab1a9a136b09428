// Loaded before ondeck.js: notes every request the page's own realm starts through an API that
// can carry data away (navigator.sendBeacon, fetch, XMLHttpRequest, WebSocket, EventSource),
// calling the real API afterwards, so privacy.browser.test.ts can check the method and origin
// of each. Workers and the service worker have realms of their own, out of its reach: the
// server records what reaches this origin, and the page's CSP (report-only) reports requests
// to any other origin from every context. Classic script, ES2017 at most.
(function () {
  'use strict';
  var attempts = [];

  function note(api, method, url) {
    var href = String(url);
    var sameOrigin = false;
    try {
      var absolute = new URL(href, location.href);
      href = absolute.href;
      sameOrigin = absolute.origin === location.origin;
    } catch (error) {
      // An unparsable URL is noted as it is, and counts as foreign.
    }
    attempts.push({ api: api, method: String(method || 'GET').toUpperCase(), url: href, sameOrigin: sameOrigin });
  }

  if (navigator.sendBeacon) {
    var sendBeacon = navigator.sendBeacon;
    navigator.sendBeacon = function (url, data) {
      note('sendBeacon', 'POST', url);
      return sendBeacon.call(navigator, url, data);
    };
  }
  var fetchOriginal = window.fetch;
  window.fetch = function (input, init) {
    var isRequest = typeof Request === 'function' && input instanceof Request;
    note('fetch', (init && init.method) || (isRequest ? input.method : 'GET'), isRequest ? input.url : input);
    return fetchOriginal.apply(this, arguments);
  };
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    note('XMLHttpRequest', method, url);
    return open.apply(this, arguments);
  };
  ['WebSocket', 'EventSource'].forEach(function (name) {
    var Original = window[name];
    if (typeof Original !== 'function') return;
    var Wrapped = function (url, second) {
      note(name, 'GET', url);
      return arguments.length > 1 ? new Original(url, second) : new Original(url);
    };
    Wrapped.prototype = Original.prototype;
    window[name] = Wrapped;
  });
  // Resource timing sees everything this realm loaded, however started (scripts, images…).
  if (performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(100000);

  window.privacyProbe = {
    /** What the page's realm started, and every resource it loaded, as URLs. */
    report: function () {
      return {
        attempts: attempts.slice(),
        resources: performance.getEntriesByType('resource').map(function (entry) {
          return entry.name;
        }),
        userAgent: navigator.userAgent
      };
    }
  };
})();
