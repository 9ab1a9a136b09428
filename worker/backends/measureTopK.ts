import type { ScoringBackend } from '../../models/scoring/ScoringBackend';

/**
 * Mean milliseconds of `backend.topK` for a fixed pseudo-random query of `dims`, after two
 * warm-up calls (first-run compilation, buffer allocation): how `auto` compares backends that all
 * run here. Calls repeat until `minimumMs` have passed (at least `minimumRuns`, at most
 * `maximumRuns`) and the total is divided: engines round `performance.now()` to 0.1–1 ms, coarser
 * than one query on a small catalog. Same query for every backend.
 *
 * @example
 * ```ts
 * const gpuMs = await measureTopK(webgpu, 64);
 * ```
 */
export async function measureTopK(
  backend: ScoringBackend,
  dims: number,
  options: { minimumMs?: number; minimumRuns?: number; maximumRuns?: number; count?: number } = {},
): Promise<number> {
  const { minimumMs = 25, minimumRuns = 5, maximumRuns = 200, count = 20 } = options;
  const query = new Float32Array(dims);
  let state = 0x9e3779b9;
  for (let d = 0; d < dims; d++) {
    // xorshift32: any spread-out vector will do, but the same one for every backend.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    query[d] = ((state >>> 0) / 0xffffffff) * 2 - 1;
  }
  for (let i = 0; i < 2; i++) await backend.topK(query, count);
  const started = performance.now();
  let runs = 0;
  while (runs < maximumRuns && (runs < minimumRuns || performance.now() - started < minimumMs)) {
    await backend.topK(query, count);
    runs++;
  }
  return (performance.now() - started) / runs;
}
