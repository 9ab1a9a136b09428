// IndexedDB persistence probe (classic script, ES2017): runScenario({ op: 'write', key, value })
// stores a value, runScenario({ op: 'read', key }) reads it back (null when absent), so a test
// can prove a value outlives a reload of the page.
(function () {
  'use strict';
  var databaseName = 'ondeck-storage-probe';

  function requestToPromise(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function openDatabase() {
    var opening = indexedDB.open(databaseName, 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore('values');
    };
    return requestToPromise(opening);
  }

  window.runScenario = async function (args) {
    var database = await openDatabase();
    try {
      if (args.op === 'write') {
        var writing = database.transaction('values', 'readwrite');
        writing.objectStore('values').put(args.value, args.key);
        await new Promise(function (resolve, reject) {
          writing.oncomplete = resolve;
          writing.onerror = function () {
            reject(writing.error);
          };
          writing.onabort = function () {
            reject(writing.error || new Error('transaction aborted'));
          };
        });
        return true;
      }
      if (args.op === 'read') {
        var value = await requestToPromise(database.transaction('values').objectStore('values').get(args.key));
        return value === undefined ? null : value;
      }
      throw new Error('storage.js: unknown op ' + args.op);
    } finally {
      database.close();
    }
  };
  window.scenarioReady = true;
})();
