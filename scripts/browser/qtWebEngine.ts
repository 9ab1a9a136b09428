import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connectCdp, type CdpConnection } from './CdpConnection';
import { findFreePort } from './findFreePort';
import type { RemoteKey } from './remoteKeys';
import { requireBrowser } from './requireBrowser';
import { spawnProcessGroup } from './spawnProcessGroup';

/** The Qt WebEngine generations Debian ships: Qt 5.15 embeds Chromium 87, Qt 6.4 Chromium 102. */
export type QtWebEngineMajor = 5 | 6;

/** Options of {@link launchQtWebEngine}. */
export interface QtWebEngineOptions {
  /**
   * How long to wait for the engine to list its page target.
   * @defaultValue 30000
   */
  startTimeoutMilliseconds?: number;
  /**
   * How long navigation and one evaluated script may take.
   * @defaultValue 120000
   */
  commandTimeoutMilliseconds?: number;
  /**
   * How long a navigation may go without a `load` event before the page is looked at (and a
   * still-loading one given the navigation once more).
   * @defaultValue 30000
   */
  loadCheckMilliseconds?: number;
}

/** A running Qt WebEngine with one page, driven over CDP, from {@link launchQtWebEngine}. */
export interface QtWebEngineBrowser {
  /** Wall-clock milliseconds from spawning the host to a connected page. */
  readonly launchMilliseconds: number;
  /** The engine's user agent, e.g. `… QtWebEngine/5.15.13 Chrome/87.0.4280.144 …`. */
  readonly userAgent: string;
  /** The page target's CDP session, for anything the wrapper does not cover. */
  readonly cdp: CdpConnection;
  /** The host's process group: xvfb-run, Xvfb, Python and the QtWebEngineProcess children. */
  readonly processGroupId: number;
  /** Navigates and waits for the `load` event. */
  goto(url: string): Promise<void>;
  /** Reloads and waits for the `load` event; the profile (IndexedDB…) is kept. */
  reload(): Promise<void>;
  /** Evaluates `expression`, awaits a returned promise, resolves with the value as JSON. */
  evaluate<Result>(expression: string): Promise<Result>;
  /** Presses and releases each key in turn, as a remote would. */
  pressKeys(keys: readonly RemoteKey[]): Promise<void>;
  /** Closes the page, kills the whole process group, deletes the profile. Safe to call twice. */
  close(): Promise<void>;
}

/** Where each Qt generation's Python bindings live, and the Debian packages that bring them. */
const qtGenerations: Readonly<Record<QtWebEngineMajor, { engine: 'chromium87' | 'chromium102' }>> = Object.freeze({
  5: { engine: 'chromium87' },
  6: { engine: 'chromium102' },
});

/**
 * The host program: next to this module in the repository, or, where this module was bundled
 * (the device bench in dist/bench/), at its place in the repository above the bundle.
 */
function findHostScript(): string {
  const beside = join(import.meta.dirname, 'qtWebEngineHost.py');
  if (existsSync(beside)) return beside;
  for (let directory = import.meta.dirname; dirname(directory) !== directory; directory = dirname(directory)) {
    const inRepository = join(directory, 'scripts/browser/qtWebEngineHost.py');
    if (existsSync(inRepository)) return inRepository;
  }
  throw new Error(`qtWebEngineHost.py is neither beside ${import.meta.dirname} nor in a repository above it`);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, milliseconds));
}

/** `promise`'s value, or `'late'` after `milliseconds`; the timer is cleared either way, so it never keeps a process alive. */
async function withinMilliseconds<Value>(promise: Promise<Value>, milliseconds: number): Promise<Value | 'late'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<'late'>((resolveLate) => (timer = setTimeout(() => resolveLate('late'), milliseconds)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The fields of `/json/list` entries the launcher reads. */
interface DevToolsTarget {
  type: string;
  url: string;
  webSocketDebuggerUrl?: string;
}

/**
 * Launches Debian's Qt WebEngine (`major` 5 = Chromium 87, 6 = Chromium 102) in a small Python
 * host (`qtWebEngineHost.py`, one `QWebEngineView` with a fresh profile in a temp directory)
 * under `xvfb-run`, and connects to its page over the Chrome DevTools Protocol
 * (`QTWEBENGINE_REMOTE_DEBUGGING` on a free loopback port). Why `xvfb-run`: Qt 5 with
 * `QT_QPA_PLATFORM=offscreen` fails to create a GL context here. Why not Playwright: its
 * `connectOverCDP` fails on `Browser.setDownloadBehavior`, which Qt WebEngine does not implement.
 *
 * @example
 * ```ts
 * const qt = await launchQtWebEngine(5);
 * try {
 *   await qt.goto(`${server.origin}/pages/capabilities.html`);
 *   expect(await qt.evaluate<string>('typeof Worker')).toBe('function');
 * } finally {
 *   await qt.close();
 * }
 * ```
 */
export async function launchQtWebEngine(major: QtWebEngineMajor, options: QtWebEngineOptions = {}): Promise<QtWebEngineBrowser> {
  const executables = requireBrowser(qtGenerations[major].engine);
  const startTimeout = options.startTimeoutMilliseconds ?? 30_000;
  const commandTimeout = options.commandTimeoutMilliseconds ?? 120_000;
  const loadCheck = options.loadCheckMilliseconds ?? 30_000;
  const started = performance.now();
  const profileDirectory = await mkdtemp(join(tmpdir(), `ondeck-qt${major}-`));
  const port = await findFreePort();
  const host = spawnProcessGroup(executables['xvfb-run']!, ['-a', executables.python3!, findHostScript(), String(major), profileDirectory], {
    // Standard input carries key presses (see qtWebEngineHost.py); its end quits the host.
    stdin: 'pipe',
    env: {
      ...process.env,
      // Root in a container: no sandbox; no GPU on these machines.
      QTWEBENGINE_CHROMIUM_FLAGS: '--no-sandbox --disable-gpu',
      QTWEBENGINE_REMOTE_DEBUGGING: `127.0.0.1:${port}`,
      XDG_RUNTIME_DIR: profileDirectory,
    },
  });
  let keyAcknowledgements = 0;
  let onKeyAcknowledged = (): void => {};
  host.child.stdout!.on('data', (chunk: Buffer) => {
    const acknowledged = chunk
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('key-done ')).length;
    if (acknowledged > 0) {
      keyAcknowledgements += acknowledged;
      onKeyAcknowledged();
    }
  });
  // The host may be gone before a key is written: that shows up as a missing acknowledgement.
  host.child.stdin!.on('error', () => {});

  let cdp: CdpConnection | undefined;
  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await cdp?.close();
    await host.stop();
    await rm(profileDirectory, { recursive: true, force: true });
  }

  let userAgent: string;
  try {
    const deadline = performance.now() + startTimeout;
    let target: DevToolsTarget | undefined;
    while (!target) {
      if (host.exited) throw new Error(`the Qt ${major} host exited before listing a page`);
      if (performance.now() > deadline) throw new Error(`Qt WebEngine ${major} listed no page within ${startTimeout} ms`);
      const targets = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2_000) })
        .then((response) => response.json() as Promise<DevToolsTarget[]>)
        .catch(() => []);
      target = targets.find((candidate) => candidate.type === 'page' && candidate.webSocketDebuggerUrl);
      if (!target) await sleep(100);
    }
    cdp = await connectCdp(target.webSocketDebuggerUrl!, { commandTimeoutMilliseconds: commandTimeout });
    await cdp.send('Page.enable');
    await cdp.send('Runtime.enable');
    userAgent = (await cdp.send<{ result: { value: string } }>('Runtime.evaluate', { expression: 'navigator.userAgent', returnByValue: true })).result.value;
  } catch (error) {
    await close();
    throw new Error(`Could not start Qt WebEngine ${major}: ${error instanceof Error ? error.message : String(error)}\n${host.output()}`);
  }
  const page = cdp;

  /** Where the page is, for a load that does not finish: its URL, readyState and whether it is still the old document. */
  async function describeDocument(marker: string): Promise<{ href: string; readyState: string; oldDocument: boolean } | undefined> {
    const answer = await withinMilliseconds(
      page
        .send<{ result: { value?: { href: string; readyState: string; oldDocument: boolean } } }>('Runtime.evaluate', {
          expression: `({ href: location.href, readyState: document.readyState, oldDocument: window.__ondeckNavigationMarker === ${JSON.stringify(marker)} })`,
          returnByValue: true,
        })
        .catch(() => undefined),
      5_000,
    );
    return answer === 'late' ? undefined : answer?.result.value;
  }

  /** Navigates to `url` and resolves on its `load` event or after `milliseconds`, whichever is first. */
  async function navigateBriefly(url: string, milliseconds: number): Promise<void> {
    let stop = (): void => {};
    const loaded = new Promise<void>((resolveLoad) => (stop = page.on('Page.loadEventFired', () => resolveLoad())));
    try {
      await page.send('Page.navigate', { url }).catch(() => undefined);
      await withinMilliseconds(loaded, milliseconds);
    } finally {
      stop();
    }
  }

  /**
   * Runs `command` and waits for the next `load` event of the top frame. Under load (a full CI
   * run on 2 cores) Qt WebEngine 6 twice left a page of the service-worker privacy suite loading
   * for 120 s, and a second navigation to the same URL stayed stuck too, while dozens of runs on
   * their own never did. So a load that takes longer than `loadCheckMilliseconds` is looked at: a
   * new document that is complete counts as loaded (the event went missing); one still loading is
   * left for about:blank, which ends the stuck document and everything it started, and then
   * `url()` is opened once more, loudly; the final error says where the page was stuck.
   */
  async function untilLoaded(command: () => Promise<unknown>, url: () => string | undefined): Promise<void> {
    const deadline = performance.now() + commandTimeout;
    let run = command;
    for (let attempt = 1; ; attempt += 1) {
      // Marks the current document, so a later check can tell the new one from it.
      const marker = `${Date.now()}-${Math.random()}`;
      await page.send('Runtime.evaluate', { expression: `window.__ondeckNavigationMarker = ${JSON.stringify(marker)}` }).catch(() => undefined);
      let stop = (): void => {};
      const loaded = new Promise<'loaded'>((resolveLoad) => {
        const off = page.on('Page.loadEventFired', () => resolveLoad('loaded'));
        stop = off;
      });
      try {
        await run();
        const checkAfter = Math.min(loadCheck, Math.max(0, deadline - performance.now()));
        if ((await withinMilliseconds(loaded, checkAfter)) === 'loaded') return;
        const where = await describeDocument(marker);
        if (where && !where.oldDocument && where.readyState === 'complete') {
          console.warn(`[Qt WebEngine ${major}] no load event after ${checkAfter} ms, but ${where.href} is loaded: going on`);
          return;
        }
        const state = where ? `${where.href}, readyState ${where.readyState}${where.oldDocument ? ', still the previous document' : ''}` : 'the page did not answer';
        const target = url() ?? where?.href;
        if (attempt === 1 && target && performance.now() < deadline) {
          console.warn(`[Qt WebEngine ${major}] no load event after ${checkAfter} ms (${state}): opening about:blank, then ${target} once more`);
          stop();
          await navigateBriefly('about:blank', 10_000);
          run = async () => {
            const answer = await page.send<{ errorText?: string }>('Page.navigate', { url: target });
            if (answer.errorText) throw new Error(`Qt WebEngine ${major} could not open ${target}: ${answer.errorText}`);
          };
          continue;
        }
        const rest = Math.max(0, deadline - performance.now());
        if ((await withinMilliseconds(loaded, rest)) === 'loaded') return;
        throw new Error(`Qt WebEngine ${major}: no load event within ${commandTimeout} ms (${state})\n${host.output()}`);
      } finally {
        stop();
      }
    }
  }

  return {
    launchMilliseconds: performance.now() - started,
    userAgent,
    cdp: page,
    processGroupId: host.processGroupId,
    goto: (url) =>
      untilLoaded(
        async () => {
          const answer = await page.send<{ errorText?: string }>('Page.navigate', { url });
          if (answer.errorText) throw new Error(`Qt WebEngine ${major} could not open ${url}: ${answer.errorText}`);
        },
        () => url,
      ),
    async reload() {
      // Where the page is now: a retry opens it again after about:blank.
      const answer = await page.send<{ result: { value?: string } }>('Runtime.evaluate', { expression: 'location.href', returnByValue: true }).catch(() => undefined);
      await untilLoaded(
        () => page.send('Page.reload', { ignoreCache: false }),
        () => answer?.result.value,
      );
    },
    async evaluate<Result>(expression: string): Promise<Result> {
      const answer = await page.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', {
        expression,
        awaitPromise: true,
        returnByValue: true,
      });
      if (answer.exceptionDetails) {
        throw new Error(`Qt WebEngine ${major}: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
      }
      return answer.result.value as Result;
    },
    async pressKeys(keys: readonly RemoteKey[]): Promise<void> {
      // Through the host as QKeyEvents: CDP's Input.dispatchKeyEvent never answers in Qt 5.15.
      for (const name of keys) {
        const wanted = keyAcknowledgements + 1;
        const acknowledged = new Promise<void>((resolveKey, rejectKey) => {
          const timer = setTimeout(() => rejectKey(new Error(`Qt WebEngine ${major}: key ${name} not acknowledged within 5000 ms\n${host.output()}`)), 5_000);
          onKeyAcknowledged = () => {
            if (keyAcknowledgements < wanted) return;
            clearTimeout(timer);
            resolveKey();
          };
        });
        host.child.stdin!.write(`key ${name}\n`);
        await acknowledged;
        // A remote's key presses are spaced; the demo handles one key at a time.
        await sleep(50);
      }
    },
    close,
  };
}
