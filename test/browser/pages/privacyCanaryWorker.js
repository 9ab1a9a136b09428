// A worker that sends a request to another origin on purpose (the URL it is posted), so
// privacy.browser.test.ts can prove its detectors notice what a worker sends away. Classic
// worker script, ES2017 at most.
self.onmessage = function (event) {
  fetch(event.data, { mode: 'no-cors' }).then(
    function () {
      self.postMessage('sent');
    },
    function (error) {
      self.postMessage('failed: ' + error);
    }
  );
};
