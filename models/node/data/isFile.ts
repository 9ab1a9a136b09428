import { stat } from 'node:fs/promises';

/**
 * True when `path` exists and is a regular file (false for directories and missing paths).
 *
 * @example
 * ```ts
 * if (await isFile(join(dir, 'tags.csv'))) { … }
 * ```
 */
export async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && info.isFile();
}

/** True when `path` exists and is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && info.isDirectory();
}
