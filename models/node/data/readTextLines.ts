import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { OndeckError } from '../../errors/OndeckError';

/**
 * How the bytes of a text file become characters.
 * - `'utf-8'`: lines that are not valid UTF-8 are skipped (reported through `onInvalidLine`) or,
 *   under `strict`, throw `invalid-encoding`.
 * - `'latin1'`: every byte is one character (ISO-8859-1); never fails.
 * - `'utf-8-or-latin1'`: UTF-8, but a line that is not valid UTF-8 is read as latin-1 instead of
 *   being skipped. For metadata files that were shipped in either encoding (MovieLens 1M and 100k
 *   titles are latin-1, later releases UTF-8).
 */
export type TextEncodingMode = 'utf-8' | 'latin1' | 'utf-8-or-latin1';

/** Options of {@link readTextLines}. */
export interface ReadTextLinesOptions {
  /** @defaultValue `'utf-8'` */
  readonly encoding?: TextEncodingMode;
  /**
   * Throw `OndeckError('invalid-encoding', { file, line })` on the first line that is not valid
   * UTF-8 instead of skipping it.
   * @defaultValue false
   */
  readonly strict?: boolean;
  /** Called with the 1-based number of each line skipped for invalid UTF-8 (non-strict mode). */
  readonly onInvalidLine?: (lineNumber: number) => void;
  /**
   * Bytes read per chunk (capped at `maxLineBytes`).
   * @defaultValue 1 MiB
   */
  readonly chunkSize?: number;
  /**
   * Longest line accepted, in bytes without its terminator; a longer one throws `malformed-input`.
   * @defaultValue {@link MAX_LINE_BYTES}
   */
  readonly maxLineBytes?: number;
}

/**
 * Longest line {@link readTextLines} accepts by default: 16 MiB. No record of any format ondeck
 * reads comes near it (a JSONL history of 100k items is ~2 MB); a longer "line" is a file with
 * no newlines (binary, or one huge JSON array), and reading it whole would cost gigabytes before
 * V8 gave up with an untyped "Cannot create a string longer than …".
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Called once per line with its text (no line terminator) and 1-based number. Return `false`
 * to stop reading early (e.g. after sniffing a header).
 */
export type TextLineHandler = (text: string, lineNumber: number) => void | boolean;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Streams a text file line by line with 1-based line numbers, in constant memory whatever the
 * file size (chunks are decoded as they arrive; a 500 MB file is never one string).
 *
 * Handles `\n` and `\r\n` endings, drops a leading UTF-8 byte-order mark, and checks UTF-8
 * validity per line so one bad byte costs one line, not the file. Blank lines are passed on
 * (as `""`); callers decide whether they matter.
 *
 * @returns the number of lines seen (including skipped ones).
 * Memory stays bounded by `maxLineBytes` (plus one chunk) even for a file without newlines: a
 * line is refused as soon as its bytes pass the maximum, before it is joined or decoded.
 *
 * @throws OndeckError `file-not-found` when the file does not exist, `invalid-encoding` under
 *   `strict` for a line that is not valid UTF-8, `malformed-input` (with `{ file, line,
 *   maxLineBytes }`) for a line longer than `maxLineBytes`, whatever `strict` says: such a line
 *   cannot be skipped without reading it.
 *
 * @example
 * ```ts
 * await readTextLines('ratings.csv', (text, lineNumber) => {
 *   if (lineNumber === 1) return; // header
 *   const [user, item] = text.split(',');
 * }, { onInvalidLine: (line) => console.warn(`ratings.csv:${line} is not UTF-8`) });
 * ```
 */
export async function readTextLines(file: string, onLine: TextLineHandler, options: ReadTextLinesOptions = {}): Promise<number> {
  const encoding = options.encoding ?? 'utf-8';
  let lineNumber = 0;
  let atStart = true;

  const emit = (bytes: Buffer): boolean => {
    let text = bytes.toString(encoding === 'latin1' ? 'latin1' : 'utf8');
    if (text.length > 0 && text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) text = text.slice(0, -1);
    return onLine(text, lineNumber) !== false;
  };

  // `region` holds whole lines; `endsWithNewline` is false only for the unterminated last line.
  const processRegion = (region: Buffer, endsWithNewline: boolean): boolean => {
    if (atStart) {
      atStart = false;
      if (region.length >= 3 && region[0] === 0xef && region[1] === 0xbb && region[2] === 0xbf) {
        region = region.subarray(3);
      }
    }
    if (encoding === 'latin1' || isUtf8(region)) {
      // Fast path: the whole region decodes at once and is split into lines as a string.
      const lines = region.toString(encoding === 'latin1' ? 'latin1' : 'utf8').split('\n');
      const count = endsWithNewline ? lines.length - 1 : lines.length;
      for (let i = 0; i < count; i++) {
        lineNumber++;
        let text = lines[i];
        if (text.length > 0 && text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) text = text.slice(0, -1);
        if (onLine(text, lineNumber) === false) return false;
      }
      return true;
    }
    // Slow path, only for regions holding a bad byte: validate line by line to find which.
    let start = 0;
    while (start < region.length) {
      let end = region.indexOf(NEWLINE, start);
      if (end === -1) end = region.length;
      const bytes = region.subarray(start, end);
      start = end + 1;
      lineNumber++;
      if (isUtf8(bytes)) {
        if (!emit(bytes)) return false;
      } else if (encoding === 'utf-8-or-latin1') {
        let text = bytes.toString('latin1');
        if (text.length > 0 && text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) text = text.slice(0, -1);
        if (onLine(text, lineNumber) === false) return false;
      } else if (options.strict) {
        throw new OndeckError('invalid-encoding', { file, line: lineNumber });
      } else {
        options.onInvalidLine?.(lineNumber);
      }
    }
    return true;
  };

  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  // Chunks no larger than the maximum mean a too-long line always spans chunks, so checking the
  // pieces collected in `pending` below catches every one.
  const stream = createReadStream(file, { highWaterMark: Math.min(options.chunkSize ?? 1 << 20, maxLineBytes) });
  // Pieces of a line that spans chunk boundaries; joined once its newline arrives, so a very long
  // line costs one copy, not one per chunk.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Collects a piece of the line being read, refusing the line once it is longer than allowed. */
  const addPending = (piece: Buffer, endsLine: boolean): void => {
    pendingBytes += piece.length;
    // A line's terminator (`\n`, or `\r\n`) is not part of its length.
    const terminator = endsLine ? (piece.length >= 2 && piece[piece.length - 2] === CARRIAGE_RETURN ? 2 : 1) : 0;
    if (pendingBytes - terminator > maxLineBytes) {
      throw new OndeckError('malformed-input', { file, line: lineNumber + 1, maxLineBytes, reason: `line longer than ${maxLineBytes} bytes (the maximum)` });
    }
    pending.push(piece);
  };
  let stopped = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let data = chunk;
      if (pending.length > 0) {
        const firstNewline = chunk.indexOf(NEWLINE);
        if (firstNewline === -1) {
          addPending(chunk, false);
          continue;
        }
        addPending(chunk.subarray(0, firstNewline + 1), true);
        const joined = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        if (!processRegion(joined, true)) {
          stopped = true;
          break;
        }
        data = chunk.subarray(firstNewline + 1);
      }
      const lastNewline = data.lastIndexOf(NEWLINE);
      if (lastNewline === -1) {
        if (data.length > 0) addPending(data, false);
        continue;
      }
      if (!processRegion(data.subarray(0, lastNewline + 1), true)) {
        stopped = true;
        break;
      }
      if (lastNewline + 1 < data.length) addPending(data.subarray(lastNewline + 1), false);
    }
  } catch (error) {
    throw translateFileError(error, file);
  } finally {
    stream.destroy();
  }
  if (!stopped && pending.length > 0) {
    const tail = Buffer.concat(pending);
    if (tail.length > 0) processRegion(tail, false);
  }
  return lineNumber;
}

/** Turns Node's ENOENT/EISDIR into OndeckErrors; passes everything else (incl. OndeckErrors) on. */
function translateFileError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new OndeckError('file-not-found', { path: file });
  if (code === 'EISDIR') return new OndeckError('invalid-argument', { name: 'file', value: file, reason: `${file} is a directory, not a file` });
  return error;
}
