import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadLastfm } from '../../../../models/node/data/loadLastfm';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import { tempDirWith } from '../../../support/tempFiles';

const USER_ARTISTS = [
  'userID\tartistID\tweight', // 1
  '2\t51\t13883', // 2
  '2\t52\t11690', // 3
  '3\t51\t0', // 4 zero plays
  '3\t53\t-5', // 5 negative
  '3\t54\tNaN', // 6 NaN
  '3\t52\t228', // 7
  '3\t52\t2', // 8 duplicate of line 7
  '4\t99\t7', // 9 artist without metadata
  '4\t51', // 10 wrong field count
].join('\n');

const ARTISTS = [
  'id\tname\turl\tpictureURL',
  '51\tDuran Duran\thttp://www.last.fm/music/Duran+Duran\thttp://userserve-ak.last.fm/serve/252/155668.jpg',
  '52\tMorcheeba\thttp://www.last.fm/music/Morcheeba\t',
  '53\tAir\thttp://www.last.fm/music/Air\t',
].join('\n');

const TAGS = ['tagID\ttagValue', '1\tnew wave', '2\tpop', '3\ttrip-hop', '4\t80s', '5\tElectronic'].join('\n');
const TAGGINGS = [
  'userID\tartistID\ttagID\tday\tmonth\tyear',
  '2\t51\t1\t1\t4\t2009',
  '3\t51\t1\t1\t4\t2009',
  '4\t51\t4\t1\t4\t2009',
  '5\t51\t4\t1\t4\t2009',
  '6\t51\t1\t1\t4\t2009',
  '2\t51\t2\t1\t4\t2009',
  '2\t51\t5\t1\t4\t2009',
  '2\t52\t3\t1\t4\t2009',
].join('\n');

describe('loadLastfm', () => {
  it('uses play counts as weights, sums duplicates and skips zero, negative and NaN counts', async () => {
    const dir = await tempDirWith({ 'user_artists.dat': USER_ARTISTS, 'artists.dat': ARTISTS });
    const { interactions, report, items } = await loadLastfm(dir);
    expect(report.format).toBe('lastfm-hetrec');
    expect(interactions.userIds).toEqual(['2', '3', '4']);
    expect(interactions.itemIds).toEqual(['51', '52', '53', '99']);
    expect(Array.from(interactions.indptr)).toEqual([0, 2, 3, 4]);
    expect(Array.from(interactions.indices)).toEqual([0, 1, 1, 3]);
    expect(Array.from(interactions.weights)).toEqual([13883, 11690, 230, 7]);
    // Play counts carry no time: a temporal evaluation must refuse this data, not invent an order.
    expect(interactions.times).toBeUndefined();
    expect(report.duplicatesAggregated).toBe(1);
    expect(report.skippedLines).toBe(4);
    const file = join(dir, 'user_artists.dat');
    expect(report.warnings.map((w) => [w.file, w.line])).toEqual([
      [file, 4],
      [file, 5],
      [file, 6],
      [file, 10],
    ]);
    expect(items.get('51')).toEqual({ id: '51', title: 'Duran Duran', genres: [] });
    expect(items.get('99')).toEqual({ id: '99', title: '99', genres: [] });
  });

  it('turns the most applied tags into genres (ties by name) and tags', async () => {
    const dir = await tempDirWith({ 'user_artists.dat': USER_ARTISTS, 'artists.dat': ARTISTS, 'tags.dat': TAGS, 'user_taggedartists.dat': TAGGINGS });
    const { items } = await loadLastfm(dir);
    // new wave ×3, 80s ×2, then Electronic and pop ×1 each: "Electronic" sorts first.
    expect(items.get('51')).toEqual({ id: '51', title: 'Duran Duran', genres: ['new wave', '80s', 'Electronic'], tags: ['new wave', '80s', 'electronic', 'pop'] });
    expect(items.get('52')?.genres).toEqual(['trip-hop']);
  });

  it('throws malformed-input on the first bad count under strict', async () => {
    const dir = await tempDirWith({ 'user_artists.dat': USER_ARTISTS });
    const error = await loadLastfm(dir, { strict: true }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ file: join(dir, 'user_artists.dat'), line: 4 });
  });

  it('refuses a header that names a column twice or two aliases of one', async () => {
    for (const [header, column] of [
      ['userID\tartistID\tweight\tweight', 'weight'],
      ['userID\tartistID\tplays\tweight', 'weight'],
      ['userID\tuser\tartistID\tweight', 'user'],
    ] as const) {
      const dir = await tempDirWith({ 'user_artists.dat': `${header}\n2\t51\t3\t4\n` });
      const error = await loadLastfm(dir).catch((e: unknown) => e);
      expect(isOndeckError(error, 'malformed-input'), header).toBe(true);
      expect((error as { details: unknown }).details, header).toMatchObject({ file: join(dir, 'user_artists.dat'), line: 1, column });
    }
  });

  it('reports unknown-format for a folder without user_artists.dat', async () => {
    const dir = await tempDirWith({ 'artists.dat': ARTISTS });
    const error = await loadLastfm(dir).catch((e: unknown) => e);
    expect(isOndeckError(error, 'unknown-format')).toBe(true);
  });
});
