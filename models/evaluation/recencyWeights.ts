import { OndeckError } from '../errors/OndeckError';

/**
 * Weights that favour a viewer's recent titles: `2^(−age / halfLife)`, where a title's age counts
 * the titles watched after it (the newest has age 0 and weight 1; with a half-life of 20 titles
 * the 21st newest weighs ½). Counting titles rather than days makes one half-life fit a binge
 * viewer and an occasional one alike. Equal times: the later position is taken as newer.
 *
 * @param times epoch seconds of each title, in any order.
 * @returns weights aligned with `times`.
 * @throws OndeckError `invalid-argument` for a half-life that is not a finite number > 0.
 * @example
 * ```ts
 * recencyWeights(Float64Array.of(300, 100, 200), 1); // [1, 0.25, 0.5]
 * ```
 */
export function recencyWeights(times: Float64Array, halfLife: number): Float32Array {
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new OndeckError('invalid-argument', { name: 'half-life', value: halfLife, reason: `the recency half-life must be a finite number of titles > 0, got ${halfLife}` });
  }
  const newestFirst = Int32Array.from({ length: times.length }, (_, i) => i).sort((a, b) => times[b] - times[a] || b - a);
  const weights = new Float32Array(times.length);
  newestFirst.forEach((position, age) => (weights[position] = 2 ** (-age / halfLife)));
  return weights;
}
