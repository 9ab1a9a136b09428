import { sha256 } from '@noble/hashes/sha2.js';
import type { CatalogColumns, TasteClusters } from '../artifact/CatalogColumns';
import { encodeFactorsFile } from '../artifact/factorsFile';
import { MODEL_FILES, type ModelManifest } from '../artifact/ModelManifest';
import { parseManifest } from '../artifact/parseManifest';
import { OndeckError } from '../errors/OndeckError';
import { buildScoringGraph } from '../onnx/buildScoringGraph';
import { decodeModelTables, type ModelTables } from './decodeModelTables';
import { DELTA_FORMAT_VERSION, DELTA_HEADER_BYTES, DELTA_MAGIC, type CatalogChanges } from './deltaFormat';
import { CATALOG_ROW_COLUMNS, encodeCatalogJson, type CatalogRowColumn } from './encodeCatalogJson';

/**
 * Applies a delta blob (decompressed) to version A's model files and returns version B's four
 * files, byte for byte what B's snapshot holds: model.json verbatim from the delta, factors.bin
 * from A's surviving rows plus the shipped rows and Gramian, catalog.json from A's columns plus the
 * shipped cells, and scoring.onnx rebuilt from the new factors. Platform-neutral and synchronous.
 * It decodes A's files first; a device that already holds A decoded calls
 * {@link applyDeltaToTables} instead and skips that work.
 *
 * A's files are not modified. The delta names the SHA-256 of the model.json it applies to, so a
 * delta for another base is refused before anything is built.
 *
 * @throws OndeckError `sync-delta-invalid` (malformed delta, or not for this base),
 *   `model-corrupt` when A's own files do not decode.
 * @example
 * ```ts
 * const nextFiles = applyDelta(currentFiles, await decompress(deltaBlob));
 * const model = await decodeModelFiles(parseManifest(new TextDecoder().decode(nextFiles.get('model.json')!)), nextFiles);
 * ```
 */
export function applyDelta(baseFiles: ReadonlyMap<string, Uint8Array>, delta: Uint8Array): Map<string, Uint8Array> {
  const next = applyDeltaToTables(decodeModelTables(baseFiles, 'base model'), delta);
  return new Map<string, Uint8Array>([[MODEL_FILES.manifest, next.manifestBytes], ...encodeTableFiles(next)]);
}

/**
 * The files of decoded tables other than model.json (factors.bin, catalog.json, scoring.onnx), in
 * the order a snapshot holds them, encoded exactly as the cloud encodes them.
 *
 * @example
 * ```ts
 * const files = encodeTableFiles(applyDeltaToTables(base, delta));
 * ```
 */
export function encodeTableFiles(tables: ModelTables): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>([
    [MODEL_FILES.factors, encodeFactorsFile({ factors: tables.factors, gramian: tables.gramian })],
    [MODEL_FILES.catalog, encodeCatalogJson(tables.catalog)],
    [MODEL_FILES.scoringGraph, buildScoringGraph(tables.factors)],
  ]);
}

/**
 * Applies a delta blob (decompressed) to version A's decoded tables and returns B's: its
 * model.json (bytes verbatim from the delta, and parsed), the int8 factors (A's surviving rows
 * plus the shipped ones), the Gramian and the catalog columns (A's plus the shipped cells). Costs
 * a copy of the factor table and of the catalog columns; nothing is parsed or encoded but the
 * delta itself. `base` is not modified (B may share the arrays a delta leaves as they were, such as the clusters; treat both as immutable).
 *
 * Nothing here proves B's files: encode them ({@link encodeTableFiles}) and check them against
 * B's model.json before serving, as the device does.
 *
 * @throws OndeckError `sync-delta-invalid` for a malformed delta, one made for another base, or
 *   one whose model.json disagrees with its rows.
 * @example
 * ```ts
 * const next = applyDeltaToTables(servingTables, await decompress(deltaBlob));
 * ```
 */
export function applyDeltaToTables(base: ModelTables, delta: Uint8Array): ModelTables {
  const fail = (reason: string): never => {
    throw new OndeckError('sync-delta-invalid', { blob: 'delta', reason });
  };
  if (delta.byteLength < DELTA_HEADER_BYTES) fail(`${delta.byteLength} bytes is shorter than the header`);
  const magic = String.fromCharCode(delta[0], delta[1], delta[2], delta[3]);
  if (magic !== DELTA_MAGIC) fail(`bad magic "${magic}"`);
  const view = new DataView(delta.buffer, delta.byteOffset, delta.byteLength);
  const version = view.getUint16(4, true);
  if (version !== DELTA_FORMAT_VERSION) fail(`delta format ${version}, this build reads ${DELTA_FORMAT_VERSION}`);
  const dims = view.getUint16(6, true);
  const baseRows = view.getUint32(8, true);
  const nextRows = view.getUint32(12, true);
  const removedCount = view.getUint32(16, true);
  const upsertCount = view.getUint32(20, true);
  const manifestBytes = view.getUint32(24, true);
  const changesBytes = view.getUint32(28, true);
  // Sizes in float64 arithmetic: a hostile header cannot overflow them into a small number.
  const expected = DELTA_HEADER_BYTES + manifestBytes + changesBytes + 4 * removedCount + 8 * upsertCount + 8 * dims * dims + upsertCount * dims;
  if (expected !== delta.byteLength) fail(`header describes ${expected} bytes, the delta has ${delta.byteLength}`);
  if (dims === 0 || nextRows === 0) fail('empty model');
  if (removedCount > baseRows) fail(`removes ${removedCount} of ${baseRows} rows`);
  if (upsertCount > nextRows) fail(`upserts ${upsertCount} of ${nextRows} rows`);

  if (!equalBytes(sha256(base.manifestBytes), delta.subarray(32, 64))) fail('it was made for another base version (model.json hash differs)');
  if (base.factors.dims !== dims || base.factors.rows !== baseRows) {
    fail(`it expects a ${baseRows} × ${dims} base, the stored model is ${base.factors.rows} × ${base.factors.dims}`);
  }

  let offset = DELTA_HEADER_BYTES;
  const nextManifestBytes = delta.slice(offset, offset + manifestBytes);
  let nextManifest: ModelManifest;
  try {
    nextManifest = parseManifest(new TextDecoder().decode(nextManifestBytes));
  } catch (error) {
    return fail(`its model.json does not parse (${error instanceof Error ? error.message : String(error)})`);
  }
  if (nextManifest.itemCount !== nextRows || nextManifest.dims !== dims)
    fail(`its model.json says ${nextManifest.itemCount} × ${nextManifest.dims}, its rows ${nextRows} × ${dims}`);
  offset += manifestBytes;
  let changes: CatalogChanges;
  try {
    changes = JSON.parse(new TextDecoder().decode(delta.subarray(offset, offset + changesBytes))) as CatalogChanges;
  } catch {
    return fail('catalog changes are not valid JSON');
  }
  offset += changesBytes;
  const readAscending = (count: number, limit: number, what: string): Int32Array => {
    const rows = new Int32Array(count);
    let row = 0;
    for (let i = 0; i < count; i++) {
      const gap = view.getUint32(offset, true);
      offset += 4;
      if (i > 0 && gap === 0) fail(`${what} rows are not strictly ascending`);
      row += gap;
      if (row >= limit) fail(`${what} row ${row} is out of range (${limit} rows)`);
      rows[i] = row;
    }
    return rows;
  };
  const removed = readAscending(removedCount, baseRows, 'removed');
  const upserts = readAscending(upsertCount, nextRows, 'upserted');
  const survivors = baseRows - removedCount;
  if (survivors > nextRows) fail(`${survivors} surviving rows do not fit in ${nextRows}`);
  let newRowsShipped = 0;
  for (const row of upserts) if (row >= survivors) newRowsShipped++;
  if (newRowsShipped !== nextRows - survivors) fail(`${nextRows - survivors} new rows, ${newRowsShipped} shipped`);

  // Factors: A's survivors in A's order, then the shipped rows over them.
  const runs = survivorRuns(baseRows, removed);
  const values = new Int8Array(nextRows * dims);
  const scales = new Float32Array(nextRows);
  forEachRun(runs, (from, to, at) => {
    values.set(base.factors.values.subarray(from * dims, to * dims), at * dims);
    scales.set(base.factors.scales.subarray(from, to), at);
  });
  for (const row of upserts) {
    const scale = view.getFloat32(offset, true);
    offset += 4;
    if (!(scale >= 0) || !Number.isFinite(scale)) fail(`row ${row} has scale ${scale}`);
    scales[row] = scale;
  }
  const gramian = new Float64Array(dims * dims);
  for (let i = 0; i < dims * dims; i++) {
    gramian[i] = view.getFloat64(offset, true);
    offset += 8;
  }
  const shippedValues = new Int8Array(delta.buffer, delta.byteOffset + offset, upsertCount * dims);
  upserts.forEach((row, index) => values.set(shippedValues.subarray(index * dims, (index + 1) * dims), row * dims));
  const factors = { rows: nextRows, dims, values, scales };

  const catalog = patchCatalog(base.catalog, runs, survivors, nextRows, changes, fail);
  return { manifestBytes: nextManifestBytes, manifest: nextManifest, factors, gramian, catalog };
}

/**
 * The surviving rows of A as runs of consecutive rows: `[from, to, at]` triples, A's rows
 * `from..to-1` landing at B's rows `at..`. Most rows survive, so there are about as many runs as
 * removed rows, and everything below copies whole runs with native copies (typed-array `set`,
 * array `slice`): this code runs once per update, cold, where per-row loops stay slow.
 */
function survivorRuns(baseRows: number, removed: Int32Array): Int32Array {
  const runs: number[] = [];
  let from = 0;
  // Before the run that ends at removed[index], exactly `index` rows were removed.
  removed.forEach((row, index) => {
    if (row > from) runs.push(from, row, from - index);
    from = row + 1;
  });
  if (from < baseRows) runs.push(from, baseRows, from - removed.length);
  return Int32Array.from(runs);
}

function forEachRun(runs: Int32Array, copy: (from: number, to: number, at: number) => void): void {
  for (let i = 0; i < runs.length; i += 3) copy(runs[i], runs[i + 1], runs[i + 2]);
}

function patchCatalog(base: CatalogColumns, runs: Int32Array, survivors: number, nextRows: number, changes: CatalogChanges, fail: (reason: string) => never): CatalogColumns {
  if (typeof changes !== 'object' || changes === null || !Array.isArray(changes.genreNamesAdded) || typeof changes.columns !== 'object' || changes.columns === null) {
    fail('catalog changes are malformed');
  }
  const columns = {} as Record<CatalogRowColumn, unknown[]>;
  for (const name of CATALOG_ROW_COLUMNS) {
    const baseColumn = base[name] as readonly unknown[];
    const pieces: (readonly unknown[])[] = [];
    forEachRun(runs, (from, to) => pieces.push(baseColumn.slice(from, to)));
    // concat joins the pieces one level deep (a genre list stays one element); the new rows at
    // the end are then all filled by the patch (checked below).
    const column = ([] as unknown[]).concat(...pieces);
    column.length = nextRows;
    const patch = changes.columns[name];
    let filledNewRows = 0;
    if (patch !== undefined) {
      if (!Array.isArray(patch.rows) || !Array.isArray(patch.values) || patch.rows.length !== patch.values.length) fail(`changes of column ${name} are malformed`);
      let previous = -1;
      patch.rows.forEach((row, index) => {
        if (!Number.isInteger(row) || row <= previous || row >= nextRows) fail(`changes of column ${name} name row ${String(row)} out of order or range`);
        previous = row;
        if (row >= survivors) filledNewRows++;
        column[row] = patch.values[index];
      });
    }
    if (filledNewRows !== nextRows - survivors) fail(`column ${name} misses values for new rows`);
    columns[name] = column;
  }
  const clusters: TasteClusters = changes.clusters ?? base.clusters;
  if (typeof clusters !== 'object' || clusters === null || !Array.isArray(clusters.names) || !Array.isArray(clusters.centroids)) fail('clusters are malformed');
  return {
    ...(columns as unknown as Omit<CatalogColumns, 'genreNames' | 'clusters'>),
    genreNames: [...base.genreNames, ...changes.genreNamesAdded],
    clusters: { names: clusters.names, centroids: clusters.centroids },
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
