import type { ScreeningHelperPort, ScreeningHelperScope } from '../../../models/scoring/parallel/screeningHelperMessages';
import { isScreeningHelperRealm, screeningHelperUrl, screeningHelperWorkerOptions, type HelperPortHandover } from './screeningHelperFragment';
import { serveScreeningHelper } from './serveScreeningHelper';

export { SCREENING_HELPER_FRAGMENT } from './screeningHelperFragment';

interface WorkerRealm {
  readonly location?: { readonly href: string; readonly hash: string };
  readonly Worker?: new (url: string, options?: { name?: string }) => ScreeningHelperPort;
}

/** True in a worker that can start screening helpers (a classic worker with nested `Worker`). */
export function canSpawnScreeningHelpers(realm: unknown = globalThis): boolean {
  const { location, Worker } = realm as WorkerRealm;
  return typeof Worker === 'function' && typeof location?.href === 'string' && !isScreeningHelperRealm(realm);
}

/**
 * Starts a screening helper: this worker's own script again, with the helper's fragment and name.
 *
 * @example
 * ```ts
 * if (canSpawnScreeningHelpers()) helpers.push(new ScreeningHelper(spawnScreeningHelperWorker()));
 * ```
 */
export function spawnScreeningHelperWorker(realm: unknown = globalThis): ScreeningHelperPort {
  const { location, Worker } = realm as Required<WorkerRealm>;
  return new Worker(screeningHelperUrl(location.href), screeningHelperWorkerOptions);
}

/**
 * In the worker script's entry: when this worker was started as a screening helper, serves as
 * one and returns true (the engine must not start). A helper started by the engine's worker gets
 * its messages on its own scope; one started by the page (engines whose workers cannot start
 * workers) first gets a `MessagePort` to the engine's worker and serves on that. A `stop` message
 * on either closes the helper.
 *
 * @example
 * ```ts
 * if (!startScreeningHelperIfAsked()) expose(new Engine());
 * ```
 */
export function startScreeningHelperIfAsked(realm: unknown = globalThis): boolean {
  if (!isScreeningHelperRealm(realm)) return false;
  const scope = realm as ScreeningHelperScope & { close?: () => void };
  // Tells whoever started it (the page, for a page-started helper) that it is gone, then closes.
  const stop = (): void => {
    scope.postMessage({ type: 'stopped' }, []);
    scope.close?.();
  };
  serveScreeningHelper(scope, stop);
  const onScopeMessage = scope.onmessage!;
  scope.onmessage = (event) => {
    const port = (event.data as Partial<HelperPortHandover> | null)?.ondeckScreeningPort;
    if (port) serveScreeningHelper(port as unknown as ScreeningHelperScope, stop);
    else onScopeMessage(event);
  };
  return true;
}
