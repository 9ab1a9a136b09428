/**
 * Where a blob download keeps the bytes received so far, so an interrupted download (a reload, a
 * crash, a dropped connection) resumes with an HTTP Range request instead of starting over.
 * Blobs are content-addressed and immutable, so the SHA-256 the signed manifest names is the key:
 * a prefix can only ever belong to the blob of that hash, and the full download is verified
 * against it before use (a corrupt stored prefix costs one re-download, never a bad model).
 *
 * Two implementations: `createIndexedDbDownloadCache` (survives a reload) and
 * `createMemoryDownloadCache` (this session only). Failing writes are the caller's to ignore: the
 * cache is an optimisation, never needed for correctness.
 *
 * @example
 * ```ts
 * const prefix = await cache.readPrefix(reference.sha256); // resume from prefix.byteLength
 * await cache.append(reference.sha256, prefix.byteLength, nextPiece);
 * await cache.discardExcept([]);                            // after the apply
 * ```
 */
export interface DownloadCache {
  /** The contiguous bytes stored for the blob from offset 0 (empty when none). */
  readPrefix(sha256: string): Promise<Uint8Array>;
  /** Stores `bytes` at `offset` of the blob; each call is atomic (stored whole or not at all). */
  append(sha256: string, offset: number, bytes: Uint8Array): Promise<void>;
  /** Deletes what is stored for one blob (it failed verification). */
  discard(sha256: string): Promise<void>;
  /** Deletes every stored blob whose hash is not in `keep`. */
  discardExcept(keep: readonly string[]): Promise<void>;
  close(): void;
}

/**
 * Joins pieces stored as `[offset, bytes]` (sorted by offset) into the prefix from 0, stopping at
 * the first gap: shared by the cache implementations.
 *
 * @example
 * ```ts
 * joinPrefix([[0, a], [a.length, b], [999, c]]); // a followed by b; c is past a gap
 * ```
 */
export function joinPrefix(pieces: ReadonlyArray<readonly [number, Uint8Array]>): Uint8Array {
  let length = 0;
  // Stop at the first gap or overlap: only bytes contiguous from 0 are a usable prefix.
  for (const [offset, bytes] of pieces) {
    if (offset !== length) break;
    length += bytes.byteLength;
  }
  const prefix = new Uint8Array(length);
  for (const [offset, bytes] of pieces) {
    if (offset + bytes.byteLength > length) break;
    prefix.set(bytes, offset);
  }
  return prefix;
}
