import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../models/random';
import { mergePartResults, type PartResult } from '../../../../models/scoring/parallel/mergePartResults';
import { partitionRows, splitExclusions, type RowRange } from '../../../../models/scoring/parallel/partitionRows';
import { selectTopK } from '../../../../models/scoring/selectTopK';

/** Each range's exact top-`count` (selectTopK over its slice), indices local to it. */
function perRangeTopK(scores: Float32Array, ranges: readonly RowRange[], count: number, exclude?: Int32Array): PartResult[] {
  const pieces = splitExclusions(exclude, ranges);
  return ranges.map(({ start, end }, part) => ({ start, result: selectTopK(scores.subarray(start, end), count, pieces[part]) }));
}

describe('mergePartResults', () => {
  it('merges by score, then lower global index, whatever order the parts come in', () => {
    // Ranges [0, 4) and [4, 8): the 5s tie across the boundary.
    const scores = Float32Array.of(5, 1, 5, 3, 5, 2, 3, 9);
    const ranges = [
      { start: 0, end: 4 },
      { start: 4, end: 8 },
    ];
    const parts = perRangeTopK(scores, ranges, 4);
    for (const order of [parts, [...parts].reverse()]) {
      const merged = mergePartResults(order, 4);
      expect(Array.from(merged.indices)).toEqual([7, 0, 2, 4]);
      expect(Array.from(merged.scores)).toEqual([9, 5, 5, 5]);
    }
  });

  it('equals selectTopK over the whole array on random scores full of ties, with exclusions', () => {
    const random = new SeededRandom(23);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + random.nextInt(1200);
      // Small integer scores: most of them tie with rows in other ranges.
      const scores = Float32Array.from({ length: rows }, () => random.nextInt(9) - 4);
      const exclude = Int32Array.from({ length: random.nextInt(30) }, () => random.nextInt(rows)).sort();
      const ranges = partitionRows(rows, 1 + random.nextInt(4));
      for (const count of [1, 20, 1 + random.nextInt(rows), rows + 7]) {
        const merged = mergePartResults(perRangeTopK(scores, ranges, count, exclude), count);
        const expected = selectTopK(scores, count, exclude);
        const where = `trial ${trial}, rows ${rows}, count ${count}`;
        expect(Array.from(merged.indices), where).toEqual(Array.from(expected.indices));
        expect(Array.from(merged.scores), where).toEqual(Array.from(expected.scores));
      }
    }
  });

  it('returns everything there is when count exceeds the rows left', () => {
    const scores = Float32Array.of(0.5, -1, 2, 2, 7, 0.5);
    const ranges = [
      { start: 0, end: 4 },
      { start: 4, end: 6 },
    ];
    const merged = mergePartResults(perRangeTopK(scores, ranges, 100, Int32Array.of(1)), 100);
    expect(Array.from(merged.indices)).toEqual([4, 2, 3, 0, 5]);
    expect(Array.from(merged.scores)).toEqual([7, 2, 2, 0.5, 0.5]);
  });

  it('skips empty parts and returns empty arrays for no parts or count 0', () => {
    const empty = { indices: new Int32Array(0), scores: new Float32Array(0) };
    const merged = mergePartResults(
      [
        { start: 0, result: empty },
        { start: 8, result: { indices: Int32Array.of(1, 0), scores: Float32Array.of(3, 1) } },
        { start: 12, result: empty },
      ],
      5,
    );
    expect(Array.from(merged.indices)).toEqual([9, 8]);
    expect(Array.from(merged.scores)).toEqual([3, 1]);
    for (const result of [mergePartResults([], 5), mergePartResults([{ start: 0, result: empty }], 5), mergePartResults([{ start: 4, result: merged }], 0)]) {
      expect(result.indices).toBeInstanceOf(Int32Array);
      expect(result.scores).toBeInstanceOf(Float32Array);
      expect(result.indices.length).toBe(0);
      expect(result.scores.length).toBe(0);
    }
  });
});
