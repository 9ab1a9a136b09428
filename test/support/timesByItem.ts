import type { InteractionMatrix } from '../../models/data/InteractionMatrix';

/** The times of one user's entries, by item id (throws when the matrix carries no times). */
export function timesByItem(matrix: InteractionMatrix, userId: string): Record<string, number> {
  const times = matrix.times;
  if (times === undefined) throw new Error('the matrix has no times');
  const user = matrix.userIds.indexOf(userId);
  const result: Record<string, number> = {};
  for (let e = matrix.indptr[user]; e < matrix.indptr[user + 1]; e++) result[matrix.itemIds[matrix.indices[e]]] = times[e];
  return result;
}
