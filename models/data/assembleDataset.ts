import { OndeckError } from '../errors/OndeckError';
import type { Dataset } from './Dataset';
import type { InteractionBuilder } from './InteractionBuilder';
import type { ItemMetadata } from './ItemMetadata';
import type { LoadReportBuilder } from './LoadReportBuilder';

/** What {@link assembleDataset} puts together. */
export interface DatasetParts {
  /** Holds the events; must have been created with the metadata's ids as known items. */
  readonly builder: InteractionBuilder;
  /** Metadata read so far, by id (may be empty). */
  readonly items: ReadonlyMap<string, ItemMetadata>;
  readonly report: LoadReportBuilder;
  /** The input path, named in the `empty-data` error. */
  readonly path: string;
  /** Free-text tags by item id, merged into the items' metadata (MovieLens `tags.csv`). */
  readonly tagsByItem?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The last step of every loader: builds the interaction matrix, gives each item that appears
 * in events but has no metadata a placeholder `{ id, title: id, genres: [] }`, merges tags and
 * finishes the report.
 *
 * @throws OndeckError `empty-data` when no event survived parsing and thresholding.
 *
 * @example
 * ```ts
 * const builder = new InteractionBuilder(items.keys());
 * // … builder.add(user, item, weight) per line …
 * return assembleDataset({ builder, items, report, path });
 * ```
 */
export function assembleDataset(parts: DatasetParts): Dataset {
  const { builder, report } = parts;
  if (builder.eventCount === 0) {
    const reason = report.linesRead === 0 ? 'no data lines' : `${report.linesRead} lines read, ${report.belowThreshold} below the rating threshold, ${report.skippedLines} skipped`;
    throw new OndeckError('empty-data', { path: parts.path, reason });
  }
  const interactions = builder.build();
  const items = new Map<string, ItemMetadata>();
  // Column order first, so iterating the map walks the catalog in matrix order.
  for (const id of interactions.itemIds) {
    const known = parts.items.get(id) ?? { id, title: id, genres: [] };
    const tags = parts.tagsByItem?.get(id);
    items.set(id, tags && tags.length > 0 ? { ...known, tags } : known);
  }
  return { interactions, items, report: report.finish(builder.stats.duplicatesAggregated) };
}
