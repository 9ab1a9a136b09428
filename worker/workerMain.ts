/**
 * Entry point of the engine's Web Worker (built as a classic script, dist/browser/ondeck-worker.js,
 * because old TV engines have no module workers). Exposes one {@link Engine} through comlink.
 */
import { expose } from 'comlink';
import { Engine } from './Engine';
import { registerErrorTransfer } from './registerErrorTransfer';

registerErrorTransfer();
expose(new Engine());
