// Included first by every scenario page (a classic script, ES2017 at most: WPE 2.38 is
// Safari-16-era and TV engines are older). It records uncaught errors and unhandled rejections
// in window.scenarioErrors, so the Node side can fail with the page's own message, e.g. when a
// script does not even parse in an old engine and window.scenarioReady is never set.
(function () {
  'use strict';
  window.scenarioErrors = [];
  window.scenarioReady = false;
  window.addEventListener(
    'error',
    function (event) {
      var where = event.filename ? ' (' + event.filename + ':' + event.lineno + ':' + event.colno + ')' : '';
      var target = event.target && event.target !== window && event.target.src ? ' loading ' + event.target.src : '';
      window.scenarioErrors.push('error: ' + (event.message || 'resource failed' + target) + where);
    },
    true
  );
  window.addEventListener('unhandledrejection', function (event) {
    var reason = event.reason;
    window.scenarioErrors.push('unhandled rejection: ' + (reason && reason.stack ? reason.stack : String(reason)));
  });
})();
