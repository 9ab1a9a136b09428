import { expect } from 'vitest';
import type { RecommenderStatus } from '../../../models/contract/types';

/**
 * Waits until the page's recommender runs its queries on `threads` threads. The js kernel's
 * helpers start with the first query and load their part of the table in the background, so
 * this keeps asking for recommendations while it polls `status().backendThreads`.
 *
 * @param step calls the page scenario (`callPageScenario` bound to a session); the page must
 * have the `recommend` and `status` ops of pages/engine.js.
 * @example
 * ```ts
 * await awaitBackendThreads((args) => callPageScenario(session, args), 2);
 * ```
 */
export async function awaitBackendThreads(step: <Result>(args: Record<string, unknown>) => Promise<Result>, threads: number): Promise<void> {
  await expect
    .poll(
      async () => {
        await step({ op: 'recommend', request: { count: 5 } });
        return (await step<RecommenderStatus>({ op: 'status' })).backendThreads;
      },
      { timeout: 30_000, interval: 100 },
    )
    .toBe(threads);
}
