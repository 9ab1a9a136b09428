import type { Dataset, LoadOptions } from '../../data/Dataset';
import { OndeckError } from '../../errors/OndeckError';
import { DATASET_FORMATS, detectFormat, locateFormat, type DatasetFormat } from './detectFormat';
import { loadGenericCsv } from './loadGenericCsv';
import { loadJsonl } from './loadJsonl';
import { loadLastfm } from './loadLastfm';
import { loadMovieLens } from './loadMovieLens';

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions extends LoadOptions {
  /**
   * Skip detection and read `path` as this format (a folder is searched for the format's files).
   * @defaultValue detected from the folder contents, file name and CSV header
   */
  readonly format?: DatasetFormat;
}

/**
 * The front door for interaction data: detects the format of `path` (see `detectFormat`) and
 * runs the matching loader.
 *
 * @throws OndeckError `invalid-argument` for a `format` that is not a {@link DatasetFormat};
 *   `file-not-found` when `path` does not exist; `unknown-format` with a hint
 *   listing the accepted layouts; `malformed-input` (missing columns, or any bad line under
 *   `strict`); `empty-data` when no usable event remains.
 *
 * @example
 * ```ts
 * const dataset = await loadDataset('data/ml-latest-small');       // MovieLens, ratings ≥ 4
 * const synthetic = await loadDataset('out/synth');                 // events.csv + items.csv
 * const forced = await loadDataset('dump.txt', { format: 'jsonl' });
 * ```
 */
export async function loadDataset(path: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  // The format often arrives from a command line as any string: check it before trusting the type.
  if (options.format !== undefined && !DATASET_FORMATS.includes(options.format)) {
    throw new OndeckError('invalid-argument', {
      name: 'format',
      value: options.format,
      reason: `unknown format "${String(options.format)}"; expected one of ${DATASET_FORMATS.join(', ')}`,
    });
  }
  const detected = options.format === undefined ? await detectFormat(path) : await locateFormat(path, options.format);
  const loadOptions: LoadOptions = { minRating: options.minRating, strict: options.strict };
  switch (detected.format) {
    case 'movielens':
      return loadMovieLens(detected.path, loadOptions);
    case 'lastfm':
      return loadLastfm(detected.path, loadOptions);
    case 'csv':
      return loadGenericCsv(detected.path, { ...loadOptions, itemsFile: detected.itemsFile });
    case 'jsonl':
      return loadJsonl(detected.path, { ...loadOptions, itemsFile: detected.itemsFile });
  }
}
