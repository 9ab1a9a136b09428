import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLivingProcesses } from '../../scripts/browser/listLivingProcesses';
import { launchQtWebEngine } from '../../scripts/browser/qtWebEngine';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { browserEngines, requireBrowser } from '../../scripts/browser/requireBrowser';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { useBrowserSession } from './support/useBrowserSession';
import { startWpeWebDriver } from '../../scripts/browser/wpeWebDriver';

const pagesDirectory = join(import.meta.dirname, 'pages');

/** What `pages/capabilities.js` reports. */
interface Capabilities {
  userAgent: string;
  worker: string;
  servedWorkerReply: { doubled: number; indexedDb: string; webAssembly: string; nestedWorker: string };
  blobWorkerReply: number;
  indexedDbRoundTrip: boolean;
  webAssembly: boolean;
  webAssemblyBaselineValid: boolean;
  webAssemblySimd: boolean;
  subtleCrypto: boolean;
  nativeEd25519: boolean;
  sha256OfAbc: string | null;
  decompressionStream: boolean;
  sharedArrayBuffer: boolean;
  crossOriginIsolated: boolean | null;
}

/** SHA-256("abc"), the FIPS 180-2 test vector. */
const sha256OfAbc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe.each(browserEngines)('real-engine harness in %s', { timeout: 60_000 }, (engine) => {
  // Fails every test (never skips) with the apt-get command when the engine is missing, and
  // closes the browser after the last test whatever happened.
  const session = useBrowserSession(engine);
  let server: StaticServer | undefined;

  beforeAll(async () => {
    server = await startStaticServer({ mounts: { '/pages/': pagesDirectory }, headers: crossOriginIsolationHeaders });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reports the capabilities engineFacts (and DESIGN.md) record for the engine', async () => {
    const capabilities = await runPageScenario<Capabilities>(session(), `${server!.origin}/pages/capabilities.html`);
    const facts = engineFacts[engine];
    if (facts.chromiumVersion !== null) expect(capabilities.userAgent).toContain(`Chrome/${facts.chromiumVersion}.`);
    expect(capabilities).toMatchObject({
      worker: 'function',
      servedWorkerReply: { doubled: 42, indexedDb: 'object', webAssembly: 'object', nestedWorker: facts.nestedWorkers ? 'function' : 'undefined' },
      blobWorkerReply: 42,
      indexedDbRoundTrip: true,
      webAssembly: true,
      webAssemblyBaselineValid: true,
      subtleCrypto: true,
      sha256OfAbc,
      webAssemblySimd: facts.webAssemblySimd,
      decompressionStream: facts.decompressionStream,
      sharedArrayBuffer: facts.sharedArrayBuffer,
      nativeEd25519: facts.nativeEd25519,
    });
    // SharedArrayBuffer follows cross-origin isolation where the engine implements it.
    if (facts.chromiumVersion !== null) expect(capabilities.crossOriginIsolated).toBe(true);
  });

  it('keeps an IndexedDB value across a reload of the page', async () => {
    const value = { token: `${engine}-${Date.now()}`, factors: [-128, 0, 127] };
    await runPageScenario(session(), `${server!.origin}/pages/storage.html`, { op: 'read', key: 'absent' }).then((absent) => expect(absent).toBeNull());
    expect(await callPageScenario(session(), { op: 'write', key: 'kept', value })).toBe(true);
    await session().reload();
    expect(await callPageScenario(session(), { op: 'read', key: 'kept' })).toEqual(value);
  });

  it('makes page fetches fail while the server is offline or a path is failing, and recover', async () => {
    const probe = { url: `${server!.origin}/pages/capabilities.html` };
    const online = await runPageScenario<{ fetched: boolean; status?: number }>(session(), `${server!.origin}/pages/network.html`, probe);
    expect(online).toMatchObject({ fetched: true, status: 200 });

    server!.setOffline(true);
    try {
      expect(await callPageScenario(session(), probe)).toMatchObject({ fetched: false });
    } finally {
      server!.setOffline(false);
    }
    expect(await callPageScenario(session(), probe)).toMatchObject({ fetched: true, status: 200 });

    server!.failPath('/pages/capabilities', 500);
    expect(await callPageScenario(session(), probe)).toMatchObject({ fetched: true, status: 500 });
    server!.failPath('/pages/capabilities', null);
    expect(await callPageScenario(session(), probe)).toMatchObject({ fetched: true, status: 200 });
  });

  it("fails with the page's own message when page code throws", async () => {
    await session().goto(`${server!.origin}/pages/network.html`);
    await expect(session().call('function (args) { throw new RangeError("planted failure " + args.code); }', { code: 7 })).rejects.toThrow(
      `[${engine}] the page threw RangeError: planted failure 7`,
    );
    await expect(session().call('async function () { await null; return Promise.reject(new Error("async planted failure")); }')).rejects.toThrow('async planted failure');
    // Values come back through the same path in both engines.
    expect(await session().call('function (args) { return { sum: args.a + args.b, nothing: undefined }; }', { a: 2, b: 3 })).toEqual({ sum: 5 });
  });

  it('reports a page whose script does not parse instead of waiting for ready', async () => {
    await expect(runPageScenario(session(), `${server!.origin}/pages/syntaxError.html`, undefined, { readyTimeoutMilliseconds: 10_000 })).rejects.toThrow(
      /reported errors before the scenario was ready:\n.*error: .*syntaxError\.js/,
    );
  });
});

describe('WPE WebDriver lifecycle', { timeout: 60_000 }, () => {
  it('leaves no driver, cog or WebKit process behind after close', async () => {
    requireBrowser('wpe');
    const wpe = await startWpeWebDriver();
    try {
      await wpe.navigate('about:blank');
      const living = listLivingProcesses(wpe.processGroupId).map((process) => process.command);
      // The real tree: the driver, cog, and WebKit's web and network processes.
      expect(living).toContain('WPEWebDriver');
      expect(living).toContain('cog');
      expect(await wpe.execute<number>('return arguments[0] * 2;', [21])).toBe(42);
      expect(await wpe.executeAsync<number>('arguments[arguments.length - 1](arguments[0] + 1);', [41])).toBe(42);
    } finally {
      await wpe.close();
    }
    expect(listLivingProcesses(wpe.processGroupId)).toEqual([]);
    await expect(wpe.navigate('about:blank')).rejects.toThrow('session is closed');
  });
});

describe.each([5, 6] as const)('Qt WebEngine %s lifecycle', { timeout: 60_000 }, (major) => {
  it('leaves no host, Xvfb or QtWebEngineProcess behind after close', async () => {
    const qt = await launchQtWebEngine(major);
    try {
      // The user agent names the Chromium that Debian's Qt embeds.
      expect(qt.userAgent).toContain(major === 5 ? 'Chrome/87.' : 'Chrome/102.');
      const living = listLivingProcesses(qt.processGroupId).map((process) => process.command);
      expect(living).toContain('Xvfb');
      expect(living).toContain('QtWebEngineProc');
      expect(await qt.evaluate<number>('Promise.resolve(21 * 2)')).toBe(42);
      await expect(qt.evaluate('null.property')).rejects.toThrow(/TypeError/);
    } finally {
      await qt.close();
    }
    expect(listLivingProcesses(qt.processGroupId)).toEqual([]);
    await expect(qt.evaluate('1')).rejects.toThrow('connection is closed');
  });
});

describe.each([5, 6] as const)('Qt WebEngine %s navigation that never loads', { timeout: 60_000 }, (major) => {
  it('gives the navigation one more try, then fails saying where the page was stuck', async () => {
    // A page whose image never answers: its load event cannot fire.
    const pageRequests: string[] = [];
    const held: ServerResponse[] = [];
    const server = createServer((request, response) => {
      if (request.url === '/stuck.html') {
        pageRequests.push(request.url);
        response.setHeader('content-type', 'text/html');
        response.end('<!doctype html><title>stuck</title><img src="/never">');
      } else {
        held.push(response);
      }
    });
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stuck.html`;
    const qt = await launchQtWebEngine(major, { commandTimeoutMilliseconds: 8_000, loadCheckMilliseconds: 2_000 });
    try {
      await expect(qt.goto(url)).rejects.toThrow(`no load event within 8000 ms (${url}, readyState interactive)`);
      expect(pageRequests).toHaveLength(2);
      // A page that does load still does, on the same session.
      await qt.goto('about:blank');
      expect(await qt.evaluate<string>('document.readyState')).toBe('complete');
    } finally {
      await qt.close();
      for (const response of held) response.destroy();
      server.close();
    }
  });
});
