import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadMovieLens, MOVIELENS_100K_GENRES } from '../../../../models/node/data/loadMovieLens';
import { isOndeckError, type OndeckError } from '../../../../models/errors/OndeckError';
import type { Dataset } from '../../../../models/data/Dataset';
import { bytes, latin1, tempDirWith } from '../../../support/tempFiles';
import { timesByItem } from '../../../support/timesByItem';

/** Entries of a row as { itemId: weight }. */
function row(dataset: Dataset, userId: string): Record<string, number> {
  const { userIds, itemIds, indptr, indices, weights } = dataset.interactions;
  const u = userIds.indexOf(userId);
  const out: Record<string, number> = {};
  for (let e = indptr[u]; e < indptr[u + 1]; e++) out[itemIds[indices[e]]] = weights[e];
  return out;
}

async function failure(promise: Promise<unknown>): Promise<OndeckError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOndeckError(error)) throw new Error(`expected an OndeckError, got ${String(error)}`);
  return error;
}

const MOVIES_CSV = [
  'movieId,title,genres',
  '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
  '3,Grumpier Old Men (1995),Comedy|Romance',
  '11,"American President, The (1995)",Comedy|Drama|Romance',
  '42,"Film ""Quoted"" (2001)",(no genres listed)',
  '50,Hyena Road,(no genres listed)',
].join('\n');

const RATINGS_CSV = [
  'userId,movieId,rating,timestamp', // 1
  '1,1,4.0,964982703', // 2 positive
  '1,11,5.0,964982224', // 3 positive
  '1,3,2.0,964981247', // 4 below
  '2,1,4.5,1445714994', // 5 positive
  '2,1,4.0,1445714995', // 6 positive, duplicate of line 5
  '2,11,3.5,1445715000', // 7 below
  '2,999,5.0,1445715001', // 8 positive, movie without metadata
  '3,1,abc,1', // 9 non-numeric rating
  '3,1', // 10 wrong field count
  '3,11,NaN,1', // 11 NaN
  '3,11,,1', // 12 empty rating
  '', // 13 blank
  '3,3,4,1', // 14 positive
].join('\n');

const TAGS_CSV = ['userId,movieId,tag,timestamp', '1,1,Pixar,1', '2,1,pixar,2', '2,1,"funny, clever",3', '2,11, politics ,4'].join('\n');

describe('loadMovieLens: ml-latest / ml-20m / ml-25m csv layout', () => {
  async function csvFolder(ratings = RATINGS_CSV): Promise<string> {
    return tempDirWith({ 'movies.csv': MOVIES_CSV, 'ratings.csv': ratings, 'tags.csv': TAGS_CSV, 'links.csv': 'movieId,imdbId,tmdbId\n' });
  }

  it('turns ratings >= 4 into weight-1 positives, sums duplicates and counts everything', async () => {
    const dir = await csvFolder();
    const dataset = await loadMovieLens(dir);
    const { report, interactions } = dataset;
    expect(report.format).toBe('movielens-csv');
    expect(interactions.userIds).toEqual(['1', '2', '3']);
    // Every movie of movies.csv is a column, rated or not; the unknown movie 999 comes last.
    expect(interactions.itemIds).toEqual(['1', '3', '11', '42', '50', '999']);
    expect(row(dataset, '1')).toEqual({ '1': 1, '11': 1 });
    expect(row(dataset, '2')).toEqual({ '1': 2, '999': 1 });
    expect(row(dataset, '3')).toEqual({ '3': 1 });
    expect(report.belowThreshold).toBe(2);
    expect(report.skippedLines).toBe(4);
    expect(report.duplicatesAggregated).toBe(1);
    // 5 movies + 12 rating lines + 4 tag lines.
    expect(report.linesRead).toBe(5 + 12 + 4);
    const ratingsFile = join(dir, 'ratings.csv');
    expect(report.warnings.map((w) => [w.file, w.line])).toEqual([
      [ratingsFile, 9],
      [ratingsFile, 10],
      [ratingsFile, 11],
      [ratingsFile, 12],
    ]);
    expect(report.warnings[0].reason).toContain('abc');
    expect(report.warnings[1].reason).toContain('expected 4 fields');
  });

  it('reads titles with commas and quotes, genres, years and tags', async () => {
    const { items } = await loadMovieLens(await csvFolder());
    expect(items.get('11')).toEqual({ id: '11', title: 'American President, The (1995)', genres: ['Comedy', 'Drama', 'Romance'], year: 1995, tags: ['politics'] });
    expect(items.get('1')?.tags).toEqual(['pixar', 'funny, clever']);
    expect(items.get('1')?.genres).toEqual(['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy']);
    expect(items.get('42')).toEqual({ id: '42', title: 'Film "Quoted" (2001)', genres: [], year: 2001 });
    expect(items.get('50')).toEqual({ id: '50', title: 'Hyena Road', genres: [] });
    expect(items.get('999')).toEqual({ id: '999', title: '999', genres: [] });
  });

  it('honours minRating', async () => {
    const dataset = await loadMovieLens(await csvFolder(), { minRating: 3 });
    expect(dataset.report.belowThreshold).toBe(1);
    expect(row(dataset, '2')).toEqual({ '1': 2, '11': 1, '999': 1 });
  });

  it('throws malformed-input with file and line on the first bad line under strict', async () => {
    const dir = await csvFolder();
    const error = await failure(loadMovieLens(dir, { strict: true }));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ file: join(dir, 'ratings.csv'), line: 9 });
    expect(error.message).toContain('ratings.csv');
    expect(error.message).toContain('line 9');
  });

  it('skips a line that is not UTF-8 with a warning, or throws invalid-encoding under strict', async () => {
    const dir = await tempDirWith({ 'ratings.csv': bytes('userId,movieId,rating,timestamp\n1,1,5,0\n', [0xff], '2,1,5,0\n3,1,5,0\n') });
    const dataset = await loadMovieLens(dir);
    expect(dataset.interactions.userIds).toEqual(['1', '3']);
    expect(dataset.report.skippedLines).toBe(1);
    expect(dataset.report.warnings).toEqual([{ file: join(dir, 'ratings.csv'), line: 3, reason: 'not valid UTF-8' }]);
    const error = await failure(loadMovieLens(dir, { strict: true }));
    expect(error.code).toBe('invalid-encoding');
    expect(error.details).toEqual({ file: join(dir, 'ratings.csv'), line: 3 });
  });

  it('refuses a ratings header that names a column twice or two aliases of one, instead of reading half of it', async () => {
    for (const [header, column] of [
      ['userId,movieId,rating,rating', 'rating'],
      ['userId,user,movieId,rating', 'user'],
      ['userId,movieId,itemId,rating', 'itemId'],
    ] as const) {
      const dir = await tempDirWith({ 'ratings.csv': `${header}\n1,1,5,0\n` });
      const error = await failure(loadMovieLens(dir));
      expect(error.code, header).toBe('malformed-input');
      expect(error.details, header).toMatchObject({ file: join(dir, 'ratings.csv'), line: 1, column });
    }
  });

  it('reports empty-data when no rating reaches the threshold', async () => {
    const dir = await tempDirWith({ 'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,1.0,0\n1,2,3.5,0\n' });
    expect((await failure(loadMovieLens(dir))).code).toBe('empty-data');
  });

  it('reports file-not-found and unknown-format', async () => {
    const dir = await tempDirWith({ 'movies.csv': MOVIES_CSV });
    expect((await failure(loadMovieLens(join(dir, 'missing')))).code).toBe('file-not-found');
    expect((await failure(loadMovieLens(dir))).code).toBe('unknown-format');
  });
});

describe('loadMovieLens: ml-1m / ml-10m dat layout', () => {
  it('reads :: separated files and a latin-1 movies.dat', async () => {
    const dir = await tempDirWith({
      'ratings.dat': ['1::1193::5::978300760', '1::661::3::978302109', '2::1193::4::978298413', '2::2000::4::978298413', '2::3114'].join('\n'),
      'movies.dat': latin1(
        [
          "1193::One Flew Over the Cuckoo's Nest (1975)::Drama",
          "661::James and the Giant Peach (1996)::Animation|Children's|Musical",
          "3114::Toy Story 2 (1999)::Animation|Children's|Comedy",
          '2000::Métisse (Café au Lait) (1993)::Comedy',
        ].join('\n') + '\n',
      ),
      'users.dat': '1::F::1::10::48067\n',
    });
    const dataset = await loadMovieLens(dir);
    expect(dataset.report.format).toBe('movielens-dat');
    expect(dataset.interactions.itemIds).toEqual(['1193', '661', '3114', '2000']);
    expect(row(dataset, '1')).toEqual({ '1193': 1 });
    expect(row(dataset, '2')).toEqual({ '1193': 1, '2000': 1 });
    expect(dataset.items.get('2000')).toEqual({ id: '2000', title: 'Métisse (Café au Lait) (1993)', genres: ['Comedy'], year: 1993 });
    expect(dataset.items.get('661')?.genres).toEqual(['Animation', "Children's", 'Musical']);
    expect(dataset.report.belowThreshold).toBe(1);
    expect(dataset.report.skippedLines).toBe(1);
    expect(dataset.report.warnings).toEqual([{ file: join(dir, 'ratings.dat'), line: 5, reason: 'expected 4 fields, found 2' }]);
  });
});

describe('loadMovieLens: ml-100k layout', () => {
  /** One u.item line: id|title|release|video release|url|19 genre flags. */
  function uItem(id: number, title: string, release: string, genres: number[]): string {
    const flags = MOVIELENS_100K_GENRES.map((_, g) => (genres.includes(g) ? '1' : '0'));
    return [String(id), title, release, '', 'http://us.imdb.com/M/title-exact?x', ...flags].join('|');
  }
  const U_ITEM = latin1(
    [
      uItem(1, 'Toy Story (1995)', '01-Jan-1995', [3, 4, 5]),
      uItem(2, 'GoldenEye (1995)', '01-Jan-1995', [1, 2, 16]),
      uItem(3, 'Café Society', '01-Jan-1995', [8]),
      uItem(267, 'unknown', '', [0]),
    ].join('\n') + '\n',
  );
  const U_DATA = ['1\t1\t5\t874965758', '1\t2\t3\t876893171', '2\t1\t4\t888550871', '2\t3\t5\t888550871'].join('\n') + '\n';
  const U_GENRE = MOVIELENS_100K_GENRES.map((genre, g) => `${genre}|${g}`).join('\n') + '\n\n';

  it.each([
    ['with u.genre', true],
    ['without u.genre (standard genre list)', false],
  ])('reads u.data and a latin-1 u.item %s', async (_, withGenreFile) => {
    const dir = await tempDirWith({ 'u.data': U_DATA, 'u.item': U_ITEM, ...(withGenreFile ? { 'u.genre': U_GENRE } : {}) });
    const dataset = await loadMovieLens(dir);
    expect(dataset.report.format).toBe('movielens-100k');
    expect(dataset.report.skippedLines).toBe(0);
    expect(dataset.report.belowThreshold).toBe(1);
    expect(dataset.interactions.itemIds).toEqual(['1', '2', '3', '267']);
    expect(row(dataset, '1')).toEqual({ '1': 1 });
    expect(row(dataset, '2')).toEqual({ '1': 1, '3': 1 });
    expect(dataset.items.get('1')).toEqual({ id: '1', title: 'Toy Story (1995)', genres: ['Animation', "Children's", 'Comedy'], year: 1995 });
    expect(dataset.items.get('2')?.genres).toEqual(['Action', 'Adventure', 'Thriller']);
    // No year in the title: taken from the release date.
    expect(dataset.items.get('3')).toEqual({ id: '3', title: 'Café Society', genres: ['Drama'], year: 1995 });
    expect(dataset.items.get('267')).toEqual({ id: '267', title: 'unknown', genres: [] });
  });

  it('skips a u.item line with the wrong number of genre flags', async () => {
    const dir = await tempDirWith({ 'u.data': U_DATA, 'u.item': '1|Toy Story (1995)|01-Jan-1995||url|0|1\n' });
    const dataset = await loadMovieLens(dir);
    expect(dataset.report.warnings).toEqual([{ file: join(dir, 'u.item'), line: 1, reason: 'expected 24 fields (5 + 19 genre flags), found 7' }]);
    expect(dataset.items.get('1')).toEqual({ id: '1', title: '1', genres: [] });
  });
});

describe('loadMovieLens times', () => {
  it('keeps the rating times of ratings.csv, the latest where ratings were summed', async () => {
    const dir = await tempDirWith({ 'movies.csv': MOVIES_CSV, 'ratings.csv': RATINGS_CSV });
    const { interactions } = await loadMovieLens(dir);
    expect(timesByItem(interactions, '1')).toEqual({ '1': 964982703, '11': 964982224 });
    // Lines 5 and 6 rate movie 1 twice: the later time is kept.
    expect(timesByItem(interactions, '2')).toEqual({ '1': 1445714995, '999': 1445715001 });
  });

  it('skips and counts a rating whose timestamp is not a number, or fails on it under strict', async () => {
    const dir = await tempDirWith({ 'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,5,100\n1,2,5,\n1,3,5,12:30\n1,4,2,x\n2,1,4,200\n' });
    const { interactions, report } = await loadMovieLens(dir);
    expect(report.skippedLines).toBe(3);
    expect(report.warnings.map((w) => w.line)).toEqual([3, 4, 5]);
    expect(report.warnings[1].reason).toContain('"12:30"');
    expect(timesByItem(interactions, '1')).toEqual({ '1': 100 });
    const error = await failure(loadMovieLens(dir, { strict: true }));
    expect(error.code).toBe('malformed-input');
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('reads the fourth field of ratings.dat and u.data as the time', async () => {
    const dat = await tempDirWith({ 'ratings.dat': '1::1193::5::978300760\n1::661::4::978302109\n' });
    expect(timesByItem((await loadMovieLens(dat)).interactions, '1')).toEqual({ '1193': 978300760, '661': 978302109 });
    const u100k = await tempDirWith({ 'u.data': '1\t1\t5\t874965758\n1\t2\t5\tlater\n' });
    const { interactions, report } = await loadMovieLens(u100k);
    expect(timesByItem(interactions, '1')).toEqual({ '1': 874965758 });
    expect(report.skippedLines).toBe(1);
  });

  it('has no times when the ratings.csv header names no time column', async () => {
    const dir = await tempDirWith({ 'ratings.csv': 'userId,movieId,rating\n1,1,5\n' });
    const { interactions } = await loadMovieLens(dir);
    expect(interactions.indices).toHaveLength(1);
    expect(interactions.times).toBeUndefined();
  });
});
