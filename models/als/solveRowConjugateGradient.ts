import { rowRegularization, type RowSolveHyperparameters } from './AlsHyperparameters';
import type { RowScratch } from './RowSystem';

/**
 * Improves one row's factors in place with a few conjugate-gradient steps on the same normal
 * equations as {@link solveRowExact}, warm-started from the current values (Takács et al. 2011;
 * the approach of benfred/implicit). The Gramian term is applied as α₀ G p, so a step costs
 * O(dims² + entries·dims) instead of the O(entries·dims² + dims³) of an exact solve.
 *
 * @returns the row's share of the training loss *before* the update:
 *   Σ_observed [c (1 − ŷ)² − α₀ ŷ²] + α₀ xᵀGx + λ_row ‖x‖².
 * @example
 * ```ts
 * solveRowConjugateGradient(system.indices, system.weights, start, end, itemFactors, itemCount,
 *   gramian, dims, hyper, 3, scratch, userFactors, u * dims);
 * ```
 */
export function solveRowConjugateGradient(
  indices: Int32Array,
  weights: Float32Array,
  start: number,
  end: number,
  otherFactors: Float32Array,
  otherCount: number,
  otherGramian: Float64Array,
  dims: number,
  hyper: RowSolveHyperparameters,
  steps: number,
  scratch: RowScratch,
  target: Float32Array,
  targetOffset: number,
): number {
  const { vector: x, residual: r, direction: p, product: ap } = scratch;
  const alpha0 = hyper.unobservedWeight;
  const alpha = hyper.alpha;
  const lambda = rowRegularization(hyper, end - start, otherCount);
  for (let d = 0; d < dims; d++) x[d] = target[targetOffset + d];

  // r = b − A x = Σ [c − (c − α₀) ŷ] y − α₀ G x − λ x
  multiplyGramian(otherGramian, dims, x, r, -alpha0);
  // While r holds −α₀ G x, xᵀ(−r) is the α₀ Σ_all ŷ² part of this row's loss.
  let rowLoss = 0;
  for (let d = 0; d < dims; d++) {
    rowLoss += lambda * x[d] * x[d] - x[d] * r[d];
    r[d] -= lambda * x[d];
  }
  for (let e = start; e < end; e++) {
    const base = indices[e] * dims;
    const predicted = dot(otherFactors, base, x, dims);
    const confidence = 1 + alpha * weights[e];
    const error = 1 - predicted;
    rowLoss += confidence * error * error - alpha0 * predicted * predicted;
    const coefficient = confidence - (confidence - alpha0) * predicted;
    axpy(coefficient, otherFactors, base, r, dims);
  }

  let residualNorm = 0;
  for (let d = 0; d < dims; d++) {
    p[d] = r[d];
    residualNorm += r[d] * r[d];
  }
  for (let step = 0; step < steps && residualNorm > 1e-20; step++) {
    // ap = A p = α₀ G p + λ p + Σ (c − α₀)(y·p) y
    multiplyGramian(otherGramian, dims, p, ap, alpha0);
    for (let d = 0; d < dims; d++) ap[d] += lambda * p[d];
    for (let e = start; e < end; e++) {
      const base = indices[e] * dims;
      const coefficient = (alpha * weights[e] + 1 - alpha0) * dot(otherFactors, base, p, dims);
      axpy(coefficient, otherFactors, base, ap, dims);
    }
    let curvature = 0;
    for (let d = 0; d < dims; d++) curvature += p[d] * ap[d];
    if (!(curvature > 0)) break;
    const stepSize = residualNorm / curvature;
    let nextNorm = 0;
    for (let d = 0; d < dims; d++) {
      x[d] += stepSize * p[d];
      r[d] -= stepSize * ap[d];
      nextNorm += r[d] * r[d];
    }
    const beta = nextNorm / residualNorm;
    for (let d = 0; d < dims; d++) p[d] = r[d] + beta * p[d];
    residualNorm = nextNorm;
  }
  for (let d = 0; d < dims; d++) target[targetOffset + d] = x[d];
  return rowLoss;
}

/**
 * row · v for one factor row. Four independent accumulators let the CPU overlap the multiplies
 * (a single running sum serialises on the add latency); this is the hottest loop of training.
 */
function dot(factors: Float32Array, base: number, v: Float64Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    s0 += factors[base + d] * v[d];
    s1 += factors[base + d + 1] * v[d + 1];
    s2 += factors[base + d + 2] * v[d + 2];
    s3 += factors[base + d + 3] * v[d + 3];
  }
  for (; d < dims; d++) s0 += factors[base + d] * v[d];
  return s0 + s1 + s2 + s3;
}

/** out += scale · row, unrolled like {@link dot}. */
function axpy(scale: number, factors: Float32Array, base: number, out: Float64Array, dims: number): void {
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    out[d] += scale * factors[base + d];
    out[d + 1] += scale * factors[base + d + 1];
    out[d + 2] += scale * factors[base + d + 2];
    out[d + 3] += scale * factors[base + d + 3];
  }
  for (; d < dims; d++) out[d] += scale * factors[base + d];
}

/** out = scale · G v for a symmetric dims × dims G. */
function multiplyGramian(gramian: Float64Array, dims: number, v: Float64Array, out: Float64Array, scale: number): void {
  for (let i = 0; i < dims; i++) {
    const row = i * dims;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < dims; j += 2) {
      s0 += gramian[row + j] * v[j];
      s1 += gramian[row + j + 1] * v[j + 1];
    }
    if (j < dims) s0 += gramian[row + j] * v[j];
    out[i] = scale * (s0 + s1);
  }
}
