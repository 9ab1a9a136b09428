/**
 * Gramian (Fᵀ F) of a row-major factor table, restricted to rows `start..end`, accumulated into
 * `out` (dims × dims, row-major, symmetric; both triangles written). Summing the Gramians of
 * fixed blocks in a fixed order keeps training bit-reproducible whatever the thread count.
 *
 * @example
 * ```ts
 * const g = new Float64Array(dims * dims);
 * addGramian(itemFactors, dims, 0, itemCount, g);
 * ```
 */
export function addGramian(factors: Float32Array, dims: number, start: number, end: number, out: Float64Array): void {
  const row = new Float64Array(dims);
  for (let r = start; r < end; r++) {
    const base = r * dims;
    for (let d = 0; d < dims; d++) row[d] = factors[base + d];
    for (let i = 0; i < dims; i++) {
      const value = row[i];
      if (value === 0) continue;
      const outRow = i * dims;
      // Upper triangle only in the hot loop; mirrored once at the end.
      for (let j = i; j < dims; j++) out[outRow + j] += value * row[j];
    }
  }
  for (let i = 0; i < dims; i++) {
    for (let j = 0; j < i; j++) out[i * dims + j] = out[j * dims + i];
  }
}

/** Gramian of the whole table, a new array. */
export function gramian(factors: Float32Array, rows: number, dims: number): Float64Array {
  const out = new Float64Array(dims * dims);
  addGramian(factors, dims, 0, rows, out);
  return out;
}
