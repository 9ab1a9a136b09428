import { joinPrefix, type DownloadCache } from './DownloadCache';

/**
 * A {@link DownloadCache} in memory: resumes a download within this session (after a dropped
 * connection), not across a reload. Used where IndexedDB is missing or failed, and in Node.
 *
 * @example
 * ```ts
 * const cache = createMemoryDownloadCache();
 * ```
 */
export function createMemoryDownloadCache(): DownloadCache {
  const blobs = new Map<string, Array<[number, Uint8Array]>>();
  return {
    async readPrefix(sha256) {
      return joinPrefix(blobs.get(sha256) ?? []);
    },
    async append(sha256, offset, bytes) {
      const pieces = blobs.get(sha256) ?? [];
      // Drop pieces at or past this offset: a restarted download rewrites them.
      const kept = pieces.filter(([start]) => start < offset);
      kept.push([offset, bytes.slice()]);
      blobs.set(sha256, kept);
    },
    async discard(sha256) {
      blobs.delete(sha256);
    },
    async discardExcept(keep) {
      for (const sha256 of Array.from(blobs.keys())) if (keep.indexOf(sha256) < 0) blobs.delete(sha256);
    },
    close() {
      blobs.clear();
    },
  };
}
