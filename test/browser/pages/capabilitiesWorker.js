// Classic worker script (old TV engines have no module workers): answers one message with
// facts only the worker side can tell, proving a real round trip.
self.onmessage = function (event) {
  self.postMessage({
    doubled: event.data.value * 2,
    indexedDb: typeof indexedDB,
    webAssembly: typeof WebAssembly,
    // Chromium 69+ lets dedicated workers start workers; WPE 2.38 does not.
    nestedWorker: typeof Worker
  });
};
