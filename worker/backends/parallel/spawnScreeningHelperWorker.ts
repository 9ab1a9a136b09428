import type { ScreeningHelperPort, ScreeningHelperScope } from './screeningHelperMessages';
import { serveScreeningHelper } from './serveScreeningHelper';

/**
 * The fragment that turns the engine's worker script into a screening helper: the helper is the
 * same script (dist/browser/ondeck-worker.js), already cached, so there is no second bundle to
 * build, precache or keep in step. A fragment never reaches the server or the service worker.
 */
export const SCREENING_HELPER_FRAGMENT = '#ondeck-screening-helper';

interface WorkerRealm {
  readonly location?: { readonly href: string; readonly hash: string };
  readonly Worker?: new (url: string) => ScreeningHelperPort;
}

/** True in a worker that can start screening helpers (a classic worker with nested `Worker`). */
export function canSpawnScreeningHelpers(realm: unknown = globalThis): boolean {
  const { location, Worker } = realm as WorkerRealm;
  return typeof Worker === 'function' && typeof location?.href === 'string' && location.hash !== SCREENING_HELPER_FRAGMENT;
}

/**
 * Starts a screening helper: this worker's own script again, with {@link SCREENING_HELPER_FRAGMENT}.
 *
 * @example
 * ```ts
 * if (canSpawnScreeningHelpers()) helpers.push(new ScreeningHelper(spawnScreeningHelperWorker()));
 * ```
 */
export function spawnScreeningHelperWorker(realm: unknown = globalThis): ScreeningHelperPort {
  const { location, Worker } = realm as Required<WorkerRealm>;
  return new Worker(location.href.replace(/#.*$/, '') + SCREENING_HELPER_FRAGMENT);
}

/**
 * In the worker script's entry: when this worker was started as a screening helper, serves as
 * one and returns true (the engine must not start).
 *
 * @example
 * ```ts
 * if (!startScreeningHelperIfAsked()) expose(new Engine());
 * ```
 */
export function startScreeningHelperIfAsked(realm: unknown = globalThis): boolean {
  if ((realm as WorkerRealm).location?.hash !== SCREENING_HELPER_FRAGMENT) return false;
  serveScreeningHelper(realm as ScreeningHelperScope);
  return true;
}
