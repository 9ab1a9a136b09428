// Crash atomicity of the manifest and its precompressed twins (issue 12, finding 5). A fault-
// injecting node:fs/promises makes the k-th change to the file system (a rename or a removal)
// fail, and every later one too, which is what a publish killed at that instant leaves on disk.
// For every k, what a plain, a gzip and a brotli client get (as `ondeck serve` and nginx
// `gzip_static` pick the file: the twin when present, else manifest.json) must be one version.
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPublishedFile } from '../../../../models/node/sync/openPublishedFile';
import { writeSignedManifest } from '../../../../models/node/sync/publicationFiles';
import type { SignedManifest } from '../../../../models/sync/SyncManifest';

/** Changes allowed before the simulated crash; Infinity when no crash is armed. */
const faults = vi.hoisted(() => ({ changesLeft: Infinity }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const crashable =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (faults.changesLeft <= 0) throw new Error('simulated crash: the process is gone');
      faults.changesLeft--;
      return operation(...args);
    };
  return { ...actual, rename: crashable(actual.rename), rm: crashable(actual.rm), unlink: crashable(actual.unlink) };
});

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ondeck-manifest-crash-'));
});
afterAll(async () => {
  faults.changesLeft = Infinity;
  await rm(workDir, { recursive: true, force: true });
});

/** The envelope only needs to round-trip as text here: its version is what the clients compare. */
const envelope = (version: number): SignedManifest => ({ manifest: `{"version":${version}}`, signature: `sig-${version}` }) as unknown as SignedManifest;

/** The manifest text a client accepting `codings` gets from `directory`, decoded. */
async function servedManifest(directory: string, codings: readonly ('br' | 'gzip')[]): Promise<string> {
  const file = await openPublishedFile(await realpath(directory), '/manifest.json', codings);
  if (!file) return '(404)';
  let bytes: Buffer;
  try {
    bytes = await file.handle.readFile();
  } finally {
    await file.handle.close();
  }
  if (file.contentEncoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  if (file.contentEncoding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

const versionOf = (text: string): string => /"sig-(\d+)"/.exec(text)?.[1] ?? text;

describe('writeSignedManifest killed at every step', () => {
  it('plain, gzip and brotli clients always get the same version, the old one or the new one', async () => {
    const seen = new Set<string>();
    for (let crashAfter = 0; ; crashAfter++) {
      const directory = join(workDir, `cdn-${crashAfter}`);
      faults.changesLeft = Infinity;
      await writeSignedManifest(directory, envelope(1), 1, true);

      faults.changesLeft = crashAfter;
      const completed = await writeSignedManifest(directory, envelope(2), 2, true).then(
        () => true,
        () => false,
      );
      faults.changesLeft = Infinity;

      const plain = versionOf(await servedManifest(directory, []));
      const gzip = versionOf(await servedManifest(directory, ['gzip']));
      const brotli = versionOf(await servedManifest(directory, ['br', 'gzip']));
      expect({ crashAfter, gzip, brotli }).toEqual({ crashAfter, gzip: plain, brotli: plain });
      expect(['1', '2']).toContain(plain);
      seen.add(plain);
      if (completed) {
        expect(plain).toBe('2');
        // With nothing interrupted, the twins are there and current.
        expect(gunzipSync(await readFile(join(directory, 'manifest.json.gz'))).toString('utf8')).toBe(await readFile(join(directory, 'manifest.json'), 'utf8'));
        break;
      }
      expect(crashAfter).toBeLessThan(20);
    }
    expect([...seen].sort()).toEqual(['1', '2']);
  });
});
