import { readFile } from 'node:fs/promises';
import { OndeckError } from '../../errors/OndeckError';
import type { ImportedFactors } from '../../importers/ImportedFactors';
import { parseNpy } from '../../importers/parseNpy';
import { readIdList } from './readIdList';
import { validateImportedFactors } from '../../importers/validateImportedFactors';

/**
 * Reads item factors saved by NumPy, as `implicit` users do
 * (`np.save('item_factors.npy', model.item_factors)`), together with the id list that maps rows
 * to item ids (`items.txt` one per line, a JSON array, or a CSV whose first column is the id; see
 * {@link readIdList}). The array must be 2-D float32/float64 (`items × dims`, any byte order, C or
 * Fortran order) with exactly one row per id.
 *
 * @param npyPath the `.npy` file
 * @param idsPath the id list, row order
 * @throws OndeckError `import-failed` (naming the file) for a bad header, unsupported dtype,
 *   row/id count mismatch, non-finite values or duplicate ids; `file-not-found` for a missing file.
 * @example
 * ```ts
 * const imported = await readNumpyFactors('item_factors.npy', 'items.txt');
 * imported.source; // 'numpy'
 * ```
 */
export async function readNumpyFactors(npyPath: string, idsPath: string): Promise<ImportedFactors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(npyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new OndeckError('file-not-found', { path: npyPath });
    throw new OndeckError('import-failed', { path: npyPath, reason: (error as Error).message });
  }
  const matrix = parseNpy(bytes, npyPath);
  const itemIds = await readIdList(idsPath);
  if (itemIds.length !== matrix.rows) {
    throw new OndeckError('import-failed', {
      path: npyPath,
      reason: `${matrix.rows} factor rows but ${itemIds.length} ids in ${idsPath}`,
    });
  }
  return validateImportedFactors({ itemIds, dims: matrix.columns, factors: matrix.values, source: 'numpy' }, npyPath);
}
