// Test-only worker: the real engine (dist/browser/ondeck-worker.js) plus a way for the page to
// crash it for real: an uncaught exception, reported to the page as the worker's `error` event.
// The page asks over a BroadcastChannel because it has no handle on the SDK's worker.
importScripts('/dist/ondeck-worker.js');
var channel = new BroadcastChannel('ondeck-crash-test');
channel.onmessage = function (event) {
  if (event.data === 'crash')
    setTimeout(function () {
      throw new Error('simulated engine crash');
    }, 0);
};
