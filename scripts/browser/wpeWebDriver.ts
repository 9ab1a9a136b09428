import { findFreePort } from './findFreePort';
import { requireBrowser } from './requireBrowser';
import { spawnProcessGroup, type ProcessGroup } from './spawnProcessGroup';

/** Options of {@link startWpeWebDriver}. */
export interface WpeWebDriverOptions {
  /**
   * W3C script timeout for `execute` / `executeAsync`: generous, because scenarios load models
   * and train in the page.
   * @defaultValue 120000
   */
  scriptTimeoutMilliseconds?: number;
  /** @defaultValue 60000 */
  pageLoadTimeoutMilliseconds?: number;
  /**
   * How long to wait for the driver to answer `/status` and for the session (cog) to open.
   * @defaultValue 20000
   */
  startTimeoutMilliseconds?: number;
  /**
   * More command-line arguments for cog, e.g. WebKit's memory-pressure settings
   * (`--web-mem-limit=MiB`, see `cog --help-memory-limits`) as a TV's launcher sets them.
   */
  cogArguments?: readonly string[];
}

/** A WPE WebKit (cog) session behind a private WPEWebDriver, from {@link startWpeWebDriver}. */
export interface WpeSession {
  /** Wall-clock milliseconds from spawning the driver to an open session. */
  readonly launchMilliseconds: number;
  /** `http://127.0.0.1:PORT` of the driver. */
  readonly driverUrl: string;
  /** The driver's process group: the driver, cog and WebKit's web/network processes. */
  readonly processGroupId: number;
  /** Navigates and waits for the page load (W3C `POST /url`). */
  navigate(url: string): Promise<void>;
  /** Reloads and waits for the page load (W3C `POST /refresh`). */
  reload(): Promise<void>;
  /**
   * W3C `execute/sync`: `script` is a function body reading `arguments`; its return value (a
   * returned promise is awaited by WPE) comes back JSON-serialised.
   */
  execute<Result>(script: string, args?: readonly unknown[]): Promise<Result>;
  /**
   * W3C `execute/async`: `script` is a function body whose last argument is the callback to
   * call with the result. WPE 2.38 does NOT settle on a returned promise; call the callback.
   */
  executeAsync<Result>(script: string, args?: readonly unknown[]): Promise<Result>;
  /**
   * Presses keys one after another through W3C `/actions` (real key events, as a remote sends):
   * each entry is a WebDriver key code, e.g. `\uE014` ArrowRight, `\uE007` Enter, `\uE00C` Escape.
   */
  pressKeys(keys: readonly string[]): Promise<void>;
  /** Ends the session (cog quits); further commands fail. Safe to call twice. */
  deleteSession(): Promise<void>;
  /** Ends the session and kills the driver's whole process group. Safe to call twice. */
  close(): Promise<void>;
}

/** The shape of a W3C WebDriver error response's `value`. */
interface WebDriverErrorValue {
  error?: string;
  message?: string;
  stacktrace?: string;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, milliseconds));
}

/** Sends one WebDriver command; resolves with `value` or throws the driver's error. */
async function sendCommand<Result>(driverUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, timeoutMilliseconds: number): Promise<Result> {
  const response = await fetch(driverUrl + path, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMilliseconds),
  });
  const text = await response.text();
  let parsed: { value?: unknown };
  try {
    parsed = JSON.parse(text) as { value?: unknown };
  } catch {
    throw new Error(`WebDriver ${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const error = (parsed.value ?? {}) as WebDriverErrorValue;
    throw new Error(`WebDriver ${method} ${path}: ${error.error ?? `HTTP ${response.status}`}: ${error.message ?? text.slice(0, 200)}`);
  }
  return parsed.value as Result;
}

/**
 * Starts a private `WPEWebDriver` on a free loopback port, opens one W3C session that runs
 * Debian's `cog` headless (capabilities from DESIGN.md), and sets generous script and page-load
 * timeouts. The driver runs in its own process group, killed whole on `close()` (and on Node's
 * exit), so no cog is left behind even when a test fails. One session per driver: WPEWebDriver
 * refuses a second ("Maximum number of active sessions"). Website data is ephemeral per session:
 * IndexedDB survives `reload()` but not a new session.
 *
 * @example
 * ```ts
 * const wpe = await startWpeWebDriver();
 * try {
 *   await wpe.navigate(`${server.origin}/pages/capabilities.html`);
 *   const kind = await wpe.executeAsync<string>('arguments[arguments.length - 1](typeof Worker)');
 * } finally {
 *   await wpe.close();
 * }
 * ```
 */
export async function startWpeWebDriver(options: WpeWebDriverOptions = {}): Promise<WpeSession> {
  const { cog, WPEWebDriver } = requireBrowser('wpe');
  const scriptTimeout = options.scriptTimeoutMilliseconds ?? 120_000;
  const pageLoadTimeout = options.pageLoadTimeoutMilliseconds ?? 60_000;
  const startTimeout = options.startTimeoutMilliseconds ?? 20_000;
  const started = performance.now();

  let lastError: unknown;
  // The port can be taken between findFreePort and the driver's bind: retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    // Its own process group, so one kill reaches cog and WebKit's helper processes too.
    const driver = spawnProcessGroup(WPEWebDriver!, [`--port=${port}`, '--host=127.0.0.1']);
    try {
      return await openSession(driver, `http://127.0.0.1:${port}`, cog!, { scriptTimeout, pageLoadTimeout, startTimeout, started, cogArguments: options.cogArguments ?? [] });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function openSession(
  driver: ProcessGroup,
  driverUrl: string,
  cogPath: string,
  settings: { scriptTimeout: number; pageLoadTimeout: number; startTimeout: number; started: number; cogArguments: readonly string[] },
): Promise<WpeSession> {
  const processGroupId = driver.processGroupId;

  let sessionId: string | undefined;
  let closed = false;

  async function deleteSession(): Promise<void> {
    const id = sessionId;
    sessionId = undefined;
    if (id === undefined || driver.exited) return;
    await sendCommand(driverUrl, 'DELETE', `/session/${id}`, undefined, 10_000).catch(() => {
      // The driver may already be dying; close() kills the group anyway.
    });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // Deleting the session first lets WPEWebDriver quit cog and reap it; killing the driver
    // first would orphan cog (re-parented, possibly never reaped).
    await deleteSession();
    await driver.stop();
  }

  function sessionPath(suffix: string): string {
    if (sessionId === undefined) throw new Error('WPE WebDriver session is closed');
    return `/session/${sessionId}${suffix}`;
  }

  try {
    // Wait for the driver to answer; fail early with its output if it died (e.g. port taken).
    const deadline = performance.now() + settings.startTimeout;
    for (;;) {
      if (driver.exited) throw new Error(`WPEWebDriver exited before answering /status:\n${driver.output()}`);
      const ready = await sendCommand<{ ready?: boolean }>(driverUrl, 'GET', '/status', undefined, 2_000).catch(() => undefined);
      if (ready?.ready) break;
      if (performance.now() > deadline) throw new Error(`WPEWebDriver did not answer /status within ${settings.startTimeout} ms:\n${driver.output()}`);
      await sleep(50);
    }
    const created = await sendCommand<{ sessionId: string }>(
      driverUrl,
      'POST',
      '/session',
      { capabilities: { alwaysMatch: { 'wpe:browserOptions': { binary: cogPath, args: ['--automation', '--platform=headless', ...settings.cogArguments] } } } },
      settings.startTimeout,
    );
    sessionId = created.sessionId;
    await sendCommand(driverUrl, 'POST', sessionPath('/timeouts'), { script: settings.scriptTimeout, pageLoad: settings.pageLoadTimeout }, 10_000);
  } catch (error) {
    await close();
    throw new Error(`Could not open a WPE WebDriver session: ${error instanceof Error ? error.message : String(error)}\n${driver.output()}`);
  }

  // HTTP timeouts a little above the driver's own, so the driver's clearer error wins.
  const scriptHttpTimeout = settings.scriptTimeout + 30_000;
  const pageLoadHttpTimeout = settings.pageLoadTimeout + 30_000;
  return {
    launchMilliseconds: performance.now() - settings.started,
    driverUrl,
    processGroupId,
    async navigate(url: string): Promise<void> {
      await sendCommand(driverUrl, 'POST', sessionPath('/url'), { url }, pageLoadHttpTimeout);
    },
    async reload(): Promise<void> {
      await sendCommand(driverUrl, 'POST', sessionPath('/refresh'), {}, pageLoadHttpTimeout);
    },
    async execute<Result>(script: string, args: readonly unknown[] = []): Promise<Result> {
      return sendCommand<Result>(driverUrl, 'POST', sessionPath('/execute/sync'), { script, args }, scriptHttpTimeout);
    },
    async executeAsync<Result>(script: string, args: readonly unknown[] = []): Promise<Result> {
      return sendCommand<Result>(driverUrl, 'POST', sessionPath('/execute/async'), { script, args }, scriptHttpTimeout);
    },
    async pressKeys(keys: readonly string[]): Promise<void> {
      const actions = keys.flatMap((value) => [
        { type: 'keyDown', value },
        { type: 'keyUp', value },
        { type: 'pause', duration: 50 },
      ]);
      await sendCommand(driverUrl, 'POST', sessionPath('/actions'), { actions: [{ type: 'key', id: 'remote', actions }] }, scriptHttpTimeout);
    },
    deleteSession,
    close,
  };
}
