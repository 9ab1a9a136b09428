import type { TasteClusters } from '../artifact/CatalogColumns';
import type { CatalogRowColumn } from './encodeCatalogJson';

/**
 * A delta blob rebuilds version B's model files byte for byte from version A's (docs/sync.md).
 * Little-endian; gzip is applied on top when published:
 *
 * | offset | bytes | field |
 * |---|---|---|
 * | 0 | 4 | magic `ODKD` |
 * | 4 | 2 | delta format version (u16, = 1) |
 * | 6 | 2 | dims (u16) |
 * | 8 | 4 | A's item count (u32) |
 * | 12 | 4 | B's item count (u32) |
 * | 16 | 4 | removed rows `r` (u32) |
 * | 20 | 4 | upserted rows `u` (u32) |
 * | 24 | 4 | bytes of B's model.json `m` (u32) |
 * | 28 | 4 | bytes of the catalog changes JSON `c` (u32) |
 * | 32 | 32 | SHA-256 of A's model.json (the base this delta applies to) |
 * | 64 | m | B's model.json, verbatim |
 * | … | c | {@link CatalogChanges} as UTF-8 JSON |
 * | … | 4·r | removed A rows, ascending, as gaps (first index, then differences) u32 |
 * | … | 4·u | upserted B rows, ascending, as gaps u32 |
 * | … | 4·u | float32 scale of each upserted row |
 * | … | 8·dims² | B's float64 Gramian |
 * | … | u·dims | int8 values of the upserted rows |
 *
 * B's rows are A's surviving rows in A's order, then B's new items (`canonicalizeModel` makes it
 * so), which is why a removed list and the changed rows are all it takes.
 */
export const DELTA_MAGIC = 'ODKD';

/** Version of the delta layout above. */
export const DELTA_FORMAT_VERSION = 1;

/** Size of the fixed header. */
export const DELTA_HEADER_BYTES = 64;

/** One catalog column's changed cells: B row indices (ascending) and their new values. */
export interface ColumnChanges {
  readonly rows: readonly number[];
  readonly values: readonly unknown[];
}

/** The catalog part of a delta: what differs between A's and B's catalog.json. */
export interface CatalogChanges {
  /** Genre names B adds after A's (B's `genreNames` = A's followed by these). */
  readonly genreNamesAdded: readonly string[];
  /** Changed cells of each per-row column; every new row appears in every column. */
  readonly columns: Partial<Record<CatalogRowColumn, ColumnChanges>>;
  /** B's taste clusters when they differ from A's. */
  readonly clusters?: TasteClusters;
}
