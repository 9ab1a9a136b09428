import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The real engines the device SDK is tested in. */
export type BrowserEngineName = 'chromium' | 'wpe';

/** Executables each engine needs, and the Debian command that installs them. */
const requirements: Readonly<Record<BrowserEngineName, { executables: readonly string[]; installCommand: string }>> = {
  chromium: { executables: ['chromium'], installCommand: 'apt-get install -y chromium' },
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
  const { executables, installCommand } = requirements[engine];
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of executables) {
    const path = findExecutable(name, searchPath);
    if (path) found[name] = path;
    else missing.push(name);
  }
  if (missing.length > 0) {
    throw new Error(
      `The ${engine} browser tests need ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not on PATH. ` +
        `Install with: ${installCommand}`,
    );
  }
  return found;
}
