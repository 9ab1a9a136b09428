import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadGenericCsv } from '../../../../models/node/data/loadGenericCsv';
import { isOndeckError, type OndeckError } from '../../../../models/errors/OndeckError';
import { bytes, tempDirWith } from '../../../support/tempFiles';
import { timesByItem } from '../../../support/timesByItem';

async function failure(promise: Promise<unknown>): Promise<OndeckError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOndeckError(error)) throw new Error(`expected an OndeckError, got ${String(error)}`);
  return error;
}

describe('loadGenericCsv', () => {
  it('keeps ids of any form verbatim: leading zeros, UUIDs, huge numbers, quoted commas', async () => {
    const dir = await tempDirWith({
      'events.csv': ['User_ID,ITEMID', '007,0042', '3f2504e0-4f89-11d3-9a0c-0305e82c3301,12345678901234567890123', '"smith, j",42', '007,42'].join('\n'),
    });
    const { interactions } = await loadGenericCsv(join(dir, 'events.csv'));
    expect(interactions.userIds).toEqual(['007', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'smith, j']);
    expect(interactions.itemIds).toEqual(['0042', '12345678901234567890123', '42']);
    expect(Array.from(interactions.weights)).toEqual([1, 1, 1, 1]);
  });

  it('sums weights of repeated pairs and skips NaN, negative and zero weights with file:line warnings', async () => {
    const dir = await tempDirWith({
      'plays.csv': [
        'user,item,weight,timestamp', // 1
        'a,x,2,1', // 2
        'a,x,3.5,2', // 3 duplicate
        'a,y,,3', // 4 empty weight → 1
        'b,x,NaN,4', // 5
        'b,y,-1,5', // 6
        'b,z,0,6', // 7
        'b,z,abc,7', // 8
        'b,z,1', // 9 wrong field count
        'b,,1,9', // 10 empty item
        'b,w,4,10', // 11
      ].join('\r\n'),
    });
    const file = join(dir, 'plays.csv');
    const { interactions, report } = await loadGenericCsv(file);
    expect(interactions.userIds).toEqual(['a', 'b']);
    expect(interactions.itemIds).toEqual(['x', 'y', 'w']);
    expect(Array.from(interactions.weights)).toEqual([5.5, 1, 4]);
    expect(report.duplicatesAggregated).toBe(1);
    expect(report.linesRead).toBe(10);
    expect(report.skippedLines).toBe(6);
    expect(report.warnings.map((w) => w.line)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(report.warnings.every((w) => w.file === file)).toBe(true);
    expect(report.warnings[1].reason).toContain('-1');
  });

  it('thresholds a rating column like MovieLens and ignores weight then', async () => {
    const dir = await tempDirWith({ 'r.csv': 'userId,itemId,rating,weight\nu,a,4,10\nu,b,3.9,10\nu,c,5,10\nv,a,4.5,1\n' });
    const { interactions, report } = await loadGenericCsv(join(dir, 'r.csv'));
    expect(interactions.itemIds).toEqual(['a', 'c']);
    expect(Array.from(interactions.weights)).toEqual([1, 1, 1]);
    expect(report.belowThreshold).toBe(1);
    const lenient = await loadGenericCsv(join(dir, 'r.csv'), { minRating: 3 });
    expect(lenient.interactions.itemIds).toEqual(['a', 'b', 'c']);
  });

  it('reads a tab-separated file with the same header rules', async () => {
    const dir = await tempDirWith({ 'e.tsv': 'user_id\titem_id\tweight\nu1\tmovie, the\t2\n' });
    const { interactions } = await loadGenericCsv(join(dir, 'e.tsv'));
    expect(interactions.itemIds).toEqual(['movie, the']);
    expect(Array.from(interactions.weights)).toEqual([2]);
  });

  it('names the file and the missing column when user or item is absent', async () => {
    const dir = await tempDirWith({ 'e.csv': 'user,movie,weight\nu,m,1\n' });
    const error = await failure(loadGenericCsv(join(dir, 'e.csv')));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ file: join(dir, 'e.csv'), column: 'item' });
    expect(error.message).toContain('e.csv');
    expect(error.message).toContain('"item"');
  });

  it('throws malformed-input with the line under strict', async () => {
    const dir = await tempDirWith({ 'e.csv': 'user,item,weight\nu,a,1\nu,b,-2\n' });
    const error = await failure(loadGenericCsv(join(dir, 'e.csv'), { strict: true }));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('skips non-UTF-8 lines with a warning', async () => {
    const dir = await tempDirWith({ 'e.csv': bytes('user,item\nu,', [0xe9], 't\u00e9\nu,ok\n') });
    const { interactions, report } = await loadGenericCsv(join(dir, 'e.csv'));
    expect(interactions.itemIds).toEqual(['ok']);
    expect(report.warnings).toEqual([{ file: join(dir, 'e.csv'), line: 2, reason: 'not valid UTF-8' }]);
  });

  it('reports empty-data for a header-only or fully skipped file', async () => {
    const dir = await tempDirWith({ 'header.csv': 'user,item\n', 'bad.csv': 'user,item,weight\nu,a,0\n', 'blank.csv': '' });
    expect((await failure(loadGenericCsv(join(dir, 'header.csv')))).code).toBe('empty-data');
    expect((await failure(loadGenericCsv(join(dir, 'bad.csv')))).code).toBe('empty-data');
    expect((await failure(loadGenericCsv(join(dir, 'blank.csv')))).code).toBe('empty-data');
  });

  it('adds an items.csv catalog: every item a column, placeholders for the rest', async () => {
    const dir = await tempDirWith({
      'events.csv': 'user,item\nu1,b\nu1,zz\n',
      'items.csv': 'id,title,genres\na,Alpha,Drama\nb,Beta,Comedy|Drama\n',
    });
    const { interactions, items } = await loadGenericCsv(join(dir, 'events.csv'), { itemsFile: join(dir, 'items.csv') });
    expect(interactions.itemIds).toEqual(['a', 'b', 'zz']);
    expect(items.get('b')).toEqual({ id: 'b', title: 'Beta', genres: ['Comedy', 'Drama'] });
    expect(items.get('zz')).toEqual({ id: 'zz', title: 'zz', genres: [] });
  });
});

describe('loadGenericCsv header with a repeated column', () => {
  it('refuses `user,user,item,item` with malformed-input naming the column', async () => {
    const dir = await tempDirWith({ 'events.csv': 'user,user,item,item\na,b,x,y\n' });
    const error = await failure(loadGenericCsv(join(dir, 'events.csv')));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ line: 1, column: 'user' });
    expect(error.message).toContain('"user"');
  });

  it('compares names as findColumn does (`item_id,ItemId`), and lets empty names repeat', async () => {
    const dir = await tempDirWith({ 'events.csv': 'user,item_id,ItemId\na,x,y\n', 'ok.csv': 'user,item,,\na,x,,\n' });
    const error = await failure(loadGenericCsv(join(dir, 'events.csv')));
    expect(error.details).toMatchObject({ column: 'ItemId' });
    const { interactions } = await loadGenericCsv(join(dir, 'ok.csv'));
    expect(interactions.itemIds).toEqual(['x']);
  });

  it('refuses two aliases of one column (`user,userid,item`): which one holds the users is unknowable', async () => {
    const dir = await tempDirWith({ 'events.csv': 'user,userid,item\na,b,x\n' });
    const error = await failure(loadGenericCsv(join(dir, 'events.csv')));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ line: 1, column: 'userid' });
    expect(error.message).toContain('"user" and "userid" both name the user column');
  });
});

describe('loadGenericCsv times', () => {
  it('keeps the time column as entry times, the latest of summed events, under any alias', async () => {
    for (const name of ['timestamp', 'Time', 'ts']) {
      const dir = await tempDirWith({ 'events.csv': `user,item,weight,${name}\na,x,1,100\na,y,2,2024-05-01T10:00:00Z\na,x,1,50\nb,x,1,300\n` });
      const { interactions, report } = await loadGenericCsv(join(dir, 'events.csv'));
      expect(report.skippedLines, name).toBe(0);
      expect(timesByItem(interactions, 'a'), name).toEqual({ x: 100, y: 1714557600 });
      expect(timesByItem(interactions, 'b'), name).toEqual({ x: 300 });
    }
  });

  it('has no times without a time column', async () => {
    const dir = await tempDirWith({ 'events.csv': 'user,item,weight\na,x,1\n' });
    expect((await loadGenericCsv(join(dir, 'events.csv'))).interactions.times).toBeUndefined();
  });

  it('skips and counts a line whose time is not a time, or fails on it under strict', async () => {
    const file = 'events.csv';
    const dir = await tempDirWith({ [file]: 'user,item,rating,timestamp\na,x,5,100\na,y,5,soon\na,z,5,\nb,x,1,NaN\nb,y,5,200\n' });
    const { interactions, report } = await loadGenericCsv(join(dir, file));
    // Lines 3–5 are bad, the below-threshold line 5 included: a malformed line is malformed whatever its rating.
    expect(report.skippedLines).toBe(3);
    expect(report.belowThreshold).toBe(0);
    expect(report.warnings.map((w) => w.line)).toEqual([3, 4, 5]);
    expect(report.warnings[0].reason).toContain('"soon"');
    expect(timesByItem(interactions, 'a')).toEqual({ x: 100 });
    expect(timesByItem(interactions, 'b')).toEqual({ y: 200 });
    const error = await failure(loadGenericCsv(join(dir, file), { strict: true }));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('refuses two time columns (`timestamp,ts`)', async () => {
    const dir = await tempDirWith({ 'events.csv': 'user,item,timestamp,ts\na,x,1,2\n' });
    const error = await failure(loadGenericCsv(join(dir, 'events.csv')));
    expect(error.code).toBe('malformed-input');
    expect(error.message).toContain('both name the time column');
  });
});
