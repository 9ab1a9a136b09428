import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** An output file being written; readers see it only after {@link AtomicOutputFile.commit}. */
export interface AtomicOutputFile {
  /** Where to write the content (a temporary sibling of the final path). */
  readonly stream: WriteStream;
  /** Flushes and closes the stream, then renames the temporary file onto the final path. */
  commit(): Promise<void>;
  /** Closes the stream and deletes the temporary file; the final path is left untouched. */
  abort(): Promise<void>;
}

/**
 * Opens `path` for a streamed, all-or-nothing write: content goes to a hidden temporary file in
 * the same directory (so the rename stays on one file system and is atomic) and replaces `path`
 * only on {@link AtomicOutputFile.commit}. A failure half way (bad input under --strict, a crash)
 * therefore never leaves a partial file a downstream job could mistake for a finished batch.
 *
 * @example
 * ```ts
 * const output = openAtomicOutputFile('out.jsonl');
 * try {
 *   output.stream.write('…\n');
 *   await output.commit();
 * } catch (error) {
 *   await output.abort();
 *   throw error;
 * }
 * ```
 */
export function openAtomicOutputFile(path: string): AtomicOutputFile {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  const stream = createWriteStream(temporary);
  // Recorded rather than thrown: the caller learns of a write error through commit().
  let failure: Error | undefined;
  stream.on('error', (error) => (failure ??= error));
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (stream.closed) resolve();
      else stream.end(() => resolve());
    });
  return {
    stream,
    async commit() {
      await close();
      if (failure) {
        await rm(temporary, { force: true });
        throw failure;
      }
      await rename(temporary, path);
    },
    async abort() {
      await close();
      await rm(temporary, { force: true });
    },
  };
}
