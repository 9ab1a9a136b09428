import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeFactorsFile } from '../artifact/factorsFile';
import { MODEL_FILES, type ModelFileEntry, type ModelManifest } from '../artifact/ModelManifest';
import type { OndeckModel } from '../artifact/OndeckModel';
import { encodeCatalogJson } from './encodeCatalogJson';

/**
 * The four files of a model directory (model.json, factors.bin, catalog.json, scoring.onnx) as
 * bytes, with model.json's `files` table filled in from the others' sizes and SHA-256.
 * Platform-neutral and deterministic: `ondeck publish` writes snapshots from it, and
 * `applyDelta` produces the same bytes on the device.
 *
 * @example
 * ```ts
 * const files = encodeModelFiles(model);
 * const blob = encodeSnapshotBlob(files);
 * ```
 */
export function encodeModelFiles(model: OndeckModel): Map<string, Uint8Array> {
  const payload = new Map<string, Uint8Array>([
    [MODEL_FILES.factors, encodeFactorsFile({ factors: model.factors, gramian: model.gramian })],
    [MODEL_FILES.catalog, encodeCatalogJson(model.catalog)],
    [MODEL_FILES.scoringGraph, model.scoringGraph],
  ]);
  const files: Record<string, ModelFileEntry> = {};
  for (const [name, bytes] of payload) files[name] = { sha256: bytesToHex(sha256(bytes)), bytes: bytes.byteLength };
  const manifest: ModelManifest = { ...model.manifest, files };
  return new Map([[MODEL_FILES.manifest, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n')], ...payload]);
}
