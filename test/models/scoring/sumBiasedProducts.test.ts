import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../models/random';
import { sumBiasedProducts } from '../../../models/scoring/sumBiasedProducts';

/** Packs per-dim levels the way createScreenedTopK does: `[2k]` = dims (4k, 4k+2), `[2k+1]` = (4k+1, 4k+3). */
function packLevels(levels: number[]): Int32Array {
  const packed = new Int32Array(levels.length >> 1);
  for (let k = 0; 4 * k < levels.length; k++) {
    packed[2 * k] = levels[4 * k + 2] + (levels[4 * k] << 16);
    packed[2 * k + 1] = levels[4 * k + 3] + (levels[4 * k + 1] << 16);
  }
  return packed;
}

function wordsOf(bytes: Int8Array): Int32Array {
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

describe('sumBiasedProducts', () => {
  it('computes Σ (b + 128) × level on a hand-checked word, extreme bytes included', () => {
    // (1+128)·31 + (−2+128)·0 + (127+128)·1 + (−128+128)·16 = 3999 + 0 + 255 + 0.
    const out = new Int32Array(1);
    sumBiasedProducts(wordsOf(Int8Array.from([1, -2, 127, -128])), packLevels([31, 0, 1, 16]), 1, 1, out);
    expect(out[0]).toBe(4254);
  });

  it('is exact for every row and word count, at the extremes of bytes and levels', () => {
    const random = new SeededRandom(5);
    for (let rows = 1; rows <= 9; rows++) {
      for (let wordsPerRow = 1; wordsPerRow <= 6; wordsPerRow++) {
        const dims = 4 * wordsPerRow;
        // Mostly the extremes (−128, 127, levels 0 and 31), where a carry between lanes would show.
        const bytes = Int8Array.from({ length: rows * dims }, () => [-128, 127, -1, 0][random.nextInt(4)] + (random.next() < 0.3 ? random.nextInt(100) - 50 : 0));
        const levels = Array.from({ length: dims }, () => (random.next() < 0.7 ? [0, 31][random.nextInt(2)] : random.nextInt(32)));
        const out = new Int32Array(rows);
        sumBiasedProducts(wordsOf(bytes), packLevels(levels), rows, wordsPerRow, out);
        for (let row = 0; row < rows; row++) {
          let expected = 0;
          for (let d = 0; d < dims; d++) expected += (bytes[row * dims + d] + 128) * levels[d];
          expect(out[row], `rows ${rows}, words ${wordsPerRow}, row ${row}`).toBe(expected);
        }
      }
    }
  });

  it('reaches the largest sums without overflowing a lane', () => {
    // Every byte 127 (biased 255) and every level 31: 255 × 31 per product, the worst case per lane.
    const dims = 64;
    const out = new Int32Array(5);
    sumBiasedProducts(wordsOf(new Int8Array(5 * dims).fill(127)), packLevels(new Array<number>(dims).fill(31)), 5, dims / 4, out);
    expect(Array.from(out)).toEqual(new Array<number>(5).fill(255 * 31 * dims));
  });
});
