import { join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import type { Dataset, LoadOptions } from '../../data/Dataset';
import { assembleDataset } from '../../data/assembleDataset';
import { findColumn, findOnlyColumn } from '../../data/findColumn';
import { refuseDuplicateColumns } from '../../data/refuseDuplicateColumns';
import { InteractionBuilder } from '../../data/InteractionBuilder';
import { isDirectory, isFile } from './isFile';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { LoadReportBuilder } from '../../data/LoadReportBuilder';
import { parseNumberField } from '../../data/parseNumberField';
import { readTextLines } from './readTextLines';

/** How many of an artist's most-used tags become its genres. */
const GENRES_PER_ARTIST = 3;
/** How many of an artist's most-used tags are kept as its tags. */
const TAGS_PER_ARTIST = 10;

/** Header names (compared as {@link findColumn} does) of user_artists.dat's columns. */
const USER_ALIASES = ['userid', 'user'];
const ARTIST_ALIASES = ['artistid', 'artist', 'itemid', 'item'];
const PLAYS_ALIASES = ['weight', 'plays', 'playcount'];

/**
 * Reads a Last.fm folder in the HetRec 2011 layout:
 * - `user_artists.dat` (required): `userID\tartistID\tweight`, weight = play count, which becomes
 *   the interaction weight. A count that is not a number > 0 skips the line with a warning.
 * - `artists.dat` (optional): `id\tname\turl\tpictureURL` → titles. Every listed artist becomes a
 *   column, played or not.
 * - `tags.dat` + `user_taggedartists.dat` (optional, both needed): each artist's most-applied
 *   tags; the top 3 become its genres, the top 10 its tags (lower-cased). Ties break by name.
 *
 * Metadata files that are not valid UTF-8 line by line are read as latin-1.
 *
 * @param dir the extracted folder, e.g. `hetrec2011-lastfm-2k/`.
 * @throws OndeckError `file-not-found` (no such folder), `unknown-format` (no `user_artists.dat`),
 *   `malformed-input` (strict), `empty-data`.
 *
 * @example
 * ```ts
 * const { interactions, items } = await loadLastfm('data/hetrec2011-lastfm-2k');
 * items.get('51')?.title; // 'Duran Duran'
 * ```
 */
export async function loadLastfm(dir: string, options: LoadOptions = {}): Promise<Dataset> {
  if (!(await isDirectory(dir))) throw new OndeckError('file-not-found', { path: dir });
  const playsFile = join(dir, 'user_artists.dat');
  if (!(await isFile(playsFile))) {
    throw new OndeckError('unknown-format', { path: dir, hint: 'expected a Last.fm HetRec folder holding user_artists.dat' });
  }
  const report = new LoadReportBuilder('lastfm-hetrec', options.strict ?? false);
  const artistsFile = join(dir, 'artists.dat');
  const items = (await isFile(artistsFile)) ? await readArtists(artistsFile, report) : new Map<string, ItemMetadata>();
  const builder = new InteractionBuilder(items.keys());

  report.addFile(playsFile);
  let columns: { user: number; artist: number; weight: number } | undefined;
  await readTextLines(
    playsFile,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = text.split('\t');
      if (columns === undefined) {
        const user = findColumn(fields, USER_ALIASES);
        const artist = findColumn(fields, ARTIST_ALIASES);
        const weight = findColumn(fields, PLAYS_ALIASES);
        const isHeader = user !== -1 && artist !== -1 && weight !== -1;
        if (isHeader) {
          // A header naming a column twice (or two aliases of one) is refused, not half-used.
          const where = { file: playsFile, line: lineNumber };
          refuseDuplicateColumns(fields, playsFile, lineNumber);
          findOnlyColumn(fields, USER_ALIASES, 'user', where);
          findOnlyColumn(fields, ARTIST_ALIASES, 'artist', where);
          findOnlyColumn(fields, PLAYS_ALIASES, 'play count', where);
        }
        columns = isHeader ? { user, artist, weight } : { user: 0, artist: 1, weight: 2 };
        if (isHeader) return;
      }
      report.countLine();
      if (fields.length !== 3) return report.skip(playsFile, lineNumber, `expected 3 tab-separated fields, found ${fields.length}`);
      const user = fields[columns.user].trim();
      const artist = fields[columns.artist].trim();
      if (user === '' || artist === '') return report.skip(playsFile, lineNumber, user === '' ? 'empty user id' : 'empty artist id');
      const plays = parseNumberField(fields[columns.weight]);
      if (plays === undefined || plays <= 0) return report.skip(playsFile, lineNumber, `play count "${fields[columns.weight]}" is not a number > 0`);
      builder.add(user, artist, plays);
    },
    { strict: options.strict, onInvalidLine: (line) => report.skipInvalidEncoding(playsFile, line) },
  );

  const tagNamesFile = join(dir, 'tags.dat');
  const taggingsFile = join(dir, 'user_taggedartists.dat');
  if ((await isFile(tagNamesFile)) && (await isFile(taggingsFile))) {
    const tagNames = await readTagNames(tagNamesFile, report);
    const topTags = await readTopTags(taggingsFile, tagNames, report);
    for (const [artist, tags] of topTags) {
      const known = items.get(artist) ?? { id: artist, title: artist, genres: [] };
      items.set(artist, { ...known, genres: tags.slice(0, GENRES_PER_ARTIST), tags: [...new Set(tags.map((tag) => tag.toLowerCase()))] });
    }
  }
  return assembleDataset({ builder, items, report, path: dir });
}

async function readArtists(file: string, report: LoadReportBuilder): Promise<Map<string, ItemMetadata>> {
  report.addFile(file);
  const items = new Map<string, ItemMetadata>();
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = text.split('\t');
      if (lineNumber === 1 && fields[0].trim().toLowerCase() === 'id') return;
      report.countLine();
      // id, name, url, pictureURL; the URLs may be missing.
      if (fields.length < 2) return report.skip(file, lineNumber, `expected id and name, found ${fields.length} field(s)`);
      const id = fields[0].trim();
      if (id === '') return report.skip(file, lineNumber, 'empty artist id');
      if (items.has(id)) return report.skip(file, lineNumber, `artist id "${id}" repeated (first definition kept)`);
      items.set(id, { id, title: fields[1].trim() || id, genres: [] });
    },
    { encoding: 'utf-8-or-latin1' },
  );
  return items;
}

async function readTagNames(file: string, report: LoadReportBuilder): Promise<Map<string, string>> {
  report.addFile(file);
  const names = new Map<string, string>();
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = text.split('\t');
      if (lineNumber === 1 && fields[0].trim().toLowerCase() === 'tagid') return;
      report.countLine();
      if (fields.length !== 2 || fields[0].trim() === '') return report.skip(file, lineNumber, 'expected "tagID<TAB>tagValue"');
      names.set(fields[0].trim(), fields[1].trim());
    },
    { encoding: 'utf-8-or-latin1' },
  );
  return names;
}

/** Each artist's tag names, most applied first (ties by name). */
async function readTopTags(file: string, tagNames: ReadonlyMap<string, string>, report: LoadReportBuilder): Promise<Map<string, string[]>> {
  report.addFile(file);
  const counts = new Map<string, Map<string, number>>();
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = text.split('\t');
      if (lineNumber === 1 && fields[0].trim().toLowerCase() === 'userid') return;
      report.countLine();
      // userID, artistID, tagID, day, month, year
      if (fields.length < 3) return report.skip(file, lineNumber, `expected at least 3 fields (user, artist, tag), found ${fields.length}`);
      const artist = fields[1].trim();
      const tag = tagNames.get(fields[2].trim());
      if (artist === '' || tag === undefined || tag === '') return;
      let artistCounts = counts.get(artist);
      if (artistCounts === undefined) counts.set(artist, (artistCounts = new Map()));
      artistCounts.set(tag, (artistCounts.get(tag) ?? 0) + 1);
    },
    { encoding: 'utf-8-or-latin1' },
  );
  const topTags = new Map<string, string[]>();
  for (const [artist, artistCounts] of counts) {
    const ranked = [...artistCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    topTags.set(
      artist,
      ranked.slice(0, TAGS_PER_ARTIST).map(([tag]) => tag),
    );
  }
  return topTags;
}
