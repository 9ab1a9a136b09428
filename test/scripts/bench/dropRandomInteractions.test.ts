import { describe, expect, it } from 'vitest';
import type { InteractionMatrix } from '../../../models/data/InteractionMatrix';
import { dropRandomInteractions } from '../../../scripts/bench/dropRandomInteractions';

/** 4 users × 10 items, 10 entries each: user u holds items 0..9 with weight u*10 + item + 1 (unique per entry). */
function fullMatrix(): InteractionMatrix {
  const users = 4;
  const items = 10;
  const indices = new Int32Array(users * items);
  const weights = new Float32Array(users * items);
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      indices[u * items + i] = i;
      weights[u * items + i] = u * 10 + i + 1;
    }
  }
  return {
    userIds: ['a', 'b', 'c', 'd'],
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
    indptr: Int32Array.from({ length: users + 1 }, (_, u) => u * items),
    indices,
    weights,
  };
}

/** Every entry as "user:item:weight". */
function entriesOf(matrix: InteractionMatrix): string[] {
  const out: string[] = [];
  for (let u = 0; u < matrix.indptr.length - 1; u++) {
    for (let e = matrix.indptr[u]; e < matrix.indptr[u + 1]; e++) out.push(`${u}:${matrix.indices[e]}:${matrix.weights[e]}`);
  }
  return out;
}

describe('dropRandomInteractions', () => {
  it('fraction 0 keeps every entry, fraction 1 none, with the same users and items', () => {
    const matrix = fullMatrix();
    expect(entriesOf(dropRandomInteractions(matrix, 0, 1))).toEqual(entriesOf(matrix));
    const empty = dropRandomInteractions(matrix, 1, 1);
    expect(empty.indices.length).toBe(0);
    expect(Array.from(empty.indptr)).toEqual([0, 0, 0, 0, 0]);
    expect(empty.userIds).toEqual(matrix.userIds);
    expect(empty.itemIds).toEqual(matrix.itemIds);
  });

  it('drops exactly round(fraction × entries), keeping the others unchanged and in order', () => {
    const matrix = fullMatrix();
    const kept = dropRandomInteractions(matrix, 0.25, 7);
    const keptEntries = entriesOf(kept);
    expect(keptEntries).toHaveLength(30);
    // A subsequence of the original: same (user, item, weight) triples, same order.
    const original = entriesOf(matrix);
    let at = 0;
    for (const entry of keptEntries) {
      at = original.indexOf(entry, at);
      expect(at).toBeGreaterThanOrEqual(0);
      at++;
    }
    // Row pointers agree with the entries kept per user.
    for (let u = 0; u < 4; u++) {
      expect(kept.indptr[u + 1] - kept.indptr[u]).toBe(keptEntries.filter((entry) => entry.startsWith(`${u}:`)).length);
    }
  });

  it('is a function of the seed', () => {
    const matrix = fullMatrix();
    expect(entriesOf(dropRandomInteractions(matrix, 0.5, 3))).toEqual(entriesOf(dropRandomInteractions(matrix, 0.5, 3)));
    expect(entriesOf(dropRandomInteractions(matrix, 0.5, 3))).not.toEqual(entriesOf(dropRandomInteractions(matrix, 0.5, 4)));
  });

  it('rejects a fraction outside [0, 1]', () => {
    expect(() => dropRandomInteractions(fullMatrix(), 1.5, 1)).toThrow(RangeError);
    expect(() => dropRandomInteractions(fullMatrix(), Number.NaN, 1)).toThrow(RangeError);
  });
});
