import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The real engines the device SDK is tested in, newest first: Debian's Chromium (156 today),
 * Qt WebEngine 6.4 (Chromium 102), Qt WebEngine 5.15 (Chromium 87, no WebAssembly SIMD: the
 * webOS 22 / Tizen 6.5 generation) and WPE WebKit 2.38 (RDK set-top boxes).
 */
export type BrowserEngineName = 'chromium' | 'chromium102' | 'chromium87' | 'wpe';

/** Every {@link BrowserEngineName}, for `describe.each(browserEngines)`. */
export const browserEngines: readonly BrowserEngineName[] = Object.freeze(['chromium', 'chromium102', 'chromium87', 'wpe']);

/**
 * What each engine needs: executables searched on PATH, files at fixed paths (the Qt bindings
 * live in Debian's own Python, not in another `python3` that may come first on PATH), and the
 * Debian command that installs them.
 */
const requirements: Readonly<Record<BrowserEngineName, { executables: readonly string[]; files?: Readonly<Record<string, string>>; installCommand: string }>> = {
  chromium: { executables: ['chromium'], installCommand: 'apt-get install -y chromium' },
  chromium102: {
    executables: ['xvfb-run'],
    files: { python3: '/usr/bin/python3', PyQt6WebEngine: '/usr/lib/python3/dist-packages/PyQt6/QtWebEngineWidgets.abi3.so' },
    installCommand: 'apt-get install -y python3-pyqt6.qtwebengine xvfb xauth',
  },
  chromium87: {
    executables: ['xvfb-run'],
    files: { python3: '/usr/bin/python3', PyQt5WebEngine: '/usr/lib/python3/dist-packages/PyQt5/QtWebEngineWidgets.abi3.so' },
    installCommand: 'apt-get install -y python3-pyqt5.qtwebengine xvfb xauth',
  },
  wpe: { executables: ['cog', 'WPEWebDriver'], installCommand: 'apt-get install -y cog wpewebkit-driver' },
};

/**
 * The absolute path of `name` on `searchPath` (a PATH-style list), as `command -v` would print
 * it, or `undefined`.
 *
 * @example
 * ```ts
 * findExecutable('chromium'); // '/usr/bin/chromium'
 * ```
 */
export function findExecutable(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const directory of searchPath.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here (or not executable): keep looking, as the shell does.
    }
  }
  return undefined;
}

/**
 * Returns the executables `engine` needs (name → absolute path), or throws an Error that names
 * the exact install command. Call it in `beforeAll` so a machine without the browser FAILS the
 * suite instead of silently skipping the real-engine tests.
 *
 * @example
 * ```ts
 * beforeAll(() => { requireBrowser('wpe'); }); // Error: … run: apt-get install -y cog wpewebkit-driver
 * const { chromium } = requireBrowser('chromium');
 * ```
 */
export function requireBrowser(engine: BrowserEngineName, searchPath: string = process.env.PATH ?? ''): Record<string, string> {
  const { executables, files = {}, installCommand } = requirements[engine];
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of executables) {
    const path = findExecutable(name, searchPath);
    if (path) found[name] = path;
    else missing.push(name);
  }
  for (const [name, path] of Object.entries(files)) {
    if (existsSync(path)) found[name] = path;
    else missing.push(path);
  }
  if (missing.length > 0) {
    throw new Error(
      `The ${engine} browser tests need ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} missing (executables are looked up on PATH). ` +
        `Install with: ${installCommand}`,
    );
  }
  return found;
}
