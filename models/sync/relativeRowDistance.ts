/**
 * Relative L2 distance between two int8 rows after dequantisation:
 * `‖a·scaleA − b·scaleB‖ / ‖b·scaleB‖` (0 for two zero rows, Infinity when only `b` is zero).
 * A freshly quantised row is typically ~0.5% away from its float values, so distances of that
 * order are quantisation noise, not a change in what the item means.
 *
 * @example
 * ```ts
 * relativeRowDistance(previous.values, previous.scales[i], i, next.values, next.scales[j], j, 64); // 0.004
 * ```
 */
export function relativeRowDistance(valuesA: Int8Array, scaleA: number, rowA: number, valuesB: Int8Array, scaleB: number, rowB: number, dims: number): number {
  let difference = 0;
  let norm = 0;
  for (let d = 0; d < dims; d++) {
    const b = valuesB[rowB * dims + d] * scaleB;
    const delta = valuesA[rowA * dims + d] * scaleA - b;
    difference += delta * delta;
    norm += b * b;
  }
  if (norm === 0) return difference === 0 ? 0 : Infinity;
  return Math.sqrt(difference / norm);
}
