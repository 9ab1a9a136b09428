/**
 * The user × item interaction matrix every trainer and evaluator reads: compressed sparse rows
 * (one row per user), item indices ascending within a row, weights already aggregated (duplicate
 * events summed) and strictly positive.
 *
 * Ids stay strings end to end: MovieLens numbers, UUIDs and Spark longs are all just ids.
 */
export interface InteractionMatrix {
  /** External id of each user (row). */
  readonly userIds: readonly string[];
  /** External id of each item (column). */
  readonly itemIds: readonly string[];
  /** Row pointers: the entries of user `u` are `indptr[u] .. indptr[u+1]`. Length `users + 1`. */
  readonly indptr: Int32Array;
  /** Column (item) index of each entry, ascending within a row. */
  readonly indices: Int32Array;
  /** Aggregated positive weight of each entry (a play count, 1 for a positive rating, …). */
  readonly weights: Float32Array;
  /**
   * When each entry last happened, in epoch seconds (the latest of the events summed into it),
   * aligned with `indices`. Present only when every event of the input had a time (MovieLens
   * ratings, a CSV `timestamp` column, `ondeck synth`); the temporal evaluation protocols need it.
   */
  readonly times?: Float64Array;
}

/** Number of users (rows) in `matrix`. */
export function userCount(matrix: InteractionMatrix): number {
  return matrix.indptr.length - 1;
}

/** Number of stored entries. */
export function entryCount(matrix: InteractionMatrix): number {
  return matrix.indices.length;
}

/**
 * The transpose: one row per item holding the indices of the users that interacted with it, in
 * ascending user order. Used for the item half-step of ALS and by item-based baselines.
 *
 * @returns a matrix whose `userIds` are the original item ids and `itemIds` the original user ids.
 */
export function transposeMatrix(matrix: InteractionMatrix): InteractionMatrix {
  const rows = userCount(matrix);
  const columns = matrix.itemIds.length;
  const entries = matrix.indices.length;
  const indptr = new Int32Array(columns + 1);
  for (let e = 0; e < entries; e++) indptr[matrix.indices[e] + 1]++;
  for (let c = 0; c < columns; c++) indptr[c + 1] += indptr[c];
  const cursor = indptr.slice(0, columns);
  const indices = new Int32Array(entries);
  const weights = new Float32Array(entries);
  const sourceTimes = matrix.times;
  const times = sourceTimes === undefined ? undefined : new Float64Array(entries);
  // Walking rows in order keeps each output row sorted by user without a second sort.
  for (let r = 0; r < rows; r++) {
    for (let e = matrix.indptr[r]; e < matrix.indptr[r + 1]; e++) {
      const slot = cursor[matrix.indices[e]]++;
      indices[slot] = r;
      weights[slot] = matrix.weights[e];
      if (times !== undefined) times[slot] = sourceTimes![e];
    }
  }
  const transposed: InteractionMatrix = { userIds: matrix.itemIds, itemIds: matrix.userIds, indptr, indices, weights };
  return times === undefined ? transposed : { ...transposed, times };
}

/**
 * A new matrix holding only the given users (rows), in the given order, over the same items
 * (with their times, when the matrix has them).
 */
export function selectUsers(matrix: InteractionMatrix, users: ArrayLike<number>): InteractionMatrix {
  let entries = 0;
  for (let i = 0; i < users.length; i++) entries += matrix.indptr[users[i] + 1] - matrix.indptr[users[i]];
  const indptr = new Int32Array(users.length + 1);
  const indices = new Int32Array(entries);
  const weights = new Float32Array(entries);
  const times = matrix.times === undefined ? undefined : new Float64Array(entries);
  const userIds: string[] = new Array(users.length);
  let at = 0;
  for (let i = 0; i < users.length; i++) {
    const u = users[i];
    const start = matrix.indptr[u];
    const end = matrix.indptr[u + 1];
    indices.set(matrix.indices.subarray(start, end), at);
    weights.set(matrix.weights.subarray(start, end), at);
    times?.set(matrix.times!.subarray(start, end), at);
    at += end - start;
    indptr[i + 1] = at;
    userIds[i] = matrix.userIds[u];
  }
  const selected: InteractionMatrix = { userIds, itemIds: matrix.itemIds, indptr, indices, weights };
  return times === undefined ? selected : { ...selected, times };
}

/** Per-item count of users who interacted with it (the item's popularity). */
export function itemUserCounts(matrix: InteractionMatrix): Int32Array {
  const counts = new Int32Array(matrix.itemIds.length);
  for (let e = 0; e < matrix.indices.length; e++) counts[matrix.indices[e]]++;
  return counts;
}
