import { OndeckError } from '../errors/OndeckError';
import type { LoadOptions } from './Dataset';

/** Default positive threshold for explicit ratings (MovieLens: 4 stars and up). */
export const DEFAULT_MIN_RATING = 4;

/**
 * `options.minRating`, defaulted and checked.
 *
 * @throws OndeckError `invalid-argument` when it is not a finite number.
 *
 * @example
 * ```ts
 * resolveMinRating({});                 // 4
 * resolveMinRating({ minRating: 3.5 }); // 3.5
 * ```
 */
export function resolveMinRating(options: LoadOptions): number {
  const minRating = options.minRating ?? DEFAULT_MIN_RATING;
  if (typeof minRating !== 'number' || !Number.isFinite(minRating)) {
    throw new OndeckError('invalid-argument', { name: 'minRating', value: minRating, reason: `minRating must be a finite number, got ${String(minRating)}` });
  }
  return minRating;
}
