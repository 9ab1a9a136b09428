/** Result of {@link pairedDifference}. */
export interface PairedDifference {
  /** Mean of `values[i] − reference[i]`. */
  readonly mean: number;
  /** Standard error of that mean (sample standard deviation / √n); NaN below two pairs. */
  readonly standardError: number;
  readonly count: number;
}

/**
 * Mean and standard error of per-user differences between two models measured on the same users.
 * Pairing removes the spread between users (some are easy, some hard for every model), so a
 * difference far smaller than either model's own spread can still be told from noise: a mean
 * within ~2 standard errors of 0 is not a measured difference.
 *
 * @throws RangeError when the two arrays differ in length.
 * @example
 * ```ts
 * pairedDifference([0.5, 0.25, 1], [0.5, 0.5, 0.5]); // { mean: 0.0833, standardError: 0.22, count: 3 }
 * ```
 */
export function pairedDifference(values: ArrayLike<number>, reference: ArrayLike<number>): PairedDifference {
  if (values.length !== reference.length) throw new RangeError(`pairedDifference: ${values.length} values against ${reference.length} references`);
  const count = values.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i] - reference[i];
  const mean = sum / count;
  if (count < 2) return { mean, standardError: NaN, count };
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const deviation = values[i] - reference[i] - mean;
    squares += deviation * deviation;
  }
  return { mean, standardError: Math.sqrt(squares / (count - 1) / count), count };
}
