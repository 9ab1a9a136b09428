import { OndeckError } from '../errors/OndeckError';
import type { ItemMetadata } from '../data/ItemMetadata';

/**
 * Items × terms TF-IDF matrix in compressed sparse rows, as {@link buildItemContentFeatures}
 * returns it. Rows are aligned with the `itemIds` passed in; a row is empty when the item has no
 * metadata or none of its terms survived the document-frequency cut.
 */
export interface ItemContentFeatures {
  /** Number of rows (items). */
  readonly itemCount: number;
  /**
   * Term of each column, namespaced by field so a genre and a tag with the same spelling stay
   * apart: `"genre:Comedy"`, `"tag:time travel"`. Sorted ascending (deterministic across runs).
   */
  readonly vocabulary: readonly string[];
  /** Number of items carrying each term (before normalisation), aligned with `vocabulary`. */
  readonly documentFrequency: Int32Array;
  /** Row pointers, length `itemCount + 1`. */
  readonly indptr: Int32Array;
  /** Term (column) index of each entry, ascending within a row. */
  readonly indices: Int32Array;
  /** TF-IDF weight of each entry; every non-empty row has unit L2 norm. */
  readonly values: Float32Array;
}

/** Options of {@link buildItemContentFeatures}. */
export interface ItemContentFeatureOptions {
  /**
   * Terms carried by fewer items than this are dropped. A term on a single item cannot make two
   * items similar; it only shrinks that item's other weights after normalisation.
   * @defaultValue 2
   */
  readonly minDocumentFrequency?: number;
}

/** Defaults of {@link ItemContentFeatureOptions}. */
export const itemContentFeatureDefaults = Object.freeze({ minDocumentFrequency: 2 } as const);

/** MovieLens's placeholder for "no genre": not a genre two films can share. */
const NO_GENRE = '(no genres listed)';

/**
 * TF-IDF features over each item's genres and tags. A term counts once per item (term frequency
 * 1: genres and tags are sets), weighted by the smoothed inverse document frequency
 * idf = ln((1 + N) / (1 + df)) + 1, where N is the number of items with at least one term;
 * each row is then L2-normalised, so the dot product of two rows is their cosine. Shared by the
 * content-based baseline, the hybrid and the content → factor mapping for cold items.
 *
 * Genres are trimmed (empty ones and MovieLens's "(no genres listed)" dropped); tags are trimmed
 * and lower-cased.
 *
 * @param itemIds the column order of the model (row r of the result is `itemIds[r]`).
 * @param items metadata by item id; ids missing from it get an empty row.
 * @throws OndeckError `invalid-argument` for a `minDocumentFrequency` that is not an integer ≥ 1.
 *
 * @example
 * ```ts
 * const features = buildItemContentFeatures(train.itemIds, dataset.items);
 * features.vocabulary; // ['genre:Action', 'genre:Comedy', …, 'tag:time travel', …]
 * ```
 */
export function buildItemContentFeatures(itemIds: readonly string[], items: ReadonlyMap<string, ItemMetadata>, options: ItemContentFeatureOptions = {}): ItemContentFeatures {
  const minDocumentFrequency = options.minDocumentFrequency ?? itemContentFeatureDefaults.minDocumentFrequency;
  if (!Number.isInteger(minDocumentFrequency) || minDocumentFrequency < 1) {
    throw new OndeckError('invalid-argument', {
      name: 'minDocumentFrequency',
      value: minDocumentFrequency,
      reason: `minDocumentFrequency must be an integer ≥ 1, got ${minDocumentFrequency}`,
    });
  }
  const itemCount = itemIds.length;
  const termsOfItem: (readonly string[])[] = new Array(itemCount);
  const frequencyOfTerm = new Map<string, number>();
  let documents = 0;
  for (let row = 0; row < itemCount; row++) {
    const terms = termsOf(items.get(itemIds[row]));
    termsOfItem[row] = terms;
    if (terms.length > 0) documents++;
    for (const term of terms) frequencyOfTerm.set(term, (frequencyOfTerm.get(term) ?? 0) + 1);
  }

  const vocabulary = [...frequencyOfTerm.keys()].filter((term) => frequencyOfTerm.get(term)! >= minDocumentFrequency).sort();
  const columnOfTerm = new Map<string, number>();
  const documentFrequency = new Int32Array(vocabulary.length);
  const inverseDocumentFrequency = new Float64Array(vocabulary.length);
  vocabulary.forEach((term, column) => {
    columnOfTerm.set(term, column);
    const frequency = frequencyOfTerm.get(term)!;
    documentFrequency[column] = frequency;
    inverseDocumentFrequency[column] = Math.log((1 + documents) / (1 + frequency)) + 1;
  });

  const indptr = new Int32Array(itemCount + 1);
  const columnsOfItem: Int32Array[] = new Array(itemCount);
  for (let row = 0; row < itemCount; row++) {
    const columns: number[] = [];
    for (const term of termsOfItem[row]) {
      const column = columnOfTerm.get(term);
      if (column !== undefined) columns.push(column);
    }
    columnsOfItem[row] = Int32Array.from(columns).sort();
    indptr[row + 1] = indptr[row] + columns.length;
  }
  const indices = new Int32Array(indptr[itemCount]);
  const values = new Float32Array(indptr[itemCount]);
  for (let row = 0; row < itemCount; row++) {
    const columns = columnsOfItem[row];
    const start = indptr[row];
    let squares = 0;
    for (const column of columns) squares += inverseDocumentFrequency[column] ** 2;
    const inverseNorm = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let t = 0; t < columns.length; t++) {
      indices[start + t] = columns[t];
      values[start + t] = inverseDocumentFrequency[columns[t]] * inverseNorm;
    }
  }
  return { itemCount, vocabulary, documentFrequency, indptr, indices, values };
}

/** The distinct namespaced terms of one item. */
function termsOf(metadata: ItemMetadata | undefined): string[] {
  if (metadata === undefined) return [];
  const terms = new Set<string>();
  for (const raw of metadata.genres ?? []) {
    const genre = raw.trim();
    if (genre !== '' && genre !== NO_GENRE) terms.add(`genre:${genre}`);
  }
  for (const raw of metadata.tags ?? []) {
    const tag = raw.trim().toLowerCase();
    if (tag !== '') terms.add(`tag:${tag}`);
  }
  return [...terms];
}
