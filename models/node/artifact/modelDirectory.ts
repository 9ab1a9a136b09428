import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverInterruptedWrite } from './recoverInterruptedWrite';
import { writeDirectoryAtomically } from './writeDirectoryAtomically';
import { OndeckError } from '../../errors/OndeckError';
import { encodeFactorsFile } from '../../artifact/factorsFile';
import { MODEL_FILES, type ModelFileEntry, type ModelManifest } from '../../artifact/ModelManifest';
import { decodeFactorsAndCatalog } from '../../artifact/decodeFactorsAndCatalog';
import { parseManifest } from '../../artifact/parseManifest';
import type { OndeckModel } from '../../artifact/OndeckModel';

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes a model directory atomically: everything goes to a sibling temporary directory first,
 * which is renamed into place only when complete, so a crash or a full disk never leaves half a
 * model at `directory`. An existing model there is replaced; a directory (or file) holding
 * anything else is refused, untouched.
 *
 * @returns the manifest as written (with file sizes and hashes).
 * @example
 * ```ts
 * await writeModelDirectory(model, 'build/model');
 * ```
 */
export async function writeModelDirectory(model: OndeckModel, directory: string): Promise<ModelManifest> {
  const payload = new Map<string, Uint8Array>([
    [MODEL_FILES.factors, encodeFactorsFile({ factors: model.factors, gramian: model.gramian })],
    [MODEL_FILES.catalog, new TextEncoder().encode(JSON.stringify(model.catalog))],
    [MODEL_FILES.scoringGraph, model.scoringGraph],
  ]);
  const files: Record<string, ModelFileEntry> = {};
  for (const [name, bytes] of payload) files[name] = { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  const manifest: ModelManifest = { ...model.manifest, files };
  // The manifest goes last: a reader that finds model.json finds every file it lists.
  const entries = new Map<string, Uint8Array | string>(payload);
  entries.set(MODEL_FILES.manifest, JSON.stringify(manifest, null, 2) + '\n');
  await writeDirectoryAtomically(directory, entries);
  return manifest;
}

/**
 * Reads and verifies a model directory: format and version, the SHA-256 and size of every file
 * listed in model.json, and the internal consistency of the tables. A directory missing because
 * its writer was killed mid-swap is restored first ({@link recoverInterruptedWrite}).
 *
 * @throws OndeckError `model-not-found`, `model-version-mismatch` or `model-corrupt`.
 * @example
 * ```ts
 * const model = await readModelDirectory('build/model');
 * ```
 */
export async function readModelDirectory(directory: string): Promise<OndeckModel> {
  let manifestText: string;
  try {
    manifestText = await readFile(join(directory, MODEL_FILES.manifest), 'utf8');
  } catch {
    // A writer killed mid-swap leaves the model next to `directory` as `.old-…`: put it back.
    if (!(await recoverInterruptedWrite(directory)).restored) throw new OndeckError('model-not-found', { path: directory });
    manifestText = await readFile(join(directory, MODEL_FILES.manifest), 'utf8');
  }
  const manifest = parseManifest(manifestText);
  const load = async (name: string): Promise<Uint8Array> => {
    const entry = manifest.files[name];
    if (!entry) throw new OndeckError('model-corrupt', { file: MODEL_FILES.manifest, reason: `${name} is not listed` });
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(directory, name));
    } catch {
      throw new OndeckError('model-corrupt', { file: name, reason: 'file is missing' });
    }
    if (bytes.byteLength !== entry.bytes || sha256Hex(bytes) !== entry.sha256) {
      throw new OndeckError('model-corrupt', { file: name, reason: 'size or SHA-256 does not match model.json' });
    }
    return bytes;
  };
  // Both files are checked against model.json first (missing, size, SHA-256), then decoded by
  // the one decoder the device and the sync code use.
  const factorsBytes = await load(MODEL_FILES.factors);
  const catalogBytes = await load(MODEL_FILES.catalog);
  const { factors, gramian, catalog } = decodeFactorsAndCatalog(manifest, factorsBytes, catalogBytes);
  const scoringGraph = await load(MODEL_FILES.scoringGraph);
  return { manifest, factors, gramian, catalog, scoringGraph };
}
