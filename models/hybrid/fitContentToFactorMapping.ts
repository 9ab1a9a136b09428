import type { ItemContentFeatures } from '../baselines/buildItemContentFeatures';
import { choleskyFactor, choleskySolve } from '../linalg/cholesky';
import { OndeckError } from '../errors/OndeckError';

/** A linear map from an item's content features (TF-IDF of genres and tags) to a factor vector. */
export interface ContentToFactorMapping {
  readonly terms: number;
  readonly dims: number;
  /** Row-major `terms × dims`. */
  readonly weights: Float64Array;
}

/**
 * Fits the ridge regression  min_W Σ_{warm items} ‖f_i W − y_i‖² + μ‖W‖²  from the content
 * features f_i of items that have trained factors y_i (closed form: (FᵀF + μI) W = FᵀY, one
 * Cholesky factorisation, `dims` solves). A new title with no interactions yet then gets
 * y = f W: a factor vector in the same latent space, so it can be recommended on day one.
 *
 * @param warmItems which rows of `features` / `itemFactors` to fit on.
 * @example
 * ```ts
 * const mapping = fitContentToFactorMapping(features, itemFactors, dims, warmItems, 1);
 * const vector = mapContentToFactors(mapping, features, coldItem);
 * ```
 */
export function fitContentToFactorMapping(features: ItemContentFeatures, itemFactors: Float32Array, dims: number, warmItems: ArrayLike<number>, ridge = 1): ContentToFactorMapping {
  const terms = features.vocabulary.length;
  if (terms === 0) throw new OndeckError('invalid-argument', { name: 'features', reason: 'no content terms to map from' });
  const normal = new Float64Array(terms * terms);
  const rightHandSides = new Float64Array(terms * dims);
  for (let w = 0; w < warmItems.length; w++) {
    const item = warmItems[w];
    const start = features.indptr[item];
    const end = features.indptr[item + 1];
    for (let a = start; a < end; a++) {
      const termA = features.indices[a];
      const valueA = features.values[a];
      for (let b = start; b < end; b++) normal[termA * terms + features.indices[b]] += valueA * features.values[b];
      for (let d = 0; d < dims; d++) rightHandSides[termA * dims + d] += valueA * itemFactors[item * dims + d];
    }
  }
  for (let t = 0; t < terms; t++) normal[t * terms + t] += ridge;
  if (!choleskyFactor(normal, terms)) throw new OndeckError('training-failed', { reason: 'content mapping system is not positive definite' });
  const weights = new Float64Array(terms * dims);
  const column = new Float64Array(terms);
  for (let d = 0; d < dims; d++) {
    for (let t = 0; t < terms; t++) column[t] = rightHandSides[t * dims + d];
    choleskySolve(normal, terms, column);
    for (let t = 0; t < terms; t++) weights[t * dims + d] = column[t];
  }
  return { terms, dims, weights };
}

/** Writes f_item · W into `out` at `offset` (zeros for an item without content terms). */
export function mapContentToFactors(mapping: ContentToFactorMapping, features: ItemContentFeatures, item: number, out: Float32Array, offset: number): void {
  const { dims, weights } = mapping;
  for (let d = 0; d < dims; d++) out[offset + d] = 0;
  for (let e = features.indptr[item]; e < features.indptr[item + 1]; e++) {
    const base = features.indices[e] * dims;
    const value = features.values[e];
    for (let d = 0; d < dims; d++) out[offset + d] += value * weights[base + d];
  }
}

/**
 * Gives every item with no interactions (`popularity` 0) a factor vector from its content,
 * in place. Returns how many items were filled.
 */
export function fillColdStartFactors(features: ItemContentFeatures, itemFactors: Float32Array, dims: number, popularity: ArrayLike<number>, ridge = 1): number {
  const warm: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < popularity.length; i++) (popularity[i] > 0 ? warm : cold).push(i);
  if (cold.length === 0 || warm.length === 0 || features.vocabulary.length === 0) return 0;
  const mapping = fitContentToFactorMapping(features, itemFactors, dims, warm, ridge);
  for (const item of cold) mapContentToFactors(mapping, features, item, itemFactors, item * dims);
  return cold.length;
}
