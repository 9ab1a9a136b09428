import type { OrtModule } from './OrtModule';
import { OndeckError } from '../../models/errors/OndeckError';

/** Stands in for `loadOrtFromPackage` in the browser worker bundle (see that file). */
export function loadOrtFromPackage(): Promise<OrtModule> {
  return Promise.reject(new OndeckError('backend-unavailable', { backend: 'wasm', reason: 'no ORT runtime loader configured for this worker' }));
}
