import { InteractionBuilder } from '../../models/data/InteractionBuilder';
import type { InteractionMatrix } from '../../models/data/InteractionMatrix';

/**
 * A small interaction matrix written out by hand: `rows[u]` lists user u's item indices (and
 * optionally weights); items are named `i0 … i{itemCount-1}` so their column is their number.
 */
export function matrixOf(itemCount: number, rows: readonly (readonly number[])[], weights?: readonly (readonly number[])[]): InteractionMatrix {
  const builder = new InteractionBuilder(Array.from({ length: itemCount }, (_, i) => `i${i}`));
  rows.forEach((items, u) => items.forEach((item, e) => builder.add(`u${u}`, `i${item}`, weights?.[u][e] ?? 1)));
  return builder.build();
}

/** A history of the given item indices (weight 1 unless given). */
export function historyOf(indices: readonly number[], weights?: readonly number[]) {
  return { indices: Int32Array.from(indices), weights: Float32Array.from(weights ?? indices.map(() => 1)) };
}
