import { OndeckError } from '../errors/OndeckError';
import type { BackendName } from './ScoringBackend';

/**
 * The error every backend raises when queried with no table in service.
 *
 * @example
 * ```ts
 * if (!this.table) throw notLoadedError('js', this.disposed);
 * ```
 */
export function notLoadedError(backend: BackendName, disposed: boolean): OndeckError {
  return new OndeckError('backend-unavailable', {
    backend,
    reason: disposed ? 'the backend was disposed; call load() again' : 'no model loaded; call load() first',
  });
}
