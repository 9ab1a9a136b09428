/**
 * In-place inverse of a dense symmetric positive-definite matrix (row-major `Float64Array`), the
 * heart of EASE's closed form. Plain TypeScript, one thread, no dependencies.
 *
 * The algorithm is the classic one, A⁻¹ = L⁻ᵀ L⁻¹ with A = L Lᵀ, in three in-place passes:
 *
 * 1. blocked left-looking Cholesky: L in the lower triangle;
 * 2. blocked triangular inverse: M = L⁻¹ written *transposed* into the upper triangle (so the
 *    next pass reads rows, not columns), the lower triangle zeroed as it is consumed;
 * 3. A⁻¹[a][c] = Σ_k M[k][a]·M[k][c] = (row a of Mᵀ)·(row c of Mᵀ), written over the upper
 *    triangle, then mirrored into the lower one.
 *
 * Every O(n³) inner loop is a dot product of two contiguous rows, computed four rows by two rows
 * at a time (eight independent accumulators): that register tile is what lifts V8 from ~0.7 to
 * ~2.3 G multiply-adds per second on the reference machine, because a single-accumulator loop is
 * bound by floating-point add latency. Total work is n³/2 multiply-adds (e.g. 3.2·10¹⁰ at
 * n = 4000). The O(n²·block) remainder runs as plain dot products.
 */

/** Columns per block of the Cholesky and triangular-inverse passes. */
const BLOCK = 32;
/** Inner-dimension chunk of the Cholesky update, so a block's rows stay in L2 (32 × 512 × 8 B). */
const DEPTH_CHUNK = 512;

/**
 * Replaces `matrix` (n×n, row-major, symmetric positive definite) by its inverse, in place. Only
 * the lower triangle (with the diagonal) of the input is read; the output is fully symmetric.
 *
 * @returns false when the matrix is not positive definite (a Cholesky pivot ≤ 0 or NaN); the
 *   contents of `matrix` are then unspecified.
 *
 * @example
 * ```ts
 * const a = Float64Array.from([4, 2, 2, 3]); // [[4, 2], [2, 3]]
 * invertSymmetricPositiveDefinite(a, 2);      // a = [0.375, -0.25, -0.25, 0.5]
 * ```
 */
export function invertSymmetricPositiveDefinite(matrix: Float64Array, n: number): boolean {
  if (!Number.isInteger(n) || n < 0 || matrix.length < n * n) {
    throw new RangeError(`invertSymmetricPositiveDefinite: need an n×n array, got n=${n}, length ${matrix.length}`);
  }
  if (n === 0) return true;
  const pivots = new Float64Array(n);
  const tile = new Float64Array(8);
  if (!factorLower(matrix, n, pivots, tile)) return false;
  invertFactorIntoUpper(matrix, n, pivots, tile);
  multiplyTransposeIntoUpper(matrix, n, tile);
  mirrorUpperToLower(matrix, n);
  return true;
}

/**
 * Pass 1: A = L Lᵀ, L written over the lower triangle, its diagonal also copied to `pivots`.
 * Left-looking by blocks of BLOCK columns: first subtract the contribution of all earlier
 * columns with the 4×2 kernel, then finish the block with short dot products.
 */
function factorLower(m: Float64Array, n: number, pivots: Float64Array, tile: Float64Array): boolean {
  for (let blockStart = 0; blockStart < n; blockStart += BLOCK) {
    const blockEnd = Math.min(blockStart + BLOCK, n);
    // m[i][j] -= Σ_{k < blockStart} L[i][k]·L[j][k] for rows i ≥ blockStart, block columns j.
    // Tiles that straddle the diagonal also touch a few upper-triangle entries: harmless, the
    // upper triangle is never read before pass 2 overwrites it.
    for (let depthStart = 0; depthStart < blockStart; depthStart += DEPTH_CHUNK) {
      const depthEnd = Math.min(depthStart + DEPTH_CHUNK, blockStart);
      for (let i = blockStart; i < n; i += 4) {
        const rows = Math.min(4, n - i);
        for (let j = blockStart; j < blockEnd; j += 2) {
          const columns = Math.min(2, blockEnd - j);
          rowDotsTile(m, n, i, rows, j, columns, depthStart, depthEnd, tile);
          for (let r = 0; r < rows; r++) {
            const at = (i + r) * n + j;
            m[at] -= tile[r * 2];
            if (columns === 2) m[at + 1] -= tile[r * 2 + 1];
          }
        }
      }
    }
    for (let j = blockStart; j < blockEnd; j++) {
      const rowJ = j * n;
      const diagonal = m[rowJ + j] - rowDot(m, rowJ + blockStart, rowJ + blockStart, j - blockStart);
      if (!(diagonal > 0)) return false;
      const pivot = Math.sqrt(diagonal);
      m[rowJ + j] = pivot;
      pivots[j] = pivot;
      const inverse = 1 / pivot;
      for (let i = j + 1; i < n; i++) {
        const rowI = i * n;
        m[rowI + j] = (m[rowI + j] - rowDot(m, rowI + blockStart, rowJ + blockStart, j - blockStart)) * inverse;
      }
    }
  }
  return true;
}

/**
 * Pass 2: M = L⁻¹ (lower triangular), stored transposed: U[j][i] = M[i][j] for j ≤ i, i.e. in
 * the upper triangle and diagonal. From L·M = I, row by row:
 * M[i][j] = −(Σ_{j ≤ k < i} L[i][k]·M[k][j]) / L[i][i], and M[i][i] = 1 / L[i][i];
 * with M transposed both factors of that sum are contiguous row segments (row i of L, row j
 * of U). Once a block of rows is done its part of L is dead and is zeroed, which lets the
 * kernel run over whole 2-column tiles without special-casing the zero entries of M.
 */
function invertFactorIntoUpper(m: Float64Array, n: number, pivots: Float64Array, tile: Float64Array): void {
  for (let j = 0; j < n; j++) m[j * n + j] = 1 / pivots[j];
  for (let blockStart = 0; blockStart < n; blockStart += BLOCK) {
    const blockEnd = Math.min(blockStart + BLOCK, n);
    // Contribution of the finished rows k < blockStart, for every earlier column j:
    // partial[i][j] = Σ_{j ≤ k < blockStart} L[i][k]·U[j][k], parked in U[j][i].
    // blockStart is a multiple of BLOCK (even), so the column pairs tile [0, blockStart) exactly;
    // in a pair (j, j+1), U[j+1][j] is a zeroed lower entry, so one k range serves both.
    for (let j = 0; j < blockStart; j += 2) {
      for (let i = blockStart; i < blockEnd; i += 4) {
        const rows = Math.min(4, blockEnd - i);
        rowDotsTile(m, n, i, rows, j, 2, j, blockStart, tile);
        for (let r = 0; r < rows; r++) {
          m[j * n + i + r] = tile[r * 2];
          m[(j + 1) * n + i + r] = tile[r * 2 + 1];
        }
      }
    }
    // Finish inside the block: add the rows k ∈ [blockStart, i) (forward substitution).
    for (let i = blockStart; i < blockEnd; i++) {
      const rowI = i * n;
      const inversePivot = 1 / pivots[i];
      for (let j = 0; j < i; j++) {
        const rowJ = j * n;
        const from = j > blockStart ? j : blockStart;
        const partial = j < blockStart ? m[rowJ + i] : 0;
        m[rowJ + i] = -(partial + rowDot(m, rowI + from, rowJ + from, i - from)) * inversePivot;
      }
    }
    for (let i = blockStart; i < blockEnd; i++) m.fill(0, i * n, i * n + i);
  }
}

/**
 * Pass 3: A⁻¹ = Mᵀ·M, i.e. A⁻¹[a][c] = Σ_{k ≥ c} U[a][k]·U[c][k] for a ≤ c, written over U[a][c].
 * In place because, sweeping row blocks top-down and columns left to right, each U entry is
 * overwritten only after the last product that reads it (see the loop comments).
 */
function multiplyTransposeIntoUpper(m: Float64Array, n: number, tile: Float64Array): void {
  for (let blockStart = 0; blockStart < n; blockStart += BLOCK) {
    const blockEnd = Math.min(blockStart + BLOCK, n);
    for (let c = blockStart; c < n; c += 2) {
      const columns = Math.min(2, n - c);
      // Rows a > c would be lower-triangle outputs: skip them (a tile may still include some,
      // their results are discarded). U[c+1][c] is zero, so k can start at c for both columns.
      const rowEnd = Math.min(blockEnd, c + columns);
      for (let a = blockStart; a < rowEnd; a += 4) {
        const rows = Math.min(4, rowEnd - a);
        // Reads U[a][c..n) and U[c][c..n): row a has only been overwritten left of c, and row
        // c (if it is in this block) is written by the last row tile of this column pair, after
        // every earlier row tile has read it.
        rowDotsTile(m, n, a, rows, c, columns, c, n, tile);
        for (let r = 0; r < rows; r++) {
          const row = a + r;
          if (row <= c) m[row * n + c] = tile[r * 2];
          if (columns === 2 && row <= c + 1) m[row * n + c + 1] = tile[r * 2 + 1];
        }
      }
    }
  }
}

/** Copies the upper triangle into the lower one, in square tiles to stay cache-friendly. */
function mirrorUpperToLower(m: Float64Array, n: number): void {
  const size = 64;
  for (let rowBlock = 0; rowBlock < n; rowBlock += size) {
    for (let columnBlock = 0; columnBlock <= rowBlock; columnBlock += size) {
      const rowEnd = Math.min(rowBlock + size, n);
      for (let i = rowBlock; i < rowEnd; i++) {
        const columnEnd = Math.min(columnBlock + size, i);
        for (let j = columnBlock; j < columnEnd; j++) m[i * n + j] = m[j * n + i];
      }
    }
  }
}

/**
 * tile[r·2 + c] = Σ_{k ∈ [kStart, kEnd)} m[rowA + r][k] · m[rowB + c][k] for r < rows (≤ 4),
 * c < columns (≤ 2). The full 4×2 case keeps eight independent accumulators in registers.
 */
function rowDotsTile(m: Float64Array, n: number, rowA: number, rows: number, rowB: number, columns: number, kStart: number, kEnd: number, tile: Float64Array): void {
  if (rows === 4 && columns === 2) {
    const a0 = rowA * n;
    const a1 = a0 + n;
    const a2 = a1 + n;
    const a3 = a2 + n;
    const b0 = rowB * n;
    const b1 = b0 + n;
    let c00 = 0,
      c01 = 0,
      c10 = 0,
      c11 = 0,
      c20 = 0,
      c21 = 0,
      c30 = 0,
      c31 = 0;
    for (let k = kStart; k < kEnd; k++) {
      const y0 = m[b0 + k];
      const y1 = m[b1 + k];
      let x = m[a0 + k];
      c00 += x * y0;
      c01 += x * y1;
      x = m[a1 + k];
      c10 += x * y0;
      c11 += x * y1;
      x = m[a2 + k];
      c20 += x * y0;
      c21 += x * y1;
      x = m[a3 + k];
      c30 += x * y0;
      c31 += x * y1;
    }
    tile[0] = c00;
    tile[1] = c01;
    tile[2] = c10;
    tile[3] = c11;
    tile[4] = c20;
    tile[5] = c21;
    tile[6] = c30;
    tile[7] = c31;
    return;
  }
  // Edge tiles (last rows or an odd last column): plain dot products.
  const length = kEnd - kStart;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      tile[r * 2 + c] = length > 0 ? rowDot(m, (rowA + r) * n + kStart, (rowB + c) * n + kStart, length) : 0;
    }
  }
}

/** Σ_{t < length} m[offsetA + t]·m[offsetB + t], with four accumulators to hide add latency. */
function rowDot(m: Float64Array, offsetA: number, offsetB: number, length: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let t = 0;
  for (; t + 3 < length; t += 4) {
    s0 += m[offsetA + t] * m[offsetB + t];
    s1 += m[offsetA + t + 1] * m[offsetB + t + 1];
    s2 += m[offsetA + t + 2] * m[offsetB + t + 2];
    s3 += m[offsetA + t + 3] * m[offsetB + t + 3];
  }
  for (; t < length; t++) s0 += m[offsetA + t] * m[offsetB + t];
  return s0 + s1 + (s2 + s3);
}
