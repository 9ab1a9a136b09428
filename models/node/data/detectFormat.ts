import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import { findColumn } from '../../data/findColumn';
import { isFile } from './isFile';
import { parseCsvLine } from '../../data/parseCsvLine';
import { readTextLines } from './readTextLines';

/**
 * The input formats ondeck reads:
 * - `'movielens'`: a MovieLens folder (`ratings.csv`, `ratings.dat` or `u.data`).
 * - `'lastfm'`: a Last.fm HetRec folder (`user_artists.dat`).
 * - `'csv'`: a CSV of events with a `user,item[,weight|rating]` header, optionally beside an
 *   `items.csv` catalog (what `ondeck synth` writes).
 * - `'jsonl'`: JSON Lines events (`.jsonl` / `.ndjson`), optionally beside an `items.csv`.
 */
export type DatasetFormat = 'movielens' | 'lastfm' | 'csv' | 'jsonl';

/** Every {@link DatasetFormat}, for option parsing and messages. */
export const DATASET_FORMATS: readonly DatasetFormat[] = ['movielens', 'lastfm', 'csv', 'jsonl'];

/** What {@link detectFormat} found: the format and what its loader should read. */
export interface DetectedFormat {
  readonly format: DatasetFormat;
  /** The folder (movielens, lastfm) or events file (csv, jsonl) to hand to the loader. */
  readonly path: string;
  /** The `items.csv` catalog found beside the events, if any. */
  readonly itemsFile?: string;
}

/** Event file names looked for inside a folder, in priority order. */
const EVENT_FILES: readonly [string, DatasetFormat][] = [
  ['events.csv', 'csv'],
  ['interactions.csv', 'csv'],
  ['events.jsonl', 'jsonl'],
  ['interactions.jsonl', 'jsonl'],
  ['events.ndjson', 'jsonl'],
  ['interactions.ndjson', 'jsonl'],
];

const MOVIELENS_RATINGS = ['ratings.csv', 'ratings.dat', 'u.data'];

const HINT =
  'expected one of: a MovieLens folder (ratings.csv, ratings.dat or u.data), a Last.fm HetRec folder (user_artists.dat), ' +
  'a folder holding events.csv / interactions.csv (+ optional items.csv), a .csv file with a user,item header, or a .jsonl/.ndjson file';

/**
 * Works out the format of `path` from what a folder holds, a file's name, and a CSV's header:
 * - a folder with `ratings.csv` | `ratings.dat` | `u.data` → movielens; with `user_artists.dat`
 *   → lastfm; with `events.csv` / `interactions.csv` (or `.jsonl` / `.ndjson`) → csv / jsonl, plus
 *   `items.csv` when present;
 * - a MovieLens ratings file or `user_artists.dat` itself → its folder's format;
 * - a `.jsonl` / `.ndjson` file → jsonl; a `.csv` / `.tsv` whose header has user and item
 *   columns → csv.
 *
 * @throws OndeckError `file-not-found` when nothing is at `path`; `unknown-format` (with a hint
 *   listing what is expected) when nothing matches.
 *
 * @example
 * ```ts
 * await detectFormat('data/ml-latest-small'); // { format: 'movielens', path: 'data/ml-latest-small' }
 * await detectFormat('out/synth');            // { format: 'csv', path: 'out/synth/events.csv', itemsFile: 'out/synth/items.csv' }
 * ```
 */
export async function detectFormat(path: string): Promise<DetectedFormat> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new OndeckError('file-not-found', { path });
  if (info.isDirectory()) {
    const detected = await detectFolder(path);
    if (detected) return detected;
    throw new OndeckError('unknown-format', { path, hint: HINT });
  }
  const name = basename(path).toLowerCase();
  if (MOVIELENS_RATINGS.includes(name)) return { format: 'movielens', path: dirname(path) };
  if (name === 'user_artists.dat') return { format: 'lastfm', path: dirname(path) };
  const extension = extname(name);
  if (extension === '.jsonl' || extension === '.ndjson') return withItemsBeside({ format: 'jsonl', path });
  if ((extension === '.csv' || extension === '.tsv') && (await hasUserItemHeader(path))) {
    return withItemsBeside({ format: 'csv', path });
  }
  throw new OndeckError('unknown-format', { path, hint: HINT });
}

/**
 * Where a forced `format` reads from: a folder is searched for that format's files, a file is
 * taken as is.
 *
 * @throws OndeckError `file-not-found`; `unknown-format` when a folder holds no file of that format.
 */
export async function locateFormat(path: string, format: DatasetFormat): Promise<DetectedFormat> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new OndeckError('file-not-found', { path });
  if (format === 'movielens' || format === 'lastfm') {
    return { format, path: info.isDirectory() ? path : dirname(path) };
  }
  if (!info.isDirectory()) return withItemsBeside({ format, path });
  for (const [file, fileFormat] of EVENT_FILES) {
    const candidate = join(path, file);
    if (fileFormat === format && (await isFile(candidate))) return withItemsBeside({ format, path: candidate });
  }
  throw new OndeckError('unknown-format', {
    path,
    hint: `no ${format} events file (${EVENT_FILES.filter(([, f]) => f === format)
      .map(([file]) => file)
      .join(', ')}) in this folder`,
  });
}

async function detectFolder(dir: string): Promise<DetectedFormat | undefined> {
  for (const file of MOVIELENS_RATINGS) {
    if (await isFile(join(dir, file))) return { format: 'movielens', path: dir };
  }
  if (await isFile(join(dir, 'user_artists.dat'))) return { format: 'lastfm', path: dir };
  for (const [file, format] of EVENT_FILES) {
    const candidate = join(dir, file);
    if (await isFile(candidate)) return withItemsBeside({ format, path: candidate });
  }
  return undefined;
}

/** Adds the `items.csv` next to an events file, when there is one (and it is not the file itself). */
async function withItemsBeside(detected: DetectedFormat): Promise<DetectedFormat> {
  const itemsFile = join(dirname(detected.path), 'items.csv');
  if (basename(detected.path).toLowerCase() !== 'items.csv' && (await isFile(itemsFile))) return { ...detected, itemsFile };
  return detected;
}

async function hasUserItemHeader(file: string): Promise<boolean> {
  let header: string | undefined;
  await readTextLines(file, (text) => {
    if (text.trim() === '') return;
    header = text;
    return false;
  }).catch(() => undefined);
  if (header === undefined) return false;
  const separator = header.includes(',') || !header.includes('\t') ? ',' : '\t';
  const fields = parseCsvLine(header, separator) ?? [];
  return findColumn(fields, ['user', 'userid']) !== -1 && findColumn(fields, ['item', 'itemid']) !== -1;
}
