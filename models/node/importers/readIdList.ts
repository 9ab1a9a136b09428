import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';

/**
 * Reads the item ids that go with a factor matrix saved without them (numpy's `.npy` has no ids),
 * in row order. The format follows the extension:
 * - `.json`: a JSON array of strings or integers;
 * - `.csv`: a header line, then one record per item whose first field is the id (RFC 4180 quoting);
 * - anything else (`items.txt`): one id per line.
 *
 * Ids are kept verbatim (no trimming beyond the line break); empty ids are errors, and so are
 * duplicates. Failures throw `OndeckError('import-failed')` naming the file.
 *
 * @example
 * ```ts
 * const itemIds = await readIdList('items.txt'); // ['tt0111161', 'tt0068646', …]
 * ```
 */
export async function readIdList(path: string): Promise<string[]> {
  const fail = (reason: string): never => {
    throw new OndeckError('import-failed', { path, reason });
  };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OndeckError('file-not-found', { path });
    return fail(`cannot read the id list: ${(error as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors on Windows add a BOM

  const extension = extname(path).toLowerCase();
  const ids = extension === '.json' ? parseJsonIds(text, fail) : extension === '.csv' ? parseCsvIds(text, fail) : parseLineIds(text, fail);

  const seenAt = new Map<string, number>();
  ids.forEach((id, index) => {
    if (id === '') fail(`id ${index + 1} is empty`);
    const earlier = seenAt.get(id);
    if (earlier !== undefined) fail(`duplicate id "${id}" (entries ${earlier + 1} and ${index + 1})`);
    seenAt.set(id, index);
  });
  return ids;
}

type Fail = (reason: string) => never;

function parseJsonIds(text: string, fail: Fail): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) return fail('expected a JSON array of ids');
  return parsed.map((id, index) => {
    if (typeof id === 'string') return id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
    return fail(`entry ${index + 1} is ${JSON.stringify(id)}, expected a string or an integer`);
  });
}

function parseLineIds(text: string, fail: Fail): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  // A final newline is the norm for text files; it does not start another id.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, index) => {
    if (line === '') fail(`line ${index + 1} is empty`);
  });
  return lines;
}

function parseCsvIds(text: string, fail: Fail): string[] {
  const firstFields: string[] = [];
  let field = '';
  let fieldIndex = 0;
  let line = 1;
  let quoted = false;
  let position = 0;
  const endRecord = (): void => {
    firstFields.push(field);
    field = '';
    fieldIndex = 0;
  };
  // A small RFC 4180 scanner: only the first field of each record is kept, but quotes must be
  // tracked everywhere because a quoted field may hold commas or line breaks.
  while (position < text.length) {
    const char = text[position++];
    if (quoted) {
      if (char === '"' && text[position] === '"') {
        if (fieldIndex === 0) field += '"';
        position++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        if (fieldIndex === 0) field += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ',') fieldIndex++;
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[position] === '\n') position++;
      endRecord();
      line++;
    } else if (fieldIndex === 0) field += char;
  }
  if (quoted) fail(`unterminated quoted field (line ${line})`);
  if (field !== '' || fieldIndex > 0) endRecord();
  if (firstFields.length === 0) fail('the CSV file is empty (expected a header line)');
  return firstFields.slice(1); // the header names the column, it is not an id
}
