import type { CDPSession } from 'playwright-core';
import { launchChromium, type ChromiumLaunchOptions, type ChromiumPage } from './chromium';
import type { BrowserEngineName } from './requireBrowser';
import { launchQtWebEngine, type QtWebEngineBrowser, type QtWebEngineOptions } from './qtWebEngine';
import { remoteKeyCodes, type RemoteKey } from './remoteKeys';
import { startWpeWebDriver, type WpeSession, type WpeWebDriverOptions } from './wpeWebDriver';

/** Options of {@link launchBrowserSession}; each engine reads its own part. */
export interface BrowserSessionOptions {
  /** Chromium only: see {@link ChromiumLaunchOptions}. */
  chromium?: ChromiumLaunchOptions;
  /** WPE only: see {@link WpeWebDriverOptions}. */
  wpe?: WpeWebDriverOptions;
  /** Qt WebEngine (`chromium87`, `chromium102`) only: see {@link QtWebEngineOptions}. */
  qt?: QtWebEngineOptions;
}

/**
 * One page in one real engine, driven the same way whatever the engine, so a scenario is written
 * once and run in all of them (`describe.each(browserEngines)`).
 */
export interface BrowserSession {
  readonly engine: BrowserEngineName;
  /** Wall-clock milliseconds from launch to a usable page. */
  readonly launchMilliseconds: number;
  /** The Chromium tab (for throttling, Playwright APIs); `undefined` in WPE. */
  readonly chromiumPage: ChromiumPage | undefined;
  /** The WebDriver session (for raw commands); `undefined` in the other engines. */
  readonly wpeSession: WpeSession | undefined;
  /** The Qt WebEngine page (raw CDP); `undefined` in the other engines. */
  readonly qtBrowser: QtWebEngineBrowser | undefined;
  /** Navigates and waits for the `load` event. */
  goto(url: string): Promise<void>;
  /** Reloads and waits for the `load` event; the profile (IndexedDB…) is kept. */
  reload(): Promise<void>;
  /**
   * Calls a function in the page with one JSON-serialisable `argument` and resolves with its
   * awaited result as `JSON.parse(JSON.stringify(result))` in the page (identical in both
   * engines; `undefined` becomes `null`). `pageFunction` is the source of a function expression
   * (or a self-contained function, sent as its source text): it runs in the engine as written,
   * so keep it ES2017 for WPE. A throw or rejection in the page rejects here with the page's
   * message and stack.
   */
  call<Result>(pageFunction: string | ((argument: never) => unknown), argument?: unknown): Promise<Result>;
  /**
   * Sends one Chrome DevTools Protocol command to the page (`Storage.overrideQuotaForOrigin`…);
   * `undefined` in WPE, which speaks WebDriver only.
   */
  readonly sendCdp: ((method: string, params?: Record<string, unknown>) => Promise<unknown>) | undefined;
  /** Presses and releases each key in turn as real key events, as a TV remote sends them. */
  pressKeys(keys: readonly RemoteKey[]): Promise<void>;
  /** Closes the engine (and its driver); safe to call twice. */
  close(): Promise<void>;
}

/** What the in-page envelope hands back: never a thrown error, which engines report unevenly. */
type Envelope = { ok: true; value: unknown } | { ok: false; message: string; stack: string };

/**
 * ES5 source of the in-page envelope: awaits the function and turns a result or an error into a
 * plain object, because Playwright and WebDriver would otherwise report page errors each in their
 * own wording (and WebDriver drops the stack). The result goes through JSON in the page, because
 * the two protocols serialise differently (WebDriver turns an `undefined` property into `null`,
 * Playwright drops it; Playwright keeps typed arrays and Dates, WebDriver does not).
 */
const envelopeSource = `function (pageFunction, argument) {
  return Promise.resolve().then(function () { return pageFunction(argument); }).then(
    function (value) { return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) }; },
    function (error) {
      var message = error && error.message !== undefined ? String(error.message) : String(error);
      var name = error && error.name ? String(error.name) + ': ' : '';
      return { ok: false, message: name + message, stack: error && error.stack ? String(error.stack) : '' };
    });
}`;

function unwrap<Result>(engine: BrowserEngineName, envelope: Envelope): Result {
  if (envelope.ok) return envelope.value as Result;
  throw new Error(`[${engine}] the page threw ${envelope.message}${envelope.stack ? `\n--- page stack ---\n${envelope.stack}` : ''}`);
}

/**
 * Launches `engine` with one blank page behind the common {@link BrowserSession} interface:
 * Chromium through Playwright, Qt WebEngine (Chromium 87 and 102) through a plain CDP client,
 * WPE WebKit through its W3C WebDriver.
 *
 * @example
 * ```ts
 * const session = await launchBrowserSession('wpe');
 * try {
 *   await session.goto(`${server.origin}/pages/capabilities.html`);
 *   expect(await session.call<string>('function () { return typeof Worker; }')).toBe('function');
 * } finally {
 *   await session.close();
 * }
 * ```
 */
export async function launchBrowserSession(engine: BrowserEngineName, options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  if (engine === 'chromium') {
    const browser = await launchChromium(options.chromium);
    try {
      const page = await browser.openPage('about:blank');
      let cdpSession: CDPSession | undefined;
      return {
        engine,
        launchMilliseconds: browser.launchMilliseconds,
        chromiumPage: page,
        wpeSession: undefined,
        qtBrowser: undefined,
        async sendCdp(method: string, params?: Record<string, unknown>): Promise<unknown> {
          cdpSession ??= await page.page.context().newCDPSession(page.page);
          // Playwright types the method names it knows; any other is sent as is.
          return cdpSession.send(method as 'Runtime.enable', params as never);
        },
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        async call<Result>(pageFunction: string | ((argument: never) => unknown), argument?: unknown): Promise<Result> {
          // A string expression, so no eval is needed in the page and the argument travels as JSON.
          const expression = `(${envelopeSource})(${String(pageFunction)}, ${JSON.stringify(argument) ?? 'undefined'})`;
          return unwrap<Result>(engine, await page.evaluate<Envelope>(expression));
        },
        async pressKeys(keys: readonly RemoteKey[]): Promise<void> {
          for (const key of keys) await page.page.keyboard.press(remoteKeyCodes[key].key);
        },
        close: () => browser.close(),
      };
    } catch (error) {
      await browser.close();
      throw error;
    }
  }
  if (engine === 'chromium87' || engine === 'chromium102') {
    const qt = await launchQtWebEngine(engine === 'chromium87' ? 5 : 6, options.qt);
    return {
      engine,
      launchMilliseconds: qt.launchMilliseconds,
      chromiumPage: undefined,
      wpeSession: undefined,
      qtBrowser: qt,
      sendCdp: (method, params) => qt.cdp.send(method, params),
      goto: (url) => qt.goto(url),
      reload: () => qt.reload(),
      async call<Result>(pageFunction: string | ((argument: never) => unknown), argument?: unknown): Promise<Result> {
        const expression = `(${envelopeSource})(${String(pageFunction)}, ${JSON.stringify(argument) ?? 'undefined'})`;
        return unwrap<Result>(engine, await qt.evaluate<Envelope>(expression));
      },
      pressKeys: (keys) => qt.pressKeys(keys),
      close: () => qt.close(),
    };
  }
  const wpe = await startWpeWebDriver(options.wpe);
  return {
    engine,
    launchMilliseconds: wpe.launchMilliseconds,
    chromiumPage: undefined,
    wpeSession: wpe,
    qtBrowser: undefined,
    sendCdp: undefined,
    goto: (url) => wpe.navigate(url),
    reload: () => wpe.reload(),
    async call<Result>(pageFunction: string | ((argument: never) => unknown), argument?: unknown): Promise<Result> {
      // execute/async with the callback: WPE 2.38 ignores a promise returned from the script.
      const script = `var done = arguments[arguments.length - 1];
(${envelopeSource})(${String(pageFunction)}, arguments.length > 1 ? arguments[0] : undefined).then(done);`;
      return unwrap<Result>(engine, await wpe.executeAsync<Envelope>(script, argument === undefined ? [] : [argument]));
    },
    pressKeys: (keys) => wpe.pressKeys(keys.map((key) => remoteKeyCodes[key].webDriver)),
    close: () => wpe.close(),
  };
}
