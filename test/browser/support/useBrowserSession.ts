import { afterAll, beforeAll } from 'vitest';
import { launchBrowserSession, type BrowserSession, type BrowserSessionOptions } from '../../../scripts/browser/launchBrowserSession';
import { requireBrowser, type BrowserEngineName } from '../../../scripts/browser/requireBrowser';

/**
 * Registers `beforeAll` / `afterAll` hooks in the current `describe` that launch `engine` once
 * and always close it (even after failed tests), and returns an accessor for the session.
 *
 * Why an accessor instead of throwing in `beforeAll`: vitest reports the tests of a suite whose
 * `beforeAll` threw as SKIPPED. A machine without the browser (or a browser that fails to
 * start) must FAIL every real-engine test, each with the reason and the install command, so
 * the launch error is kept and rethrown by the accessor in every test.
 *
 * @example
 * ```ts
 * describe.each(['chromium', 'wpe'] as const)('engine in %s', (engine) => {
 *   const session = useBrowserSession(engine);
 *   it('has workers', async () => {
 *     expect(await session().call('function () { return typeof Worker; }')).toBe('function');
 *   });
 * });
 * ```
 */
export function useBrowserSession(engine: BrowserEngineName, options: BrowserSessionOptions = {}): () => BrowserSession {
  let session: BrowserSession | undefined;
  let launchError: unknown;

  beforeAll(async () => {
    try {
      requireBrowser(engine);
      session = await launchBrowserSession(engine, options);
      // Launch time is worth seeing in every run (it is not asserted: speed lives in benchmarks).
      console.log(`[${engine}] launched in ${Math.round(session.launchMilliseconds)} ms`);
    } catch (error) {
      launchError = error;
    }
  });

  afterAll(async () => {
    await session?.close();
  });

  return () => {
    if (session) return session;
    if (launchError instanceof Error) throw launchError;
    throw new Error(`[${engine}] no browser session: ${launchError === undefined ? 'used outside a test' : String(launchError)}`);
  };
}
