import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh folder in the OS temp dir holding `files` (name → text, written as UTF-8, or raw
 * bytes), removed when the current test finishes.
 */
export async function tempDirWith(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ondeck-data-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

/** Bytes of `text` in latin-1 (one byte per character), e.g. for ml-1m's `movies.dat`. */
export function latin1(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Concatenates text (as UTF-8) and raw byte pieces into one buffer. */
export function bytes(...pieces: (string | number[])[]): Uint8Array {
  return Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece))));
}
