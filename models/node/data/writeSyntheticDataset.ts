import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { replaceDirectoryAtomically } from '../artifact/writeDirectoryAtomically';
import type { Dataset } from '../../data/Dataset';
import { formatCsvField, formatCsvLine } from '../../data/formatCsvLine';
import type { ItemMetadata } from '../../data/ItemMetadata';

/** The files a written dataset folder holds. */
export const DATASET_FILES = ['events.csv', 'items.csv'] as const;

/** Header of the written `items.csv` (the generic catalog format `loadItemsCsv` reads). */
const ITEMS_HEADER = ['id', 'title', 'genres', 'maturity_rating', 'year', 'available_from', 'available_until', 'tags'];

/** Characters buffered before each write: large enough to keep syscalls rare, small enough to stay lean. */
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * Writes a dataset (synthetic or loaded) as a folder `loadDataset(dir)` reads back to the same
 * interactions and items: `events.csv` (`user,item,weight`, plus `timestamp` in epoch seconds when
 * the matrix has times; one line per aggregated entry, users in row order) and `items.csv` (`id,title,genres,maturity_rating,year,available_from,
 * available_until,tags`, items in column order so columns keep their indices).
 *
 * The files are written and fsync'ed in a temporary folder beside `dir`, which is then renamed
 * into place ({@link replaceDirectoryAtomically}), so a crash leaves either the previous dataset
 * or the new one, whole. An existing `dir` is replaced only if it holds nothing but a previous
 * dataset's files (`refuseForeignDirectory`).
 *
 * @throws OndeckError `invalid-argument` when `dir` is a file or holds other content, or a value
 *   holds a line break (which a line-based reader could not read back).
 *
 * @example
 * ```ts
 * await writeSyntheticDataset(generateSyntheticDataset({ seed: 7 }), 'out/synth');
 * const again = await loadDataset('out/synth'); // same interactions and items
 * ```
 */
export async function writeSyntheticDataset(dataset: Dataset, dir: string): Promise<void> {
  await replaceDirectoryAtomically(resolve(dir), DATASET_FILES, async (staging) => {
    await writeEvents(dataset, join(staging, 'events.csv'));
    await writeItems(dataset, join(staging, 'items.csv'));
  });
}

async function writeEvents(dataset: Dataset, file: string): Promise<void> {
  const { userIds, itemIds, indptr, indices, weights, times } = dataset.interactions;
  // Formatting each id once, not once per event, keeps 10M-line files fast.
  const itemFields = itemIds.map(formatCsvField);
  await writeLines(file, function* () {
    yield times === undefined ? 'user,item,weight\n' : 'user,item,weight,timestamp\n';
    let chunk = '';
    for (let u = 0; u < userIds.length; u++) {
      const userField = formatCsvField(userIds[u]);
      for (let e = indptr[u]; e < indptr[u + 1]; e++) {
        chunk += times === undefined ? `${userField},${itemFields[indices[e]]},${weights[e]}\n` : `${userField},${itemFields[indices[e]]},${weights[e]},${times[e]}\n`;
        if (chunk.length >= WRITE_CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
    yield chunk;
  });
}

async function writeItems(dataset: Dataset, file: string): Promise<void> {
  const { itemIds } = dataset.interactions;
  await writeLines(file, function* () {
    yield `${ITEMS_HEADER.join(',')}\n`;
    const columnIds = new Set(itemIds);
    const rows = function* (): Generator<ItemMetadata> {
      for (const id of itemIds) yield dataset.items.get(id) ?? { id, title: id, genres: [] };
      // Metadata without a column (possible in hand-built datasets) still belongs to the catalog.
      for (const [id, item] of dataset.items) if (!columnIds.has(id)) yield item;
    };
    let chunk = '';
    for (const item of rows()) {
      chunk += `${formatCsvLine(itemFields(item))}\n`;
      if (chunk.length >= WRITE_CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  });
}

function itemFields(item: ItemMetadata): string[] {
  return [
    item.id,
    item.title,
    item.genres.join('|'),
    item.maturityRating ?? '',
    item.year === undefined ? '' : String(item.year),
    item.availableFrom ?? '',
    item.availableUntil ?? '',
    (item.tags ?? []).join('|'),
  ];
}

/** Writes the chunks `produce` yields to `file` and fsyncs it, so the rename publishes whole files. */
async function writeLines(file: string, produce: () => Generator<string>): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const chunk of produce()) if (chunk.length > 0) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
