import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOndeckError, OndeckError } from '../../../models/errors/OndeckError';
import type { CompatFallbacks, CompatGlobalScope } from '../../../worker/compat/CompatFallbacks';
import { loadCompat as loadCompatInClassicWorker } from '../../../worker/compat/loadCompatInClassicWorker';
import { staticCompatFallbacks } from '../../../worker/compat/staticCompatFallbacks';
import { decompressBlob } from '../../../worker/sync/decompressBlob';
import { verifyEd25519 } from '../../../worker/sync/verifyEd25519';
import { testSigningKey } from '../../support/signingKey';

// The sync primitives below run with the browser worker's loader, as scripts/build.mjs swaps it in.
vi.mock('../../../worker/compat/loadCompat', async () => ({ loadCompat: (await import('../../../worker/compat/loadCompatInClassicWorker')).loadCompat }));

const root = join(import.meta.dirname, '../../..');
const WORKER_URL = 'https://tv.example/app/ondeck/ondeck-worker.js';
const COMPAT_URL = 'https://tv.example/app/ondeck/ondeck-compat.js';

/** A classic worker's global scope whose `importScripts` runs `load` and records the URLs. */
function stubWorkerScope(load: (scope: CompatGlobalScope, url: string) => void): { imported: string[]; scope: CompatGlobalScope } {
  const imported: string[] = [];
  const scope: CompatGlobalScope & { location: { href: string }; importScripts: (...urls: string[]) => void } = {
    location: { href: WORKER_URL },
    importScripts: (...urls) => {
      for (const url of urls) {
        imported.push(url);
        load(scope, url);
      }
    },
  };
  vi.stubGlobal('self', scope);
  return { imported, scope };
}
const defineFallbacks = (scope: CompatGlobalScope) => {
  scope.ondeckCompat = staticCompatFallbacks;
};
const networkError = () => {
  throw new Error("Failed to execute 'importScripts' on 'WorkerGlobalScope': The script failed to load.");
};
const errorOf = (run: () => unknown): OndeckError => {
  try {
    run();
  } catch (error) {
    if (error instanceof OndeckError) return error;
    throw error;
  }
  throw new Error('did not throw');
};
const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isOndeckError(error) ? error.code : `not an OndeckError: ${String(error)}`),
  );

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loadCompat in a classic worker (the browser bundle)', () => {
  it('imports ondeck-compat.js from next to the worker script once, then reuses the global', () => {
    const { imported } = stubWorkerScope(defineFallbacks);
    expect(loadCompatInClassicWorker()).toBe(staticCompatFallbacks);
    expect(loadCompatInClassicWorker()).toBe(staticCompatFallbacks);
    expect(imported).toEqual([COMPAT_URL]);
  });

  it('loads nothing when a page already included the script', () => {
    const { imported, scope } = stubWorkerScope(networkError);
    defineFallbacks(scope);
    expect(loadCompatInClassicWorker()).toBe(staticCompatFallbacks);
    expect(imported).toEqual([]);
  });

  it('turns a failed load into network-failed naming the URL, and tries again on the next call', () => {
    let online = false;
    const { imported } = stubWorkerScope((scope) => (online ? defineFallbacks(scope) : networkError()));
    const error = errorOf(loadCompatInClassicWorker);
    expect(error.code).toBe('network-failed');
    expect(error.details).toMatchObject({ url: COMPAT_URL, reason: expect.stringContaining('failed to load') });
    online = true;
    expect(loadCompatInClassicWorker()).toBe(staticCompatFallbacks);
    expect(imported).toEqual([COMPAT_URL, COMPAT_URL]);
  });

  it('refuses a script that defines no (or incomplete) fallbacks, and a scope without importScripts', () => {
    stubWorkerScope(() => undefined);
    expect(errorOf(loadCompatInClassicWorker).details).toMatchObject({ url: COMPAT_URL, reason: 'ondeck-compat.js did not define self.ondeckCompat' });
    stubWorkerScope((scope) => {
      scope.ondeckCompat = { verifyEd25519: staticCompatFallbacks.verifyEd25519 } as CompatFallbacks;
    });
    expect(errorOf(loadCompatInClassicWorker).code).toBe('network-failed');
    vi.stubGlobal('self', { location: { href: WORKER_URL } });
    expect(errorOf(loadCompatInClassicWorker).details).toMatchObject({ url: COMPAT_URL, reason: expect.stringContaining('importScripts is not available') });
  });
});

describe('the sync primitives with the browser loader', () => {
  const key = testSigningKey();
  const message = new TextEncoder().encode('{"format":"ondeck-sync","version":3}');
  const signature = key.sign(message);
  const plain = new TextEncoder().encode('ondeck compat '.repeat(300));
  const gz = new Uint8Array(gzipSync(plain));

  it('use the loaded fallbacks for the JS paths', async () => {
    const { imported } = stubWorkerScope(defineFallbacks);
    expect(await verifyEd25519(message, signature, key.publicKey, 'js')).toBe('tweetnacl');
    expect(await codeOf(verifyEd25519(message, key.sign(plain), key.publicKey, 'js'))).toBe('signature-invalid');
    expect(Buffer.from(await decompressBlob(gz, 'gzip', plain.length, 'blob', 'js')).equals(Buffer.from(plain))).toBe(true);
    expect(imported).toEqual([COMPAT_URL]);
  });

  it('report a missing compat script as network-failed, not as a bad signature or a corrupt blob', async () => {
    stubWorkerScope(networkError);
    expect(await codeOf(verifyEd25519(message, signature, key.publicKey, 'js'))).toBe('network-failed');
    expect(await codeOf(decompressBlob(gz, 'gzip', plain.length, 'blob', 'js'))).toBe('network-failed');
  });

  it('never load it where the native path exists (Node has Ed25519 and DecompressionStream)', async () => {
    const { imported } = stubWorkerScope(networkError);
    expect(await verifyEd25519(message, signature, key.publicKey, 'auto')).toBe('webcrypto');
    expect((await decompressBlob(gz, 'gzip', plain.length, 'blob', 'auto')).byteLength).toBe(plain.length);
    expect(imported).toEqual([]);
  });
});

describe('the built bundles (dist/browser, built by the test global setup)', () => {
  const browserDist = join(root, 'dist/browser');

  it('ondeck-compat.js, run as a classic script, defines working fallbacks on self.ondeckCompat', () => {
    // tweetnacl checks `instanceof Uint8Array`: the script must see this realm's typed arrays, as
    // the worker's own code and the compat script share one realm in a browser.
    const scope: CompatGlobalScope & { self?: unknown; Uint8Array: typeof Uint8Array } = { Uint8Array };
    scope.self = scope;
    runInNewContext(readFileSync(join(browserDist, 'ondeck-compat.js'), 'utf8'), scope);
    const fallbacks = scope.ondeckCompat!;
    const key = testSigningKey();
    const message = new TextEncoder().encode('signed by the cloud');
    const signature = key.sign(message);
    expect(fallbacks.verifyEd25519(message, signature, key.publicKey)).toBe(true);
    expect(fallbacks.verifyEd25519(new TextEncoder().encode('signed by the cloud!'), signature, key.publicKey)).toBe(false);
    const plain = new TextEncoder().encode('gunzip me '.repeat(50));
    expect(Buffer.from(fallbacks.gunzip(new Uint8Array(gzipSync(plain)))).equals(Buffer.from(plain))).toBe(true);
    expect(() => fallbacks.gunzip(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]))).toThrow();
  });

  it('the worker bundle carries neither tweetnacl nor fflate (they live in ondeck-compat.js)', () => {
    const worker = readFileSync(join(browserDist, 'ondeck-worker.js'), 'utf8');
    const compat = readFileSync(join(browserDist, 'ondeck-compat.js'), 'utf8');
    // An error message of each library, which minification keeps.
    for (const marker of ['bad signature size', 'invalid block type']) {
      expect(compat).toContain(marker);
      expect(worker).not.toContain(marker);
    }
    expect(worker).toContain('ondeck-compat.js');
  });
});
