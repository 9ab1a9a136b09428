import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwrightChromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { requireBrowser } from './requireBrowser';

/**
 * Flags from DESIGN.md "Driving real engines on these machines": no sandbox (we run as root in a
 * container), no GPU, and nothing that phones home (QUIC, component updates, sync, background
 * networking), so a test never depends on the network. Playwright adds `--headless` and the
 * `--user-data-dir` itself.
 */
export const chromiumArguments: readonly string[] = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** Options of {@link launchChromium}. */
export interface ChromiumLaunchOptions {
  /**
   * CPU slowdown factor applied to every page opened (CDP `Emulation.setCPUThrottlingRate`;
   * 4 means four times slower), to approach smart-TV speed. Main thread only: see
   * {@link setCpuThrottling}.
   * @defaultValue no throttling
   */
  throttle?: number;
  /**
   * Flags added after {@link chromiumArguments}, e.g. the SwiftShader WebGPU ones.
   * @defaultValue `[]`
   */
  extraArguments?: readonly string[];
}

/** One tab of a {@link ChromiumBrowser}. */
export interface ChromiumPage {
  /** The Playwright page, for anything the wrapper does not cover. */
  readonly page: Page;
  /** Navigates and waits for the `load` event. */
  goto(url: string): Promise<void>;
  /**
   * Runs `script` in the page and resolves with its (awaited, JSON-serialisable) result: a
   * function is called with `argument`; a string is evaluated as an expression.
   */
  evaluate<Result, Argument = undefined>(script: string | ((argument: Argument) => Result | Promise<Result>), argument?: Argument): Promise<Result>;
  /** Reloads and waits for the `load` event. */
  reload(): Promise<void>;
  /** {@link setCpuThrottling} for this tab. */
  setCpuThrottling(rate: number): Promise<void>;
  close(): Promise<void>;
}

/** A running Chromium from {@link launchChromium}. */
export interface ChromiumBrowser {
  /** Wall-clock milliseconds the launch took. */
  readonly launchMilliseconds: number;
  /** Opens a tab at `url` (waiting for `load`); tabs share the profile, so IndexedDB is shared. */
  openPage(url: string): Promise<ChromiumPage>;
  /** Closes the browser and deletes its profile directory. */
  close(): Promise<void>;
}

/** The DevTools session that holds each page's throttling: detaching it would undo the override. */
const throttlingSessions = new WeakMap<Page, CDPSession>();

/**
 * Slows a page by `rate` (1 = no throttling) through the Chrome DevTools Protocol
 * (`Emulation.setCPUThrottlingRate`). The override lasts for the page's life, across
 * navigations and reloads. It slows the page's MAIN THREAD fully but workers only partly:
 * Chromium 156 refuses the command on worker targets ("Operation is only supported for pages,
 * not workers"), and at rate 6 the device bench measured the main thread 6.3–6.4× slower and the
 * engine worker (`js` backend) 2.4–2.7× slower. Time worker code with that in mind.
 *
 * @example
 * ```ts
 * await setCpuThrottling(tab.page, 4);
 * ```
 */
export async function setCpuThrottling(page: Page, rate: number): Promise<void> {
  let session = throttlingSessions.get(page);
  if (!session) {
    session = await page.context().newCDPSession(page);
    throttlingSessions.set(page, session);
  }
  await session.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * Launches Debian's Chromium (`command -v chromium`, never a downloaded build) headless, with a
 * fresh persistent profile in a temp directory: IndexedDB, caches and service workers survive a
 * reload within a test file and are gone when it closes.
 *
 * @example
 * ```ts
 * const browser = await launchChromium({ throttle: 4 });
 * try {
 *   const tab = await browser.openPage(`${server.origin}/pages/capabilities.html`);
 *   expect(await tab.evaluate(() => typeof Worker)).toBe('function');
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<ChromiumBrowser> {
  const executablePath = requireBrowser('chromium').chromium!;
  const profileDirectory = await mkdtemp(join(tmpdir(), 'ondeck-chromium-'));
  const started = performance.now();
  let context: BrowserContext;
  try {
    context = await playwrightChromium.launchPersistentContext(profileDirectory, {
      executablePath,
      headless: true,
      args: [...chromiumArguments, ...(options.extraArguments ?? [])],
    });
  } catch (error) {
    await rm(profileDirectory, { recursive: true, force: true });
    throw error;
  }
  const launchMilliseconds = performance.now() - started;
  // A persistent context opens with one blank tab: hand that one out first.
  let spareTab: Page | undefined = context.pages()[0];

  return {
    launchMilliseconds,
    async openPage(url: string): Promise<ChromiumPage> {
      const page = spareTab ?? (await context.newPage());
      spareTab = undefined;
      if (options.throttle !== undefined) await setCpuThrottling(page, options.throttle);
      await page.goto(url, { waitUntil: 'load' });
      return {
        page,
        async goto(target: string): Promise<void> {
          await page.goto(target, { waitUntil: 'load' });
        },
        evaluate<Result, Argument>(script: string | ((argument: Argument) => Result | Promise<Result>), argument?: Argument): Promise<Result> {
          if (typeof script === 'string') return page.evaluate(script) as Promise<Result>;
          // Playwright's own generics (Unboxed<Argument>) do not line up with a plain generic.
          const pageFunction = script as (argument: unknown) => Result | Promise<Result>;
          return page.evaluate(pageFunction, argument as unknown) as Promise<Result>;
        },
        async reload(): Promise<void> {
          await page.reload({ waitUntil: 'load' });
        },
        setCpuThrottling: (rate: number) => setCpuThrottling(page, rate),
        close: () => page.close(),
      };
    },
    async close(): Promise<void> {
      try {
        await context.close();
      } finally {
        await rm(profileDirectory, { recursive: true, force: true });
      }
    },
  };
}
