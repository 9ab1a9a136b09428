import type { BrowserSession } from './launchBrowserSession';

/** Options of {@link runPageScenario} and {@link callPageScenario}. */
export interface PageScenarioOptions {
  /**
   * How long the page may take to set `window.scenarioReady`.
   * @defaultValue 30000
   */
  readyTimeoutMilliseconds?: number;
  /**
   * Uncaught errors and unhandled rejections that `scenarioHarness.js` records fail the
   * scenario unless this is `true` (for scenarios that provoke them on purpose).
   * @defaultValue false
   */
  allowPageErrors?: boolean;
}

/** What the ready-wait reports from the page. */
interface ReadyState {
  ready: boolean;
  errors: string[];
  harnessLoaded: boolean;
}

/**
 * ES2017 source run in the page: polls until `window.scenarioReady` (or until the page has
 * recorded an error, or the timeout), in the page itself so one round trip does the whole wait.
 */
const waitForReadySource = `function (timeoutMilliseconds) {
  return new Promise(function (resolve) {
    var start = Date.now();
    function check() {
      var errors = window.scenarioErrors || [];
      var ready = window.scenarioReady === true && typeof window.runScenario === 'function';
      if (ready || errors.length > 0 || Date.now() - start > timeoutMilliseconds) {
        resolve({ ready: ready, errors: errors.slice(), harnessLoaded: Array.isArray(window.scenarioErrors) });
      } else {
        setTimeout(check, 20);
      }
    }
    check();
  });
}`;

/** ES2017 source run in the page: calls the scenario and reports errors recorded meanwhile. */
const callScenarioSource = `function (args) {
  var errorsBefore = (window.scenarioErrors || []).length;
  return Promise.resolve(window.runScenario(args)).then(function (result) {
    return { result: result === undefined ? null : result, newErrors: (window.scenarioErrors || []).slice(errorsBefore) };
  });
}`;

/**
 * Waits for the current page's scenario to be ready, calls `window.runScenario(args)` and
 * resolves with its result. Use it after {@link BrowserSession.reload} to run a second step on
 * the same page; {@link runPageScenario} navigates first.
 *
 * @example
 * ```ts
 * await runPageScenario(session, pageUrl, { step: 'write', value: 42 });
 * await session.reload();
 * expect(await callPageScenario(session, { step: 'read' })).toBe(42);
 * ```
 */
export async function callPageScenario<Result>(session: BrowserSession, args?: unknown, options: PageScenarioOptions = {}): Promise<Result> {
  const timeout = options.readyTimeoutMilliseconds ?? 30_000;
  const state = await session.call<ReadyState>(waitForReadySource, timeout);
  if (state.errors.length > 0 && !options.allowPageErrors) {
    throw new Error(`[${session.engine}] the page reported errors before the scenario was ready:\n${state.errors.join('\n')}`);
  }
  if (!state.ready) {
    throw new Error(
      `[${session.engine}] window.scenarioReady was not set within ${timeout} ms` +
        (state.harnessLoaded ? '' : ' (and scenarioHarness.js did not load: does the page include it first?)'),
    );
  }
  const outcome = await session.call<{ result: Result; newErrors: string[] }>(callScenarioSource, args);
  if (outcome.newErrors.length > 0 && !options.allowPageErrors) {
    throw new Error(`[${session.engine}] the page reported uncaught errors while the scenario ran:\n${outcome.newErrors.join('\n')}`);
  }
  return outcome.result;
}

/**
 * Runs a page scenario, the same way in every engine. The convention: the page
 * `test/browser/pages/NAME.html` first includes `scenarioHarness.js` (which records uncaught
 * errors), then a plain ES2017 script that defines `window.runScenario = async (args) => result`
 * (JSON-serialisable) and sets `window.scenarioReady = true`. This navigates to `pageUrl`, waits
 * for ready, calls the scenario and returns its result; an error in the page fails with the
 * page's message.
 *
 * @example
 * ```ts
 * const capabilities = await runPageScenario<Capabilities>(session, `${server.origin}/pages/capabilities.html`);
 * expect(capabilities.worker).toBe('function');
 * ```
 */
export async function runPageScenario<Result>(session: BrowserSession, pageUrl: string, args?: unknown, options: PageScenarioOptions = {}): Promise<Result> {
  await session.goto(pageUrl);
  return callPageScenario<Result>(session, args, options);
}
