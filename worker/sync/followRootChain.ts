import { isOndeckError } from '../../models/errors/OndeckError';
import { ROOT_DIRECTORY, type SyncRoot } from '../../models/sync/SyncRoot';
import { fetchManifest } from './fetchManifest';
import { openRootDocument } from './openRootDocument';
import type { Ed25519Implementation } from './verifyEd25519';

/** Most root rotations taken in one sync attempt (the rest wait for the next one). */
export const MAX_ROOT_STEPS_PER_SYNC = 32;

/**
 * Moves from the trusted root to the newest one the publish directory has: asks for
 * `roots/<version + 1>.json` until the server answers 404, opening each with
 * {@link openRootDocument} (signed by the old root's keys and its own). A step that fails for any
 * other reason fails the attempt; the roots already taken are returned through `onStep` first,
 * so they are kept.
 *
 * @example
 * ```ts
 * const root = await followRootChain(trusted, { syncUrl, fetch, timeoutMs, onStep: persist });
 * ```
 */
export async function followRootChain(
  trusted: SyncRoot,
  options: {
    readonly syncUrl: string;
    readonly fetch: typeof fetch;
    readonly timeoutMs: number;
    readonly onStep: (root: SyncRoot) => Promise<void>;
    readonly implementation?: Ed25519Implementation;
  },
): Promise<SyncRoot> {
  let root = trusted;
  for (let step = 0; step < MAX_ROOT_STEPS_PER_SYNC; step++) {
    const path = `${ROOT_DIRECTORY}/${root.version + 1}.json`;
    let bytes: Uint8Array;
    try {
      const response = await fetchManifest(options.fetch, `${options.syncUrl}${path}`, undefined, options.timeoutMs);
      if (response.kind !== 'fetched') return root;
      bytes = response.bytes;
    } catch (error) {
      // No next root: the usual answer, every sync.
      if (isOndeckError(error, 'network-failed') && error.details.status === 404) return root;
      throw error;
    }
    root = await openRootDocument(bytes, path, root, options.implementation);
    await options.onStep(root);
  }
  return root;
}
