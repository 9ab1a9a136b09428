import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { useBrowserSession } from './support/useBrowserSession';
import { runPageScenario } from '../../scripts/browser/runPageScenario';
import { browserEngines } from '../../scripts/browser/requireBrowser';

const root = join(import.meta.dirname, '../..');
/** The shipped worker, served under a second path with TextDecoder (Chromium 38) taken away. */
const WORKER_WITHOUT_TEXT_DECODER = '/dist-lacking/ondeck-worker.js';

interface Refusal {
  code: string;
  message: string;
  isOndeckError: boolean;
  missing: string[];
  recommendCode: string;
  errorEvents: string[];
}

// An engine that lacks what ondeck needs, on the page or in the worker, gets one typed
// `unsupported-engine` error naming the capability: never an uncaught TypeError in the worker,
// never a restart loop; the demo shows it as text.
describe.each(browserEngines)('an engine without what ondeck needs, in %s', (engine) => {
  const session = useBrowserSession(engine);
  let server: StaticServer;
  beforeAll(async () => {
    server = await startStaticServer({
      mounts: {
        '/dist/': join(root, 'dist/browser'),
        '/dist-lacking/': join(root, 'dist/browser'),
        '/pages/': join(root, 'test/browser/pages'),
        '/': join(root, 'demo'),
        '/ondeck/': join(root, 'dist/browser'),
      },
      prependToScripts: { [WORKER_WITHOUT_TEXT_DECODER]: 'delete self.TextDecoder;', '/ondeck/ondeck-worker.js': 'delete self.TextDecoder;' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a worker without TextDecoder: ready and every call reject with unsupported-engine naming it, once, without restarts', async () => {
    const refusal = await runPageScenario<Refusal>(session(), `${server.origin}/pages/engine.html`, { op: 'refused', workerUrl: WORKER_WITHOUT_TEXT_DECODER, modelUrl: '/model/' });
    expect(refusal).toMatchObject({
      code: 'unsupported-engine',
      isOndeckError: true,
      missing: ['TextDecoder'],
      recommendCode: 'unsupported-engine',
      errorEvents: ['unsupported-engine'],
    });
    expect(refusal.message).toContain('This engine lacks TextDecoder, which ondeck needs in its worker');
    // The worker script was fetched once: no restart loop.
    expect(server.requestedPaths.filter((path) => path === WORKER_WITHOUT_TEXT_DECODER)).toHaveLength(1);
  });

  it('a page without Worker: the same typed error, naming Worker, and no worker is fetched', async () => {
    const before = server.requestedPaths.filter((path) => path.endsWith('ondeck-worker.js')).length;
    const refusal = await runPageScenario<Refusal>(session(), `${server.origin}/pages/engine.html`, { op: 'refused', removeFromPage: ['Worker'], modelUrl: '/model/' });
    expect(refusal).toMatchObject({ code: 'unsupported-engine', missing: ['Worker'], recommendCode: 'unsupported-engine', errorEvents: ['unsupported-engine'] });
    expect(refusal.message).toContain('in its page');
    expect(server.requestedPaths.filter((path) => path.endsWith('ondeck-worker.js')).length).toBe(before);
  });

  it('the demo says so as text', async () => {
    await session().goto(`${server.origin}/index.html`);
    const shown = await session().call<string>(`() => new Promise((resolve) => { (function poll() {
      var text = document.getElementById('home').textContent;
      if (text.indexOf('could not start') >= 0) return resolve(text);
      setTimeout(poll, 50); })(); })`);
    expect(shown).toContain('ondeck could not start: This engine lacks TextDecoder');
  });
});
