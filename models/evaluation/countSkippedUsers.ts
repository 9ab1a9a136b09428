import type { InteractionMatrix } from '../data/InteractionMatrix';
import { minimumTitlesFor, RANDOM_PROTOCOL } from './EvaluationProtocol';
import type { SplitOptions } from './splitHeldOutUsers';

/**
 * Users {@link splitHeldOutUsers} never holds out under these options because they have fewer
 * titles than the protocol needs (they are still trained on): reported next to the results, so a
 * protocol that tests only the heavy viewers says so.
 *
 * @example
 * ```ts
 * countSkippedUsers(matrix, { protocol: { kind: 'short', foldInTitles: 10 } }); // users with < 11 titles
 * ```
 */
export function countSkippedUsers(matrix: InteractionMatrix, options: SplitOptions = {}): number {
  const minimumTitles = minimumTitlesFor(options.protocol ?? RANDOM_PROTOCOL, options.minPositives ?? 5);
  let skipped = 0;
  for (let u = 0; u + 1 < matrix.indptr.length; u++) if (matrix.indptr[u + 1] - matrix.indptr[u] < minimumTitles) skipped++;
  return skipped;
}
