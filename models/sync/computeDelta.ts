import { sha256 } from '@noble/hashes/sha2.js';
import type { TasteClusters } from '../artifact/CatalogColumns';
import { OndeckError } from '../errors/OndeckError';
import { decodeModelTables } from './decodeModelTables';
import { DELTA_FORMAT_VERSION, DELTA_HEADER_BYTES, DELTA_MAGIC, type CatalogChanges, type ColumnChanges } from './deltaFormat';
import { CATALOG_ROW_COLUMNS, type CatalogRowColumn } from './encodeCatalogJson';

/** What a delta holds, for reports and the publish decision. */
export interface DeltaSummary {
  readonly removedRows: number;
  /** Rows shipped: changed survivors plus new items. */
  readonly upsertedRows: number;
  /** Of those, new items. */
  readonly addedRows: number;
  /** Catalog cells shipped (all columns). */
  readonly catalogCells: number;
  readonly clustersChanged: boolean;
}

/** Result of {@link computeDelta}. */
export interface ComputedDelta {
  /** The delta blob (uncompressed; see deltaFormat.ts for the layout). */
  readonly bytes: Uint8Array;
  readonly summary: DeltaSummary;
}

/**
 * Computes the delta that rebuilds `nextFiles` from `baseFiles` (both model files, name → bytes).
 * `next` must be canonical against `base` (`canonicalizeModel`): A's surviving items first, in A's
 * order, then new items, and A's genre names as a prefix of B's. Only rows whose int8 bytes or scale
 * differ are shipped, only catalog cells that differ, the clusters only if they changed; B's
 * model.json and Gramian always (small, and the Gramian changes with any row).
 *
 * `applyDelta(baseFiles, delta)` gives back `nextFiles` byte for byte provided B's scoring.onnx is
 * `buildScoringGraph(B's factors)` and its catalog.json is `encodeCatalogJson(B's catalog)`, which
 * is how publish writes them; publish checks the round trip before shipping a delta.
 *
 * @throws OndeckError `invalid-argument` when `next` is not canonical against `base`.
 * @example
 * ```ts
 * const { bytes, summary } = computeDelta(previousFiles, encodeModelFiles(canonicalizeModel(previous, next)));
 * ```
 */
export function computeDelta(baseFiles: ReadonlyMap<string, Uint8Array>, nextFiles: ReadonlyMap<string, Uint8Array>): ComputedDelta {
  const base = decodeModelTables(baseFiles, 'base model');
  const next = decodeModelTables(nextFiles, 'next model');
  const dims = base.factors.dims;
  const notCanonical = (reason: string): never => {
    throw new OndeckError('invalid-argument', { name: 'next model', reason: `${reason}; canonicalise it against the base first (canonicalizeModel)` });
  };
  if (next.factors.dims !== dims) notCanonical(`it has ${next.factors.dims} dims, the base ${dims}`);

  const nextIds = new Set(next.catalog.ids);
  const removed: number[] = [];
  const survivorOfBase: number[] = [];
  base.catalog.ids.forEach((id, row) => (nextIds.has(id) ? survivorOfBase.push(row) : removed.push(row)));
  const survivors = survivorOfBase.length;
  const baseIds = new Set(base.catalog.ids);
  for (let row = 0; row < next.catalog.ids.length; row++) {
    const id = next.catalog.ids[row];
    if (row < survivors ? id !== base.catalog.ids[survivorOfBase[row]] : baseIds.has(id)) {
      notCanonical(`row ${row} ("${id}") is not where the canonical order puts it`);
    }
  }
  const baseGenres = base.catalog.genreNames;
  if (!baseGenres.every((name, index) => next.catalog.genreNames[index] === name)) notCanonical("the base's genre names are not a prefix of the next model's");

  const upserts: number[] = [];
  for (let row = 0; row < next.factors.rows; row++) {
    if (row >= survivors || !sameRow(base.factors, survivorOfBase[row], next.factors, row)) upserts.push(row);
  }

  const columns: Partial<Record<CatalogRowColumn, ColumnChanges>> = {};
  let catalogCells = 0;
  for (const column of CATALOG_ROW_COLUMNS) {
    const baseColumn = base.catalog[column] as readonly unknown[];
    const nextColumn = next.catalog[column] as readonly unknown[];
    const rows: number[] = [];
    const values: unknown[] = [];
    for (let row = 0; row < nextColumn.length; row++) {
      if (row < survivors && sameCell(baseColumn[survivorOfBase[row]], nextColumn[row])) continue;
      rows.push(row);
      values.push(nextColumn[row]);
    }
    if (rows.length > 0) columns[column] = { rows, values };
    catalogCells += rows.length;
  }
  const clustersChanged = !sameClusters(base.catalog.clusters, next.catalog.clusters);
  const changes: CatalogChanges = {
    genreNamesAdded: next.catalog.genreNames.slice(baseGenres.length),
    columns,
    ...(clustersChanged ? { clusters: { names: next.catalog.clusters.names, centroids: next.catalog.clusters.centroids } } : {}),
  };

  const bytes = writeDelta({
    dims,
    baseRows: base.factors.rows,
    nextRows: next.factors.rows,
    baseManifestHash: sha256(base.manifestBytes),
    nextManifest: next.manifestBytes,
    changes: new TextEncoder().encode(JSON.stringify(changes)),
    removed,
    upserts,
    next,
  });
  return {
    bytes,
    summary: { removedRows: removed.length, upsertedRows: upserts.length, addedRows: next.factors.rows - survivors, catalogCells, clustersChanged },
  };
}

interface DeltaParts {
  readonly dims: number;
  readonly baseRows: number;
  readonly nextRows: number;
  readonly baseManifestHash: Uint8Array;
  readonly nextManifest: Uint8Array;
  readonly changes: Uint8Array;
  readonly removed: readonly number[];
  readonly upserts: readonly number[];
  readonly next: ReturnType<typeof decodeModelTables>;
}

function writeDelta(parts: DeltaParts): Uint8Array {
  const { dims, removed, upserts, next } = parts;
  const total = DELTA_HEADER_BYTES + parts.nextManifest.byteLength + parts.changes.byteLength + 4 * removed.length + 8 * upserts.length + 8 * dims * dims + upserts.length * dims;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = DELTA_MAGIC.charCodeAt(i);
  view.setUint16(4, DELTA_FORMAT_VERSION, true);
  view.setUint16(6, dims, true);
  view.setUint32(8, parts.baseRows, true);
  view.setUint32(12, parts.nextRows, true);
  view.setUint32(16, removed.length, true);
  view.setUint32(20, upserts.length, true);
  view.setUint32(24, parts.nextManifest.byteLength, true);
  view.setUint32(28, parts.changes.byteLength, true);
  out.set(parts.baseManifestHash, 32);
  let offset = DELTA_HEADER_BYTES;
  out.set(parts.nextManifest, offset);
  offset += parts.nextManifest.byteLength;
  out.set(parts.changes, offset);
  offset += parts.changes.byteLength;
  // Gaps rather than absolute indices: small repeating numbers that gzip squeezes well.
  const writeGaps = (rows: readonly number[]): void => {
    let previous = 0;
    for (const row of rows) {
      view.setUint32(offset, row - previous, true);
      previous = row;
      offset += 4;
    }
  };
  writeGaps(removed);
  writeGaps(upserts);
  for (const row of upserts) {
    view.setFloat32(offset, next.factors.scales[row], true);
    offset += 4;
  }
  for (let i = 0; i < dims * dims; i++) {
    view.setFloat64(offset, next.gramian[i], true);
    offset += 8;
  }
  const values = new Uint8Array(next.factors.values.buffer, next.factors.values.byteOffset, next.factors.values.byteLength);
  for (const row of upserts) {
    out.set(values.subarray(row * dims, (row + 1) * dims), offset);
    offset += dims;
  }
  return out;
}

function sameRow(
  a: { readonly values: Int8Array; readonly scales: Float32Array; readonly dims: number },
  rowA: number,
  b: { readonly values: Int8Array; readonly scales: Float32Array },
  rowB: number,
): boolean {
  // Compare the stored float32 bit patterns: the bytes are what must match, and -0 / 0 differ there.
  if (!Object.is(a.scales[rowA], b.scales[rowB])) return false;
  const dims = a.dims;
  for (let d = 0; d < dims; d++) if (a.values[rowA * dims + d] !== b.values[rowB * dims + d]) return false;
  return true;
}

/** Equality of two catalog cells: primitives or arrays of primitives (genre lists). */
function sameCell(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((value, index) => value === b[index]);
}

function sameClusters(a: TasteClusters, b: TasteClusters): boolean {
  return sameCell(a.names, b.names) && sameCell(a.centroids, b.centroids);
}
