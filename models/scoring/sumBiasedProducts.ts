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
  const blockRows = rows & ~3;
  // The hot loop has a function of its own, with no path it does not take on every call: V8
  // compiles a long-running loop on the fly (OSR) before the code after it has ever run, and
  // that code then deoptimises on the way out (--trace-deopt: "insufficient type feedback").
  // With the tails in the same function, one Node process in 14 stayed on slower code
  // (3.8 against 2.1 ms at 100k × 64).
  sumFourRowBlocks(words, packedLevels, blockRows, wordsPerRow, evenWords, out);
  if (blockRows < rows) sumRemainingRows(words, packedLevels, blockRows, rows, wordsPerRow, evenWords, out);
  if (evenWords < wordsPerRow) addOddLastWord(words, packedLevels, rows, wordsPerRow, evenWords, out);
}

/** Rows `[0, blockRows)`, four per pass sharing the packed levels, words `[0, evenWords)` of each. */
function sumFourRowBlocks(words: Int32Array, packedLevels: Int32Array, blockRows: number, wordsPerRow: number, evenWords: number, out: Int32Array): void {
  // 0x80808080 as an int32: XOR flips the sign bit of each of a word's four bytes.
  const flipSignBits = -2139062144;
  // Keeps bytes 0 and 2 of a word, each in its own 16-bit lane.
  const evenBytes = 0xff00ff;
  // Local constants, not module-level ones: a bundler may turn a module's `const` into a `var`
  // (esbuild does for Node ESM bundles), which V8 then reloads and checks on every use. In the
  // Node CLI bundle that made this loop 1.9× slower (4.3 against 2.3 ms at 100k × 64).
  let first = 0;
  // Written out rather than through a helper per word pair: JavaScriptCore (WPE) runs the helper
  // version 3× slower, V8 either way alike.
  for (let row = 0; row < blockRows; row += 4) {
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
      let x = words[first + k] ^ flipSignBits;
      let y = words[first + k + 1] ^ flipSignBits;
      sum0 =
        (sum0 +
          ((Math.imul(x & evenBytes, even) + Math.imul((x >>> 8) & evenBytes, odd) + Math.imul(y & evenBytes, nextEven) + Math.imul((y >>> 8) & evenBytes, nextOdd)) >>> 16)) |
        0;
      x = words[second + k] ^ flipSignBits;
      y = words[second + k + 1] ^ flipSignBits;
      sum1 =
        (sum1 +
          ((Math.imul(x & evenBytes, even) + Math.imul((x >>> 8) & evenBytes, odd) + Math.imul(y & evenBytes, nextEven) + Math.imul((y >>> 8) & evenBytes, nextOdd)) >>> 16)) |
        0;
      x = words[third + k] ^ flipSignBits;
      y = words[third + k + 1] ^ flipSignBits;
      sum2 =
        (sum2 +
          ((Math.imul(x & evenBytes, even) + Math.imul((x >>> 8) & evenBytes, odd) + Math.imul(y & evenBytes, nextEven) + Math.imul((y >>> 8) & evenBytes, nextOdd)) >>> 16)) |
        0;
      x = words[fourth + k] ^ flipSignBits;
      y = words[fourth + k + 1] ^ flipSignBits;
      sum3 =
        (sum3 +
          ((Math.imul(x & evenBytes, even) + Math.imul((x >>> 8) & evenBytes, odd) + Math.imul(y & evenBytes, nextEven) + Math.imul((y >>> 8) & evenBytes, nextOdd)) >>> 16)) |
        0;
    }
    out[row] = sum0;
    out[row + 1] = sum1;
    out[row + 2] = sum2;
    out[row + 3] = sum3;
    first = fourth + wordsPerRow;
  }
}

/** Rows `[row, rows)` (at most three), one at a time, words `[0, evenWords)` of each. */
function sumRemainingRows(words: Int32Array, packedLevels: Int32Array, row: number, rows: number, wordsPerRow: number, evenWords: number, out: Int32Array): void {
  const flipSignBits = -2139062144;
  const evenBytes = 0xff00ff;
  for (let first = row * wordsPerRow; row < rows; row++, first += wordsPerRow) {
    let sum = 0;
    for (let k = 0; k < evenWords; k += 2) {
      const x = words[first + k] ^ flipSignBits;
      const y = words[first + k + 1] ^ flipSignBits;
      sum =
        (sum +
          ((Math.imul(x & evenBytes, packedLevels[2 * k]) +
            Math.imul((x >>> 8) & evenBytes, packedLevels[2 * k + 1]) +
            Math.imul(y & evenBytes, packedLevels[2 * k + 2]) +
            Math.imul((y >>> 8) & evenBytes, packedLevels[2 * k + 3])) >>>
            16)) |
        0;
    }
    out[row] = sum;
  }
}

/** Adds the odd last word of every row, alone: two products, still below 2¹⁶ together. */
function addOddLastWord(words: Int32Array, packedLevels: Int32Array, rows: number, wordsPerRow: number, evenWords: number, out: Int32Array): void {
  const flipSignBits = -2139062144;
  const evenBytes = 0xff00ff;
  const even = packedLevels[2 * evenWords];
  const odd = packedLevels[2 * evenWords + 1];
  for (let at = 0, last = evenWords; at < rows; at++, last += wordsPerRow) {
    const x = words[last] ^ flipSignBits;
    out[at] = (out[at] + ((Math.imul(x & evenBytes, even) + Math.imul((x >>> 8) & evenBytes, odd)) >>> 16)) | 0;
  }
}
