import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { detectFormat } from '../../../../models/node/data/detectFormat';
import { loadDataset } from '../../../../models/node/data/loadDataset';
import { isOndeckError, type OndeckError } from '../../../../models/errors/OndeckError';
import { tempDirWith } from '../../../support/tempFiles';

async function failure(promise: Promise<unknown>): Promise<OndeckError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOndeckError(error)) throw new Error(`expected an OndeckError, got ${String(error)}`);
  return error;
}

const RATINGS_CSV = 'userId,movieId,rating,timestamp\n1,1,4.0,0\n1,2,1.0,0\n';

describe('detectFormat and loadDataset', () => {
  it('recognises each MovieLens layout by its ratings file, as a folder or the file itself', async () => {
    const csv = await tempDirWith({ 'ratings.csv': RATINGS_CSV });
    const dat = await tempDirWith({ 'ratings.dat': '1::1::5::0\n' });
    const hundredK = await tempDirWith({ 'u.data': '1\t1\t5\t0\n' });
    for (const [path, format] of [
      [csv, 'movielens-csv'],
      [join(csv, 'ratings.csv'), 'movielens-csv'],
      [dat, 'movielens-dat'],
      [hundredK, 'movielens-100k'],
    ]) {
      expect((await detectFormat(path)).format).toBe('movielens');
      const dataset = await loadDataset(path);
      expect(dataset.report.format).toBe(format);
      expect(dataset.interactions.indices.length).toBe(1);
    }
  });

  it('recognises Last.fm, JSON Lines and a user,item CSV', async () => {
    const dir = await tempDirWith({
      'lastfm/user_artists.dat': 'userID\tartistID\tweight\n2\t51\t10\n',
      'a.jsonl': '{"user":"u","item":"i"}\n',
      'b.ndjson': '{"user":"u","item":"i"}\n',
      'c.csv': 'user_id,item_id\nu,i\n',
    });
    expect(await detectFormat(join(dir, 'lastfm'))).toEqual({ format: 'lastfm', path: join(dir, 'lastfm') });
    expect((await loadDataset(join(dir, 'lastfm'))).report.format).toBe('lastfm-hetrec');
    expect((await loadDataset(join(dir, 'a.jsonl'))).report.format).toBe('jsonl');
    expect((await loadDataset(join(dir, 'b.ndjson'))).report.format).toBe('jsonl');
    expect((await loadDataset(join(dir, 'c.csv'))).report.format).toBe('csv');
  });

  it('reads a folder of events.csv (or interactions.csv) plus items.csv as events with a catalog', async () => {
    const dir = await tempDirWith({ 'events.csv': 'user,item,weight\nu1,a,2\n', 'items.csv': 'id,title,genres,maturity_rating\na,Alpha,Kids,TV-Y\nb,Beta,Horror,R\n' });
    expect(await detectFormat(dir)).toEqual({ format: 'csv', path: join(dir, 'events.csv'), itemsFile: join(dir, 'items.csv') });
    const { interactions, items } = await loadDataset(dir);
    expect(interactions.itemIds).toEqual(['a', 'b']);
    expect(items.get('b')).toEqual({ id: 'b', title: 'Beta', genres: ['Horror'], maturityRating: 'R', maturityAge: 17 });

    const other = await tempDirWith({ 'interactions.csv': 'user,item\nu1,a\n' });
    expect(await detectFormat(other)).toEqual({ format: 'csv', path: join(other, 'interactions.csv') });
  });

  it('applies a forced format to a file of any name or a folder', async () => {
    const dir = await tempDirWith({ 'dump.txt': '{"user":"u","item":"i"}\n', 'folder/events.jsonl': '{"user":"u","item":"j"}\n' });
    expect((await loadDataset(join(dir, 'dump.txt'), { format: 'jsonl' })).interactions.itemIds).toEqual(['i']);
    expect((await loadDataset(join(dir, 'folder'), { format: 'jsonl' })).interactions.itemIds).toEqual(['j']);
    expect((await failure(loadDataset(join(dir, 'folder'), { format: 'csv' }))).code).toBe('unknown-format');
    expect((await failure(loadDataset(join(dir, 'dump.txt'), { format: 'parquet' as never }))).code).toBe('invalid-argument');
  });

  it('passes minRating and strict on to the loader', async () => {
    const dir = await tempDirWith({ 'ratings.csv': RATINGS_CSV + 'x,1\n' });
    expect((await loadDataset(dir, { minRating: 1 })).interactions.indices.length).toBe(2);
    expect((await failure(loadDataset(dir, { strict: true }))).code).toBe('malformed-input');
  });

  it('reports file-not-found, unknown-format with a hint, and empty-data', async () => {
    const dir = await tempDirWith({
      'notes/readme.txt': 'hello',
      'wrong.csv': 'a,b,c\n1,2,3\n',
      'data.parquet': 'PAR1',
      'empty/events.csv': 'user,item\n',
    });
    expect((await failure(loadDataset(join(dir, 'nope')))).code).toBe('file-not-found');
    for (const path of [join(dir, 'notes'), join(dir, 'wrong.csv'), join(dir, 'data.parquet')]) {
      const error = await failure(loadDataset(path));
      expect(error.code).toBe('unknown-format');
      expect(error.details.path).toBe(path);
      expect(String(error.details.hint)).toContain('expected one of');
    }
    expect((await failure(loadDataset(join(dir, 'empty')))).code).toBe('empty-data');
  });
});
