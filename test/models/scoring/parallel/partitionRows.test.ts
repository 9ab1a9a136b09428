import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../models/random';
import { partitionRows, splitExclusions, type RowRange } from '../../../../models/scoring/parallel/partitionRows';

const lengths = (ranges: readonly RowRange[]) => ranges.map(({ start, end }) => end - start);

describe('partitionRows', () => {
  it('holds its TSDoc example and hand-computed splits', () => {
    expect(partitionRows(10, 2)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 10 },
    ]);
    // 1003 / 2 = 501.5 → 500 (a multiple of 4), the rest to the last range.
    expect(partitionRows(1003, 2)).toEqual([
      { start: 0, end: 500 },
      { start: 500, end: 1003 },
    ]);
    // 1003 / 3 = 334.3 → 336; 667 / 2 = 333.5 → 332; the last takes 335.
    expect(partitionRows(1003, 3)).toEqual([
      { start: 0, end: 336 },
      { start: 336, end: 668 },
      { start: 668, end: 1003 },
    ]);
    expect(partitionRows(100_000, 2)).toEqual([
      { start: 0, end: 50_000 },
      { start: 50_000, end: 100_000 },
    ]);
    expect(partitionRows(7, 1)).toEqual([{ start: 0, end: 7 }]);
  });

  it('gives fewer ranges, none empty, when there are too few rows for every part', () => {
    expect(partitionRows(3, 8)).toEqual([{ start: 0, end: 3 }]);
    expect(partitionRows(1, 2)).toEqual([{ start: 0, end: 1 }]);
    // 8 rows over 3 parts: two blocks of 4, no empty third range.
    expect(partitionRows(8, 3)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
    ]);
    expect(partitionRows(5, 3)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(partitionRows(0, 3)).toEqual([]);
  });

  it('covers [0, rows) contiguously with non-empty, 4-aligned, near-equal ranges for every size', () => {
    const problems: string[] = [];
    for (let parts = 1; parts <= 8; parts++) {
      for (let rows = 1; rows <= 600; rows++) {
        const ranges = partitionRows(rows, parts);
        const sizes = lengths(ranges);
        const complain = (what: string) => problems.push(`rows ${rows}, parts ${parts}, sizes ${sizes.join('/')}: ${what}`);
        // Every range holds at least one 4-row block except possibly the last one.
        if (ranges.length !== Math.min(parts, Math.ceil(rows / 4))) complain(`${ranges.length} ranges`);
        if (ranges[0].start !== 0 || ranges[ranges.length - 1].end !== rows) complain('does not span [0, rows)');
        ranges.forEach(({ start, end }, i) => {
          if (end <= start) complain(`range ${i} empty`);
          if (i > 0 && start !== ranges[i - 1].end) complain(`gap or overlap before range ${i}`);
          if (i < ranges.length - 1 && (end - start) % 4 !== 0) complain(`range ${i} not a multiple of 4`);
        });
        // Rounding each cut to a multiple of 4 moves it by at most 2 rows: sizes differ by ≤ 4.
        if (ranges.length === parts && Math.max(...sizes) - Math.min(...sizes) > 4) complain('sizes differ by more than 4');
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('splitExclusions', () => {
  it('holds its TSDoc example', () => {
    const pieces = splitExclusions(Int32Array.of(1, 5, 9), [
      { start: 0, end: 4 },
      { start: 4, end: 10 },
    ]);
    expect(pieces.map((piece) => Array.from(piece))).toEqual([[1], [1, 5]]);
  });

  it('puts each boundary index (start, end − 1) in its own range, local to it, duplicates kept', () => {
    const ranges = partitionRows(1003, 3); // [0, 336), [336, 668), [668, 1003)
    const exclude = Int32Array.of(0, 335, 336, 336, 667, 668, 1002);
    expect(splitExclusions(exclude, ranges).map((piece) => Array.from(piece))).toEqual([
      [0, 335],
      [0, 0, 331],
      [0, 334],
    ]);
  });

  it('gives an empty piece per range for no exclusions, and for ranges nothing falls in', () => {
    const ranges = partitionRows(20, 3);
    for (const none of [undefined, new Int32Array(0)]) {
      const pieces = splitExclusions(none, ranges);
      expect(pieces.length).toBe(ranges.length);
      expect(pieces.every((piece) => piece instanceof Int32Array && piece.length === 0)).toBe(true);
    }
    // Only the last range has exclusions.
    expect(splitExclusions(Int32Array.of(19), ranges).map((piece) => Array.from(piece))).toEqual([[], [], [19 - ranges[2].start]]);
  });

  it('loses and invents nothing on random sorted lists', () => {
    const random = new SeededRandom(17);
    for (let trial = 0; trial < 100; trial++) {
      const rows = 1 + random.nextInt(500);
      const ranges = partitionRows(rows, 1 + random.nextInt(4));
      const exclude = Int32Array.from({ length: random.nextInt(40) }, () => random.nextInt(rows)).sort();
      const pieces = splitExclusions(exclude, ranges);
      const rebuilt: number[] = [];
      pieces.forEach((piece, part) => {
        const { start, end } = ranges[part];
        for (const local of piece) {
          expect(local).toBeGreaterThanOrEqual(0);
          expect(local).toBeLessThan(end - start);
          rebuilt.push(local + start);
        }
      });
      expect(rebuilt).toEqual(Array.from(exclude));
    }
  });
});
