/** 0x80808080 as an int32: XOR flips the sign bit of each of a word's four bytes. */
const FLIP_SIGN_BITS = -2139062144;
/** Keeps bytes 0 and 2 of a word, each in its own 16-bit lane. */
const EVEN_BYTES = 0xff00ff;

/**
 * The screening kernel of {@link createScreenedTopK}: for every row of an int8 table read as
 * little-endian int32 words (4 values per word), `out[row] = Σ_d (b_d + 128) × level_d`, exactly,
 * in int32 arithmetic, two products per `Math.imul`, with every `level_d` in [0, 31].
 *
 * Word k of a row holds bytes b0..b3 (dims 4k..4k+3). Flipping their sign bits gives unsigned
 * x_j = b_j + 128 ∈ [0, 255]. Masking keeps two of them 16 bits apart, `x0 + x2·2¹⁶`; times the
 * packed levels `level2 + level0·2¹⁶` that is `x0·level2 + (x0·level0 + x2·level2)·2¹⁶ +
 * x2·level0·2³²`. The last term falls off the 32-bit result; the middle one is the wanted pair
 * sum. Bytes 1 and 3 go the same way after `>>> 8`. Two words give four such products: their low
 * halves add up to at most 4 × 255 × 31 < 2¹⁶ (no carry) and their wanted parts to at most
 * 8 × 255 × 31 < 2¹⁶, so one `>>> 16` per two words reads the exact sum of 8 byte × level products.
 *
 * Four rows per pass share the packed levels. Measured at 100k × 64 (median of 100+ calls):
 * 2.1 ms in Node 20, 2.3 ms in Chromium 156, 1.8 ms in WPE WebKit, against 5.7 / 5.6 / 4.0 ms for
 * the float64 kernel {@link scoreInt8Rows}. Variants measured and dropped: one `>>> 16` per
 * product (6-bit levels, +10–20%), one, two or eight rows per pass (+15–100%), levels hoisted
 * into locals, linear indexing, a helper function per word pair (3× slower in WPE).
 *
 * @param words the table as int32 words, `wordsPerRow` per row.
 * @param packedLevels two entries per word k of a row: `[2k]` for bytes (0, 2) =
 *   `level(4k+2) + level(4k) << 16`, `[2k + 1]` for bytes (1, 3) = `level(4k+3) + level(4k+1) << 16`.
 * @example
 * ```ts
 * sumBiasedProducts(new Int32Array(values.buffer), packedLevels, rows, dims / 4, sums);
 * ```
 */
export function sumBiasedProducts(words: Int32Array, packedLevels: Int32Array, rows: number, wordsPerRow: number, out: Int32Array): void {
  const evenWords = wordsPerRow & ~1;
  let row = 0;
  let first = 0;
  // Written out rather than through pairSum: JavaScriptCore (WPE) runs the helper version 3×
  // slower, V8 either way alike.
  for (; row + 3 < rows; row += 4) {
    const second = first + wordsPerRow;
    const third = second + wordsPerRow;
    const fourth = third + wordsPerRow;
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    let sum3 = 0;
    for (let k = 0; k < evenWords; k += 2) {
      const even = packedLevels[2 * k];
      const odd = packedLevels[2 * k + 1];
      const nextEven = packedLevels[2 * k + 2];
      const nextOdd = packedLevels[2 * k + 3];
      let x = words[first + k] ^ FLIP_SIGN_BITS;
      let y = words[first + k + 1] ^ FLIP_SIGN_BITS;
      sum0 = (sum0 + ((Math.imul(x & EVEN_BYTES, even) + Math.imul((x >>> 8) & EVEN_BYTES, odd) + Math.imul(y & EVEN_BYTES, nextEven) + Math.imul((y >>> 8) & EVEN_BYTES, nextOdd)) >>> 16)) | 0;
      x = words[second + k] ^ FLIP_SIGN_BITS;
      y = words[second + k + 1] ^ FLIP_SIGN_BITS;
      sum1 = (sum1 + ((Math.imul(x & EVEN_BYTES, even) + Math.imul((x >>> 8) & EVEN_BYTES, odd) + Math.imul(y & EVEN_BYTES, nextEven) + Math.imul((y >>> 8) & EVEN_BYTES, nextOdd)) >>> 16)) | 0;
      x = words[third + k] ^ FLIP_SIGN_BITS;
      y = words[third + k + 1] ^ FLIP_SIGN_BITS;
      sum2 = (sum2 + ((Math.imul(x & EVEN_BYTES, even) + Math.imul((x >>> 8) & EVEN_BYTES, odd) + Math.imul(y & EVEN_BYTES, nextEven) + Math.imul((y >>> 8) & EVEN_BYTES, nextOdd)) >>> 16)) | 0;
      x = words[fourth + k] ^ FLIP_SIGN_BITS;
      y = words[fourth + k + 1] ^ FLIP_SIGN_BITS;
      sum3 = (sum3 + ((Math.imul(x & EVEN_BYTES, even) + Math.imul((x >>> 8) & EVEN_BYTES, odd) + Math.imul(y & EVEN_BYTES, nextEven) + Math.imul((y >>> 8) & EVEN_BYTES, nextOdd)) >>> 16)) | 0;
    }
    out[row] = sum0;
    out[row + 1] = sum1;
    out[row + 2] = sum2;
    out[row + 3] = sum3;
    first = fourth + wordsPerRow;
  }
  // Up to three rows left.
  for (; row < rows; row++, first += wordsPerRow) {
    let sum = 0;
    for (let k = 0; k < evenWords; k += 2) {
      const x = words[first + k] ^ FLIP_SIGN_BITS;
      const y = words[first + k + 1] ^ FLIP_SIGN_BITS;
      sum = (sum + ((Math.imul(x & EVEN_BYTES, packedLevels[2 * k]) + Math.imul((x >>> 8) & EVEN_BYTES, packedLevels[2 * k + 1]) + Math.imul(y & EVEN_BYTES, packedLevels[2 * k + 2]) + Math.imul((y >>> 8) & EVEN_BYTES, packedLevels[2 * k + 3])) >>> 16)) | 0;
    }
    out[row] = sum;
  }
  // An odd last word of every row, alone: two products, still below 2¹⁶ together.
  if (evenWords < wordsPerRow) {
    const even = packedLevels[2 * evenWords];
    const odd = packedLevels[2 * evenWords + 1];
    for (let at = 0, last = evenWords; at < rows; at++, last += wordsPerRow) {
      const x = words[last] ^ FLIP_SIGN_BITS;
      out[at] = (out[at] + ((Math.imul(x & EVEN_BYTES, even) + Math.imul((x >>> 8) & EVEN_BYTES, odd)) >>> 16)) | 0;
    }
  }
}
