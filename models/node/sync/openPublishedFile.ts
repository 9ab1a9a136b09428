import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { isPrivateKeyFileName } from './signingKeyFiles';

/** A file of a publish directory, opened to answer one request. */
export interface PublishedFile {
  /** Closed by the caller, or by the stream it hands the handle to. */
  readonly handle: FileHandle;
  /** Of the open file: the size and date of exactly the bytes that will be sent. */
  readonly stats: Stats;
  /** Set when a precompressed twin (`manifest.json.br`, `manifest.json.gz`) was opened instead. */
  readonly contentEncoding?: 'br' | 'gzip';
}

/** A content coding and the suffix of the precompressed twin that carries it. */
const TWIN_SUFFIX = { br: '.br', gzip: '.gz' } as const;

/** Temporary name of a file being written by `writeFileAtomically` (a publish in progress). */
const TEMPORARY_FILE = /\.tmp-[0-9a-f]+$/;

/** Errors that mean "no such file here": answered 404. Anything else is a real failure. */
const MISSING_FILE_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

// The real path is opened without following a symlink, so a link swapped in after the check is
// refused rather than followed (the flag does not exist on Windows).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Opens the file that answers a request for `requestPath` (the URL path, still percent-encoded)
 * from the publish directory whose real path is `rootRealPath`, or returns undefined for 404.
 * What a publish directory must never hand out is refused, both by the name asked for and by the
 * real name behind any symlink:
 * - anything whose real path lies outside `rootRealPath` (a symlink pointing out of it);
 * - dotfiles and dot-directories (the publish lock, staging directories; `..` too, so no path
 *   climbs out), and temporary files of a publish in progress;
 * - private key files ({@link isPrivateKeyFileName}): a signing key left in the directory;
 * - anything but a regular file (a directory has no index here).
 *
 * @param codings precompressed twins to try first, in order of preference; [] for blobs, which
 *   go out as the exact bytes the manifest hashes.
 * @throws the file system's error for anything but a missing file (EACCES, EIO, …).
 */
export async function openPublishedFile(rootRealPath: string, requestPath: string, codings: readonly ('br' | 'gzip')[]): Promise<PublishedFile | undefined> {
  const segments = decodedSegments(requestPath);
  if (!segments || !isServable(segments)) return undefined;
  const path = join(rootRealPath, ...segments);
  for (const coding of codings) {
    const twin = await openInside(rootRealPath, path + TWIN_SUFFIX[coding]);
    if (twin) return { ...twin, contentEncoding: coding };
  }
  return openInside(rootRealPath, path);
}

/** The decoded path segments of a URL path; undefined when it cannot name a file. */
function decodedSegments(requestPath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return undefined;
  return decoded.slice(1).split('/');
}

/** Whether a path (its segments, relative to the served directory) may be served at all. */
function isServable(segments: readonly string[]): boolean {
  const name = segments[segments.length - 1];
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return false;
  return !TEMPORARY_FILE.test(name) && !isPrivateKeyFileName(name);
}

/** Opens `path` if its real path is a servable regular file inside `rootRealPath`. */
async function openInside(rootRealPath: string, path: string): Promise<Omit<PublishedFile, 'contentEncoding'> | undefined> {
  let realPath: string;
  try {
    realPath = await realpath(path);
  } catch (error) {
    if (MISSING_FILE_ERRORS.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  // Outside the served directory, `inside` starts with a `..` segment (or is absolute across
  // Windows drives): refused like any dot segment.
  const inside = relative(rootRealPath, realPath);
  if (inside === '' || isAbsolute(inside) || !isServable(inside.split(sep))) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(realPath, OPEN_FLAGS);
  } catch (error) {
    if (MISSING_FILE_ERRORS.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
  await handle.close();
  return undefined;
}
