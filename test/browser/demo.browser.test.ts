import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelDirectory } from '../../models/artifact/modelDirectory';
import { syntheticDemoModel } from '../support/syntheticDemoModel';
import { crossOriginIsolationHeaders, startStaticServer, type StaticServer } from './support/startStaticServer';
import { launchBrowserSession, type BrowserSession } from './support/launchBrowserSession';

const root = join(import.meta.dirname, '../..');

let scratch: string;
let server: StaticServer;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ondeck-demo-'));
  await writeModelDirectory(await syntheticDemoModel(), join(scratch, 'model'));
  // Cross-origin isolated, as `npm start`'s demo server (scripts/createDemoServer.ts) serves it.
  server = await startStaticServer({ mounts: { '/': join(root, 'demo'), '/ondeck/': join(root, 'dist/browser'), '/model/': join(scratch, 'model') }, headers: crossOriginIsolationHeaders });
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

describe('demo TV app, driven by the remote in Chromium', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await launchBrowserSession('chromium');
  }, 60_000);
  afterAll(async () => session?.close());

  it('navigates with arrow keys, opens a title, plays it, goes back, and the rows change', async () => {
    const page = session.chromiumPage!.page;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await session.goto(`${server.origin}/index.html`);
    await session.call(waitForDemo);
    const before = await session.call<{ title: string; kind: string; items: string[] }[]>(readHome);
    expect(before.length).toBeGreaterThan(1);
    // A new viewer has no history: the first row is personalised top picks or trending.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const focusedId = await page.locator('.poster.focused').getAttribute('data-item-id');
    expect(focusedId).toBe(before[0].items[2]);
    await page.keyboard.press('Enter');
    await page.locator('#details:not([hidden])').waitFor();
    const title = await page.locator('#details-title').textContent();
    expect(title && title.length).toBeGreaterThan(0);
    await page.keyboard.press('Enter'); // Play
    await page.locator('#toast:not([hidden])').waitFor();
    await page.keyboard.press('Escape'); // Back
    await page.locator('#home:not([hidden])').waitFor();
    await expect.poll(async () => JSON.stringify(await session.call(readHome))).not.toBe(JSON.stringify(before));
    const after = await session.call<{ title: string; kind: string; items: string[] }[]>(readHome);
    // The played title leaves the rows, and the history now drives a "Because you watched" row.
    expect(after.flatMap((row) => row.items)).not.toContain(focusedId);
    expect(after.some((row) => row.kind === 'because-you-watched' && row.title.includes(title!))).toBe(true);
    // The overlay follows the engine's update event when ORT takes over from the int8 kernel.
    await expect.poll(async () => page.locator('#status').textContent(), { timeout: 30_000 }).toContain('backend: wasm');
    // The demo server makes the app cross-origin isolated, so ORT runs on 2 threads.
    const cores = await session.call<number>('() => navigator.hardwareConcurrency');
    if (cores > 1) expect(await page.locator('#status').textContent()).toContain(`backend: wasm · 2 threads`);
    const screenshot = await page.screenshot({ path: join(scratch, 'demo.png') });
    // A blank 1920×1080 page compresses to a few KB; the home screen with posters and text does not.
    expect(screenshot.byteLength).toBeGreaterThan(60_000);
    await writeFile(join(tmpdir(), 'ondeck-demo-latest.png'), screenshot);
  });
});

describe('demo TV app, driven by the remote in WPE WebKit', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await launchBrowserSession('wpe');
  }, 60_000);
  afterAll(async () => session?.close());

  it('moves focus, plays a title with Enter and shows it changed the rows, on the js backend', async () => {
    const wpe = session.wpeSession!;
    await session.goto(`${server.origin}/index.html`);
    await session.call(waitForDemo);
    const before = await session.call<{ kind: string; items: string[] }[]>(readHome);
    await wpe.pressKeys(['\uE014', '\uE007']); // ArrowRight, Enter: open the second title
    const opened = await session.call<string>(`() => new Promise((resolve) => { (function poll() {
      if (!document.getElementById('details').hidden) return resolve(document.getElementById('details-title').textContent);
      setTimeout(poll, 50); })(); })`);
    expect(opened.length).toBeGreaterThan(0);
    await wpe.pressKeys(['\uE007', '\uE00C']); // Play, Back
    await expect.poll(async () => JSON.stringify(await session.call(readHome)), { timeout: 10_000 }).not.toBe(JSON.stringify(before));
    const after = await session.call<{ kind: string; title: string; items: string[] }[]>(readHome);
    expect(after.flatMap((row) => row.items)).not.toContain(before[0].items[1]);
    expect(await session.call<string>(`() => document.getElementById('status').textContent`)).toContain('backend: js');
  });
});
