import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadItemsCsv } from '../../../../models/node/data/loadItemsCsv';
import { LoadReportBuilder } from '../../../../models/data/LoadReportBuilder';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import { tempDirWith } from '../../../support/tempFiles';

const ITEMS = [
  'id,title,genres,maturity_rating,year,available_from,available_until', // 1
  'tt01,"Goodbye, ""Golden"" Tide",Drama|Romance,PG-13,2019,2025-01-01,2025-12-31', // 2
  '007,Kids Show,Kids|Animation,TV-Y7,,,', // 3
  'x9,Only a title,,,,,', // 4
  'x10,,,FSK 16,abc,2025-13-45,', // 5 bad year and date → dropped with warnings
  'tt01,Repeat,,,,,', // 6 repeated id
  ',No id,,,,,', // 7
  'short,line', // 8
].join('\n');

describe('loadItemsCsv', () => {
  it('reads every column, maps maturity labels to ages and keeps ids verbatim', async () => {
    const dir = await tempDirWith({ 'items.csv': ITEMS });
    const items = await loadItemsCsv(join(dir, 'items.csv'));
    expect([...items.keys()]).toEqual(['tt01', '007', 'x9', 'x10']);
    expect(items.get('tt01')).toEqual({
      id: 'tt01',
      title: 'Goodbye, "Golden" Tide',
      genres: ['Drama', 'Romance'],
      maturityRating: 'PG-13',
      maturityAge: 13,
      year: 2019,
      availableFrom: '2025-01-01',
      availableUntil: '2025-12-31',
    });
    expect(items.get('007')).toEqual({ id: '007', title: 'Kids Show', genres: ['Kids', 'Animation'], maturityRating: 'TV-Y7', maturityAge: 7 });
    expect(items.get('x9')).toEqual({ id: 'x9', title: 'Only a title', genres: [] });
    expect(items.get('x10')).toEqual({ id: 'x10', title: 'x10', genres: [], maturityRating: 'FSK 16', maturityAge: 16 });
  });

  it('records skipped lines and dropped fields in the report it is given', async () => {
    const dir = await tempDirWith({ 'items.csv': ITEMS });
    const file = join(dir, 'items.csv');
    const report = new LoadReportBuilder('test', false);
    await loadItemsCsv(file, { report });
    const finished = report.finish(0);
    expect(finished.skippedLines).toBe(3);
    expect(finished.warnings.map((w) => [w.line, w.reason.split(' ')[0]])).toEqual([
      [5, 'year'],
      [5, 'available_from'],
      [6, 'item'],
      [7, 'empty'],
      [8, 'expected'],
    ]);
    expect(finished.warnings.every((w) => w.file === file)).toBe(true);
  });

  it('accepts columns in any order and case, and throws malformed-input without an id column', async () => {
    const dir = await tempDirWith({ 'a.csv': 'Title,ID\nHello,h1\n', 'b.csv': 'name,title\nx,y\n' });
    expect((await loadItemsCsv(join(dir, 'a.csv'))).get('h1')).toEqual({ id: 'h1', title: 'Hello', genres: [] });
    const error = await loadItemsCsv(join(dir, 'b.csv')).catch((e: unknown) => e);
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ file: join(dir, 'b.csv'), line: 1 });
  });

  it('throws on the first problem under strict', async () => {
    const dir = await tempDirWith({ 'items.csv': ITEMS });
    const error = await loadItemsCsv(join(dir, 'items.csv'), { strict: true }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ line: 5 });
  });
});

describe('loadItemsCsv header with a repeated column', () => {
  it('refuses `id,title,title` with malformed-input naming the column', async () => {
    const dir = await tempDirWith({ 'items.csv': 'id,title,title\nx,One,Two\n' });
    const error = await loadItemsCsv(join(dir, 'items.csv')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ line: 1, column: 'title' });
  });

  it('refuses two aliases of one column (`id,title,name`)', async () => {
    const dir = await tempDirWith({ 'items.csv': 'id,title,name\nx,One,Two\n' });
    const error = await loadItemsCsv(join(dir, 'items.csv')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ line: 1, column: 'name' });
  });
});
