/**
 * Dense Cholesky factorisation and solves for symmetric positive-definite matrices stored
 * row-major in a flat array. This is the fold-in's workhorse (a k×k ridge system per user, k≈64:
 * ~0.1 ms) and the base of EASE's inverse, so it is written once here and shared by the cloud
 * tools and the device.
 */

/**
 * Factors `matrix` (n×n, row-major, symmetric positive definite) in place into its lower
 * Cholesky factor L (the upper triangle is left untouched and must be ignored afterwards).
 *
 * @returns false when the matrix is not positive definite (a pivot ≤ 0), true otherwise.
 */
export function choleskyFactor(matrix: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diagonal = matrix[rowJ + j];
    for (let k = 0; k < j; k++) diagonal -= matrix[rowJ + k] * matrix[rowJ + k];
    if (!(diagonal > 0)) return false;
    const pivot = Math.sqrt(diagonal);
    matrix[rowJ + j] = pivot;
    const inverse = 1 / pivot;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = matrix[rowI + j];
      for (let k = 0; k < j; k++) sum -= matrix[rowI + k] * matrix[rowJ + k];
      matrix[rowI + j] = sum * inverse;
    }
  }
  return true;
}

/**
 * Solves L Lᵀ x = b in place (`vector` holds b on entry, x on return), with L from
 * {@link choleskyFactor}.
 */
export function choleskySolve(factor: Float64Array, n: number, vector: Float64Array): void {
  // Forward substitution: L y = b.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = vector[i];
    for (let k = 0; k < i; k++) sum -= factor[row + k] * vector[k];
    vector[i] = sum / factor[row + i];
  }
  // Back substitution: Lᵀ x = y.
  for (let i = n - 1; i >= 0; i--) {
    let sum = vector[i];
    for (let k = i + 1; k < n; k++) sum -= factor[k * n + i] * vector[k];
    vector[i] = sum / factor[i * n + i];
  }
}
