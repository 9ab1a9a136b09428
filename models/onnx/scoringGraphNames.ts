/**
 * Names of the scoring graph's inputs and outputs, shared by the graph builder and the backends
 * that feed it (kept apart from the builder so a backend can use them without pulling in
 * onnx-proto).
 *
 * @example
 * ```ts
 * const results = await session.run({ [scoringGraphNames.userVector]: user, [scoringGraphNames.topK]: k });
 * const indices = results[scoringGraphNames.indices].data;
 * ```
 */
export const scoringGraphNames = Object.freeze({
  /** float32 [1, dims]: the viewer's vector. */
  userVector: 'user_vector',
  /** int64 [1]: how many results to return (1 ≤ k ≤ item count). */
  topK: 'top_k',
  /** float32 [1, k]: the best scores, descending. */
  scores: 'scores',
  /** int64 [1, k]: the item indices of those scores (ties: lower index first). */
  indices: 'indices',
});
