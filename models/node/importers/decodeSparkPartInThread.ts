import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OndeckError } from '../../errors/OndeckError';
import type { SparkPart } from './decodeSparkPart';
import type { SparkPartReply } from './SparkPartReply';

/** Limits of {@link decodeSparkPartInThread}. */
export interface SparkPartThreadOptions {
  /**
   * The built thread entry, `sparkPartThread.js`.
   * @defaultValue `sparkPartThread.js` next to the running bundle (`dist/`)
   */
  readonly threadScript?: URL | string;
  /**
   * How long one part file may take to decode.
   * @defaultValue 30 s plus 1 s per MiB of the file (a 100 MB Spark part decodes in a few seconds)
   */
  readonly timeoutMilliseconds?: number;
  /**
   * The thread's JavaScript heap limit.
   * @defaultValue 1 GiB, or 16 × the file's size when larger (decoded rows are JS objects)
   */
  readonly heapLimitMegabytes?: number;
}

/**
 * Decodes one Spark part file ({@link decodeSparkPart}) in a worker thread that is stopped when
 * it takes too long or outgrows its heap. The Parquet decoder (hyparquet) trusts the page
 * headers it reads: a corrupt one made it loop for good, synchronously, inside
 * `parquetReadObjects` (found by fuzzing, issue 12), and no timer can interrupt a loop on the
 * thread it runs on. In a thread of its own it can be terminated, and `ondeck import` ends with
 * a typed error naming the file instead of hanging.
 *
 * @throws OndeckError `import-failed` naming the file: the decoder's own errors, a decode that did
 *   not finish in time, a thread that ran out of memory; also when the thread entry is not built.
 */
export async function decodeSparkPartInThread(file: string, options: SparkPartThreadOptions = {}): Promise<SparkPart> {
  const script = resolveThreadScript(options.threadScript);
  const sizeMiB = (await stat(file)).size / 2 ** 20;
  const timeoutMilliseconds = options.timeoutMilliseconds ?? 30_000 + Math.ceil(sizeMiB) * 1000;
  const heapLimitMegabytes = options.heapLimitMegabytes ?? Math.max(1024, Math.ceil(16 * sizeMiB));
  const thread = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: heapLimitMegabytes } });
  const fail = (reason: string): OndeckError => new OndeckError('import-failed', { path: file, reason });
  try {
    return await new Promise<SparkPart>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(fail(`decoding did not finish within ${Math.round(timeoutMilliseconds / 1000)} s; the file's page data is probably corrupt`));
      }, timeoutMilliseconds);
      const settle = (action: () => void): void => {
        clearTimeout(timer);
        action();
      };
      thread.once('message', (reply: SparkPartReply) => settle(() => (reply.ok ? resolve(reply.part) : reject(new OndeckError(reply.code, reply.details)))));
      thread.once('error', (error: Error & { code?: string }) =>
        settle(() =>
          reject(
            fail(
              error.code === 'ERR_WORKER_OUT_OF_MEMORY'
                ? `decoding needed more than ${heapLimitMegabytes} MB; the file's page data is probably corrupt`
                : `the decoding thread failed (${error.message})`,
            ),
          ),
        ),
      );
      thread.once('exit', (exitCode) => settle(() => reject(fail(`the decoding thread ended (exit ${exitCode}) without an answer`))));
      thread.postMessage(file);
    });
  } finally {
    // After an answer the thread is idle; after a timeout it is still looping: end it either way.
    await thread.terminate();
  }
}

function resolveThreadScript(explicit?: URL | string): URL | string {
  if (explicit) return explicit;
  const besideBundle = new URL('./sparkPartThread.js', import.meta.url);
  if (!existsSync(fileURLToPath(besideBundle))) {
    throw new OndeckError('import-failed', { reason: `reading Parquet needs ${fileURLToPath(besideBundle)}; run \`npm run build\`` });
  }
  return besideBundle;
}
