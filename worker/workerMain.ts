/**
 * Entry point of the engine's Web Worker (built as a classic script, dist/browser/ondeck-worker.js,
 * because old TV engines have no module workers). Exposes one {@link Engine} through comlink, or,
 * started as a screening helper of the `js` kernel, serves that instead.
 */
// First: stops the worker with a clear report where the engine lacks what ondeck needs.
import { missingWorkerCapabilities } from './compat/stopUnlessWorkerCapable';
import { expose } from 'comlink';
import { startScreeningHelperIfAsked } from './backends/parallel/spawnScreeningHelperWorker';
import { Engine } from './Engine';
import { registerErrorTransfer } from './registerErrorTransfer';

// The same script also runs the js kernel's screening helpers (started by the engine's worker
// with a URL fragment): those serve part of the table and nothing else.
if (missingWorkerCapabilities.length === 0 && !startScreeningHelperIfAsked()) {
  registerErrorTransfer();
  expose(new Engine());
}
