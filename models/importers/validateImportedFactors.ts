import { OndeckError } from '../errors/OndeckError';
import type { ImportedFactors } from './ImportedFactors';

/**
 * Checks what every importer must guarantee before factors reach the artefact writer: at least
 * one item, at least one dimension, a factor table of exactly `items × dims` values, every value
 * finite, and no id twice. Throws `OndeckError('import-failed')` naming `path` otherwise.
 *
 * @example
 * ```ts
 * const imported = validateImportedFactors({ itemIds, dims, factors, source: 'numpy' }, 'f.npy');
 * ```
 */
export function validateImportedFactors(imported: ImportedFactors, path: string): ImportedFactors {
  const { itemIds, dims, factors } = imported;
  const fail = (reason: string): never => {
    throw new OndeckError('import-failed', { path, reason });
  };
  if (itemIds.length === 0) fail('no item rows found');
  if (!Number.isInteger(dims) || dims < 1) fail(`items have ${dims} features; expected at least 1`);
  if (factors.length !== itemIds.length * dims) {
    fail(`${factors.length} factor values for ${itemIds.length} items × ${dims} dims`);
  }
  const seen = new Set<string>();
  for (let row = 0; row < itemIds.length; row++) {
    const id = itemIds[row];
    if (seen.has(id)) fail(`duplicate item id "${id}" (row ${row})`);
    seen.add(id);
    // Checked after the float32 conversion on purpose: a float64 value beyond float32 range
    // becomes Infinity here and would poison every score it touches on the device.
    for (let dim = 0; dim < dims; dim++) {
      const value = factors[row * dims + dim];
      if (!Number.isFinite(value)) {
        fail(`item "${id}" (row ${row}) has a non-finite factor ${value} at dimension ${dim}`);
      }
    }
  }
  return imported;
}
