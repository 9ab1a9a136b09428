import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTextLines, type ReadTextLinesOptions } from '../../../../models/node/data/readTextLines';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import { bytes, tempDirWith } from '../../../support/tempFiles';

async function collect(file: string, options: ReadTextLinesOptions = {}) {
  const lines: [number, string][] = [];
  const invalid: number[] = [];
  const total = await readTextLines(file, (text, lineNumber) => void lines.push([lineNumber, text]), { ...options, onInvalidLine: (line) => invalid.push(line) });
  return { lines, invalid, total };
}

describe('readTextLines', () => {
  it('numbers lines from 1, strips CRLF and a BOM, keeps blank lines and an unterminated last line', async () => {
    const dir = await tempDirWith({ 'a.txt': bytes([0xef, 0xbb, 0xbf], 'first\r\nsecond\n\nfourth\r\nlast') });
    const { lines, total } = await collect(join(dir, 'a.txt'));
    expect(lines).toEqual([
      [1, 'first'],
      [2, 'second'],
      [3, ''],
      [4, 'fourth'],
      [5, 'last'],
    ]);
    expect(total).toBe(5);
  });

  it('gives the same lines whatever the chunk size (lines and multi-byte characters split across chunks)', async () => {
    const text = `héllo wörld\n${'x'.repeat(100)}€\nZoë 😀 naïve\r\n\nend`;
    const dir = await tempDirWith({ 'a.txt': bytes([0xef, 0xbb, 0xbf], text) });
    const expected = text.split('\n').map((line, i) => [i + 1, line.replace(/\r$/, '')]);
    for (const chunkSize of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const { lines } = await collect(join(dir, 'a.txt'), { chunkSize });
      expect(lines, `chunkSize ${chunkSize}`).toEqual(expected);
    }
  });

  it('skips a line holding invalid UTF-8 and reports its number, keeping the others', async () => {
    const dir = await tempDirWith({ 'a.txt': bytes('ok one\nbad ', [0xff, 0xfe], ' line\nok three\n') });
    for (const chunkSize of [4, 1 << 20]) {
      const { lines, invalid } = await collect(join(dir, 'a.txt'), { chunkSize });
      expect(lines).toEqual([
        [1, 'ok one'],
        [3, 'ok three'],
      ]);
      expect(invalid).toEqual([2]);
    }
  });

  it('throws invalid-encoding with file and line under strict', async () => {
    const dir = await tempDirWith({ 'a.txt': bytes('ok\nok\n', [0xc3, 0x28], '\n') });
    const file = join(dir, 'a.txt');
    const error = await readTextLines(file, () => {}, { strict: true }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'invalid-encoding')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({ file, line: 3 });
  });

  it('reads latin-1 lines as latin-1 in utf-8-or-latin1 mode and everything as latin-1 in latin1 mode', async () => {
    const dir = await tempDirWith({ 'a.txt': bytes('Café UTF-8\n', [0x43, 0x61, 0x66, 0xe9], ' latin\n') });
    const mixed = await collect(join(dir, 'a.txt'), { encoding: 'utf-8-or-latin1' });
    expect(mixed.lines).toEqual([
      [1, 'Café UTF-8'],
      [2, 'Café latin'],
    ]);
    expect(mixed.invalid).toEqual([]);
    const latin = await collect(join(dir, 'a.txt'), { encoding: 'latin1' });
    expect(latin.lines[0][1]).toBe('CafÃ© UTF-8');
    expect(latin.lines[1][1]).toBe('Café latin');
  });

  it('stops when the handler returns false', async () => {
    const dir = await tempDirWith({ 'a.txt': 'h\n1\n2\n3\n' });
    const seen: string[] = [];
    await readTextLines(join(dir, 'a.txt'), (text) => {
      seen.push(text);
      return seen.length < 2;
    });
    expect(seen).toEqual(['h', '1']);
  });

  it('reports a missing file as file-not-found', async () => {
    const dir = await tempDirWith();
    const error = await readTextLines(join(dir, 'nope.csv'), () => {}).catch((e: unknown) => e);
    expect(isOndeckError(error, 'file-not-found')).toBe(true);
  });
});

describe('readTextLines line length bound', () => {
  it('refuses a line longer than maxLineBytes with malformed-input naming the line, wherever it is', async () => {
    const long = 'x'.repeat(5000);
    const dir = await tempDirWith({ 'middle.txt': `a\nb\n${long}\nc\n`, 'last.txt': `a\n${long}`, 'fits.txt': `a\r\n${'y'.repeat(1024)}\r\nc` });
    for (const [name, line] of [
      ['middle.txt', 3],
      ['last.txt', 2],
    ] as const) {
      for (const chunkSize of [7, 1000, 1 << 20]) {
        const error = await collect(join(dir, name), { maxLineBytes: 1024, chunkSize }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isOndeckError(error, 'malformed-input'), `${name} chunk ${chunkSize}: ${String(error)}`).toBe(true);
        expect((error as { details: unknown }).details).toMatchObject({ line, maxLineBytes: 1024 });
      }
    }
    // Exactly the maximum (terminator not counted) is fine.
    const { lines } = await collect(join(dir, 'fits.txt'), { maxLineBytes: 1024, chunkSize: 100 });
    expect(lines.map(([, text]) => text.length)).toEqual([1, 1024, 1]);
  });
});
