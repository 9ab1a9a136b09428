/**
 * Entry of the thread {@link decodeSparkPartInThread} starts (built to `dist/sparkPartThread.js`):
 * decodes the one part file it is sent and answers with its rows (the factors' buffer moved, not
 * copied) or with the typed error, as plain data since an OndeckError does not survive
 * structured cloning.
 */
import { parentPort } from 'node:worker_threads';
import { isOndeckError } from '../../errors/OndeckError';
import { decodeSparkPart } from './decodeSparkPart';
import type { SparkPartReply } from './SparkPartReply';

parentPort?.once('message', (file: string) => {
  decodeSparkPart(file).then(
    (part) => parentPort!.postMessage({ ok: true, part } satisfies SparkPartReply, [part.factors.buffer as ArrayBuffer]),
    (error: unknown) => {
      const reply: SparkPartReply = isOndeckError(error)
        ? { ok: false, code: error.code, details: error.details }
        : { ok: false, code: 'import-failed', details: { path: file, reason: `cannot decode the parquet data (${error instanceof Error ? error.message : String(error)})` } };
      parentPort!.postMessage(reply);
    },
  );
});
