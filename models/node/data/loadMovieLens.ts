import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import type { Dataset, LoadOptions } from '../../data/Dataset';
import { assembleDataset } from '../../data/assembleDataset';
import { findColumn, findOnlyColumn, type HeaderLocation } from '../../data/findColumn';
import { refuseDuplicateColumns } from '../../data/refuseDuplicateColumns';
import { isFile } from './isFile';
import { InteractionBuilder } from '../../data/InteractionBuilder';
import type { ItemMetadata } from '../../data/ItemMetadata';
import { LoadReportBuilder } from '../../data/LoadReportBuilder';
import { parseCsvLine } from '../../data/parseCsvLine';
import { parseNumberField } from '../../data/parseNumberField';
import { parseTimestamp } from '../../data/parseTimestamp';
import { TIME_COLUMN_ALIASES } from '../../data/timeColumnAliases';
import { readTextLines } from './readTextLines';
import { resolveMinRating } from '../../data/resolveMinRating';
import { yearFromTitle } from '../../data/yearFromTitle';

/**
 * The three layouts MovieLens has shipped in:
 * - `'csv'`: ml-latest(-small), ml-20m, ml-25m — `ratings.csv`, `movies.csv`, `tags.csv` with headers.
 * - `'dat'`: ml-1m, ml-10m — `ratings.dat`, `movies.dat`, `tags.dat`, `::`-separated, no header.
 * - `'100k'`: ml-100k — `u.data` (tab-separated), `u.item` (`|`-separated, genre flags), `u.genre`.
 */
export type MovieLensLayout = 'csv' | 'dat' | '100k';

/** Genres of ml-100k's `u.item` flag columns, in order, for when `u.genre` is missing. */
export const MOVIELENS_100K_GENRES: readonly string[] = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/** Genre names MovieLens uses for "no genre"; never kept. */
const NO_GENRE_NAMES = new Set(['(no genres listed)', 'unknown']);

interface LayoutFiles {
  readonly ratings: string;
  readonly movies: string;
  readonly tags?: string;
  readonly separator: string;
}

const LAYOUTS: Record<MovieLensLayout, LayoutFiles> = {
  csv: { ratings: 'ratings.csv', movies: 'movies.csv', tags: 'tags.csv', separator: ',' },
  dat: { ratings: 'ratings.dat', movies: 'movies.dat', tags: 'tags.dat', separator: '::' },
  '100k': { ratings: 'u.data', movies: 'u.item', separator: '\t' },
};

/**
 * Reads a MovieLens folder as GroupLens distributes it (any of the layouts of
 * {@link MovieLensLayout}, recognised by which ratings file is present).
 *
 * - Ratings become implicit positives: rating ≥ `minRating` (default 4) → weight 1; lower ones
 *   are dropped and counted in `belowThreshold`.
 * - Every layout stores the rating's time (epoch seconds) as its fourth field: the matrix carries
 *   them as `times`. A ratings.csv whose header names no time column gives a matrix without times.
 * - Movies: title as given (trimmed), genres split on `|` (`(no genres listed)` and ml-100k's
 *   `unknown` → none), year from the title's trailing `(1995)` (ml-100k: else the release date).
 *   Every movie of the movies file becomes a column, rated or not. Movie files that are not valid
 *   UTF-8 line by line are read as latin-1 (ml-1m and ml-100k ship latin-1 titles).
 * - Tags (`tags.csv` / `tags.dat`): lower-cased, trimmed, de-duplicated per movie.
 * - A malformed line (wrong field count, non-numeric rating or time, empty id) is skipped with a warning
 *   naming file and line and counted in `skippedLines`; under `strict` it throws
 *   `malformed-input` with `{ file, line, reason }`.
 *
 * @param dir the extracted folder, e.g. `ml-latest-small/`.
 * @throws OndeckError `file-not-found` (no such folder), `unknown-format` (no ratings file),
 *   `malformed-input` (strict), `empty-data`.
 *
 * @example
 * ```ts
 * const { interactions, items, report } = await loadMovieLens('data/ml-latest-small');
 * report.belowThreshold; // ratings under 4 stars
 * items.get('1')?.title; // 'Toy Story (1995)'
 * ```
 */
export async function loadMovieLens(dir: string, options: LoadOptions = {}): Promise<Dataset> {
  const minRating = resolveMinRating(options);
  const layout = await detectMovieLensLayout(dir);
  const files = LAYOUTS[layout];
  const report = new LoadReportBuilder(`movielens-${layout}`, options.strict ?? false);

  const moviesFile = join(dir, files.movies);
  const items = (await isFile(moviesFile))
    ? layout === '100k'
      ? await readMovies100k(dir, moviesFile, report)
      : await readMovies(moviesFile, files.separator, layout === 'csv', report)
    : new Map<string, ItemMetadata>();
  const builder = new InteractionBuilder(items.keys());

  const ratingsFile = join(dir, files.ratings);
  report.addFile(ratingsFile);
  let columns: RatingColumns | undefined;
  await readTextLines(
    ratingsFile,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = parseCsvLine(text, files.separator, layout === 'csv');
      if (columns === undefined) {
        columns = ratingColumnsOf(fields, layout, { file: ratingsFile, line: lineNumber });
        // ratings.csv opens with a header; the other layouts (and a header-less csv) start with data.
        if (columns.header) return;
      }
      report.countLine();
      if (fields === null) return report.skip(ratingsFile, lineNumber, 'unbalanced quotes');
      if (fields.length !== columns.count) {
        return report.skip(ratingsFile, lineNumber, `expected ${columns.count} fields, found ${fields.length}`);
      }
      const user = fields[columns.user].trim();
      const item = fields[columns.item].trim();
      if (user === '' || item === '') return report.skip(ratingsFile, lineNumber, user === '' ? 'empty user id' : 'empty movie id');
      const rating = parseNumberField(fields[columns.rating]);
      if (rating === undefined) return report.skip(ratingsFile, lineNumber, `rating "${fields[columns.rating]}" is not a number`);
      let time: number | undefined;
      if (columns.time !== -1) {
        time = parseTimestamp(fields[columns.time]);
        if (time === undefined) return report.skip(ratingsFile, lineNumber, `timestamp "${fields[columns.time]}" is not a number of epoch seconds`);
      }
      if (rating >= minRating) builder.add(user, item, 1, time);
      else report.dropBelowThreshold();
    },
    { strict: options.strict, onInvalidLine: (line) => report.skipInvalidEncoding(ratingsFile, line) },
  );

  const tagsFile = files.tags === undefined ? undefined : join(dir, files.tags);
  const tagsByItem = tagsFile !== undefined && (await isFile(tagsFile)) ? await readTags(tagsFile, files.separator, layout === 'csv', report) : undefined;
  return assembleDataset({ builder, items, report, path: dir, tagsByItem });
}

/**
 * Which MovieLens layout `dir` holds.
 *
 * @throws OndeckError `file-not-found` when `dir` does not exist, `unknown-format` when it holds
 *   no MovieLens ratings file.
 */
export async function detectMovieLensLayout(dir: string): Promise<MovieLensLayout> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new OndeckError('file-not-found', { path: dir });
  for (const layout of ['csv', 'dat', '100k'] as const) {
    if (await isFile(join(dir, LAYOUTS[layout].ratings))) return layout;
  }
  throw new OndeckError('unknown-format', { path: dir, hint: 'expected a MovieLens folder holding ratings.csv, ratings.dat or u.data' });
}

/** Header names (compared as {@link findColumn} does) of ratings.csv's user and movie columns. */
const USER_ALIASES = ['userid', 'user'];
const MOVIE_ALIASES = ['movieid', 'itemid', 'item'];

/** Where a ratings line keeps its fields, and whether the line they came from was a header. */
interface RatingColumns {
  readonly user: number;
  readonly item: number;
  readonly rating: number;
  /** -1 when a ratings.csv header names no time column. */
  readonly time: number;
  readonly count: number;
  readonly header: boolean;
}

/**
 * The ratings file's columns: from its header when the first line is one (all three columns
 * named, none twice), else MovieLens's fixed order.
 */
function ratingColumnsOf(fields: string[] | null, layout: MovieLensLayout, where: HeaderLocation): RatingColumns {
  if (layout === 'csv' && fields !== null) {
    const user = findColumn(fields, USER_ALIASES);
    const item = findColumn(fields, MOVIE_ALIASES);
    const rating = findColumn(fields, ['rating']);
    if (user !== -1 && item !== -1 && rating !== -1) {
      refuseDuplicateColumns(fields, where.file, where.line);
      findOnlyColumn(fields, USER_ALIASES, 'user', where);
      findOnlyColumn(fields, MOVIE_ALIASES, 'movie', where);
      const time = findOnlyColumn(fields, TIME_COLUMN_ALIASES, 'time', where);
      return { user, item, rating, time, count: fields.length, header: true };
    }
  }
  return { user: 0, item: 1, rating: 2, time: 3, count: 4, header: false };
}

async function readMovies(file: string, separator: string, quoting: boolean, report: LoadReportBuilder): Promise<Map<string, ItemMetadata>> {
  report.addFile(file);
  const items = new Map<string, ItemMetadata>();
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = parseCsvLine(text, separator, quoting);
      // movies.csv has a header ("movieId,title,genres"); movies.dat has none.
      if (lineNumber === 1 && fields !== null && fields[0].trim().toLowerCase() === 'movieid') return;
      report.countLine();
      if (fields === null) return report.skip(file, lineNumber, 'unbalanced quotes');
      if (fields.length !== 3) return report.skip(file, lineNumber, `expected 3 fields (id, title, genres), found ${fields.length}`);
      const id = fields[0].trim();
      if (id === '') return report.skip(file, lineNumber, 'empty movie id');
      if (items.has(id)) return report.skip(file, lineNumber, `movie id "${id}" repeated (first definition kept)`);
      items.set(id, movieOf(id, fields[1], splitGenres(fields[2])));
    },
    { encoding: 'utf-8-or-latin1' },
  );
  return items;
}

async function readMovies100k(dir: string, file: string, report: LoadReportBuilder): Promise<Map<string, ItemMetadata>> {
  const genreNames = await readGenres100k(join(dir, 'u.genre'), report);
  report.addFile(file);
  const items = new Map<string, ItemMetadata>();
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      report.countLine();
      // movie id | title | release date | video release date | IMDb URL | one 0/1 flag per genre
      const fields = text.split('|');
      if (fields.length !== 5 + genreNames.length) {
        return report.skip(file, lineNumber, `expected ${5 + genreNames.length} fields (5 + ${genreNames.length} genre flags), found ${fields.length}`);
      }
      const id = fields[0].trim();
      if (id === '') return report.skip(file, lineNumber, 'empty movie id');
      if (items.has(id)) return report.skip(file, lineNumber, `movie id "${id}" repeated (first definition kept)`);
      const genres: string[] = [];
      for (let g = 0; g < genreNames.length; g++) {
        if (fields[5 + g].trim() === '1' && !NO_GENRE_NAMES.has(genreNames[g])) genres.push(genreNames[g]);
      }
      const releaseYear = /(\d{4})\s*$/.exec(fields[2]);
      items.set(id, movieOf(id, fields[1], genres, releaseYear ? Number(releaseYear[1]) : undefined));
    },
    { encoding: 'utf-8-or-latin1' },
  );
  return items;
}

/** `u.genre` ("name|index" lines) as a list by index, or the standard list when it is absent. */
async function readGenres100k(file: string, report: LoadReportBuilder): Promise<readonly string[]> {
  if (!(await isFile(file))) return MOVIELENS_100K_GENRES;
  report.addFile(file);
  const genres: string[] = [];
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      report.countLine();
      const [name, indexText] = text.split('|');
      const index = Number(indexText);
      if (name === undefined || !Number.isInteger(index) || index < 0 || index > 1000) {
        return report.skip(file, lineNumber, 'expected "name|index"');
      }
      genres[index] = name.trim();
    },
    { encoding: 'utf-8-or-latin1' },
  );
  // A hole would shift every later flag column; the standard list is the safer reading then.
  for (let g = 0; g < genres.length; g++) if (genres[g] === undefined) return MOVIELENS_100K_GENRES;
  return genres.length > 0 ? genres : MOVIELENS_100K_GENRES;
}

async function readTags(file: string, separator: string, quoting: boolean, report: LoadReportBuilder): Promise<Map<string, string[]>> {
  report.addFile(file);
  const tagSets = new Map<string, Set<string>>();
  await readTextLines(
    file,
    (text, lineNumber) => {
      if (text.trim() === '') return;
      const fields = parseCsvLine(text, separator, quoting);
      if (lineNumber === 1 && fields !== null && fields[0].trim().toLowerCase() === 'userid') return;
      report.countLine();
      if (fields === null) return report.skip(file, lineNumber, 'unbalanced quotes');
      if (fields.length !== 4) return report.skip(file, lineNumber, `expected 4 fields (user, movie, tag, timestamp), found ${fields.length}`);
      const item = fields[1].trim();
      const tag = fields[2].trim().toLowerCase();
      if (item === '' || tag === '') return;
      let tags = tagSets.get(item);
      if (tags === undefined) tagSets.set(item, (tags = new Set()));
      tags.add(tag);
    },
    { encoding: 'utf-8-or-latin1' },
  );
  const tagsByItem = new Map<string, string[]>();
  for (const [item, tags] of tagSets) tagsByItem.set(item, [...tags]);
  return tagsByItem;
}

function splitGenres(text: string): string[] {
  return text
    .split('|')
    .map((genre) => genre.trim())
    .filter((genre) => genre !== '' && !NO_GENRE_NAMES.has(genre));
}

function movieOf(id: string, rawTitle: string, genres: string[], fallbackYear?: number): ItemMetadata {
  const title = rawTitle.trim() || id;
  const year = yearFromTitle(title) ?? fallbackYear;
  return year === undefined ? { id, title, genres } : { id, title, genres, year };
}
