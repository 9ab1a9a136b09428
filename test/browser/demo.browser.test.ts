import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import { syntheticDemoModel } from '../support/syntheticDemoModel';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';
import { maturityAgeOf } from '../../models/data/maturity';
import { engineFacts } from '../../scripts/browser/engineFacts';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { browserEngines } from '../../scripts/browser/requireBrowser';

const root = join(import.meta.dirname, '../..');

let scratch: string;
let server: StaticServer;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ondeck-demo-'));
  await writeModelDirectory(await syntheticDemoModel(), join(scratch, 'model'));
  // Cross-origin isolated, as `npm start`'s demo server (scripts/createDemoServer.ts) serves it.
  server = await startStaticServer({
    mounts: { '/': join(root, 'demo'), '/ondeck/': join(root, 'dist/browser'), '/model/': join(scratch, 'model') },
    headers: crossOriginIsolationHeaders,
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** What the home screen shows: row titles and the poster ids in each row. */
const readHome = `() => Array.from(document.querySelectorAll('#home .row')).map((row) => ({
  title: row.querySelector('.row-title').textContent,
  kind: row.getAttribute('data-row-kind'),
  items: Array.from(row.querySelectorAll('.poster')).map((poster) => poster.getAttribute('data-item-id')),
}))`;
const waitForDemo = `() => new Promise((resolve, reject) => {
  const started = Date.now();
  (function poll() {
    if (window.demoReady) return resolve(true);
    if (Date.now() - started > 30000) return reject(new Error('demo did not start: ' + document.body.innerText.slice(0, 200)));
    setTimeout(poll, 50);
  })();
})`;

/** The home screen's rows as the app holds them, with each title's maturity rating. */
const readRowRatings = `() => window.demo.state.rows.map((row) => row.items.map((item) => item.maturityRating || null))`;
/** Resolves with `id`'s text once the element is shown (polled in the page). */
const whenShown = (id: string) => `() => new Promise((resolve) => { (function poll() {
  var element = document.getElementById(${JSON.stringify(id)});
  if (!element.hidden) return resolve(element.textContent);
  setTimeout(poll, 50); })(); })`;

describe.each(browserEngines)('demo TV app, driven by the remote in %s', (engine) => {
  const facts = engineFacts[engine];
  let session: BrowserSession;
  beforeAll(async () => {
    session = await launchBrowserSession(engine);
  }, 60_000);
  afterAll(async () => session?.close());

  it('moves focus with the arrows, plays a title, goes back, the rows change; the kids profile filters', async () => {
    await session.chromiumPage?.page.setViewportSize({ width: 1920, height: 1080 });
    await session.goto(`${server.origin}/index.html`);
    await session.call(waitForDemo);
    const before = await session.call<{ title: string; kind: string; items: string[] }[]>(readHome);
    expect(before.length).toBeGreaterThan(1);
    // A new viewer has no history: the first row is personalised top picks or trending.
    await session.pressKeys(['ArrowRight', 'ArrowRight']);
    const focusedId = await session.call<string>(`() => document.querySelector('.poster.focused').getAttribute('data-item-id')`);
    expect(focusedId).toBe(before[0].items[2]);
    await session.pressKeys(['Enter']);
    await session.call(whenShown('details'));
    const title = await session.call<string>(`() => document.getElementById('details-title').textContent`);
    expect(title.length).toBeGreaterThan(0);
    await session.pressKeys(['Enter']); // Play
    expect(await session.call<string>(whenShown('toast'))).toContain(title);
    await session.pressKeys(['Escape']); // Back
    await session.call(whenShown('home'));
    await expect.poll(async () => JSON.stringify(await session.call(readHome)), { timeout: 10_000 }).not.toBe(JSON.stringify(before));
    const after = await session.call<{ title: string; kind: string; items: string[] }[]>(readHome);
    // The played title leaves the rows, and the history now drives a "Because you watched" row.
    expect(after.flatMap((row) => row.items)).not.toContain(focusedId);
    expect(after.some((row) => row.kind === 'because-you-watched' && row.title.includes(title))).toBe(true);
    // The overlay follows the engine's update event when ORT takes over from the int8 kernel.
    await expect.poll(async () => session.call<string>(`() => document.getElementById('status').textContent`), { timeout: 30_000 }).toContain(`backend: ${facts.defaultBackend}`);
    if (engine === 'chromium') {
      // The demo server makes the app cross-origin isolated, so ORT runs on 2 threads.
      const cores = await session.call<number>('() => navigator.hardwareConcurrency');
      if (cores > 1) expect(await session.call<string>(`() => document.getElementById('status').textContent`)).toContain('backend: wasm · 2 threads');
    }

    // The default profile shows titles for grown-ups; the kids profile (7+) must not.
    const adultTitles = (await session.call<(string | null)[][]>(readRowRatings)).flat().filter((rating) => (maturityAgeOf(rating ?? '') ?? 0) > 7);
    expect(adultTitles.length).toBeGreaterThan(0);
    await session.pressKeys(['ArrowUp', 'ArrowRight', 'Enter']); // to the profile chips, Kids, select
    await expect.poll(async () => session.call<string>(`() => document.getElementById('status').textContent`), { timeout: 10_000 }).toContain('profile: kids');
    const kidsRatings = (await session.call<(string | null)[][]>(readRowRatings)).flat();
    expect(kidsRatings.length).toBeGreaterThan(0);
    expect(kidsRatings.filter((rating) => (maturityAgeOf(rating ?? '') ?? 0) > 7)).toEqual([]);

    // Chromium-family engines: a screenshot through CDP. A blank 1920×1080 page compresses to a
    // few KB; the home screen with posters and text does not.
    if (session.sendCdp) {
      const { data } = (await session.sendCdp('Page.captureScreenshot', { format: 'png' })) as { data: string };
      const screenshot = Buffer.from(data, 'base64');
      expect(screenshot.byteLength).toBeGreaterThan(60_000);
      await writeFile(join(tmpdir(), `ondeck-demo-${engine}.png`), screenshot);
    }
  });
});
