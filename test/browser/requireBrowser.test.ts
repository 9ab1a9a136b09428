import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, requireBrowser } from '../../scripts/browser/requireBrowser';

describe('requireBrowser', () => {
  let root: string;
  let withChromium: string;
  let withCogOnly: string;
  let empty: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ondeck-path-'));
    withChromium = join(root, 'with-chromium');
    withCogOnly = join(root, 'with-cog');
    empty = join(root, 'empty');
    for (const directory of [withChromium, withCogOnly, empty]) await mkdir(directory);
    await writeFile(join(withChromium, 'chromium'), '#!/bin/sh\n');
    await chmod(join(withChromium, 'chromium'), 0o755);
    await writeFile(join(withCogOnly, 'cog'), '#!/bin/sh\n');
    await chmod(join(withCogOnly, 'cog'), 0o755);
    // Present but not executable: the shell would not run it, so neither do we.
    await writeFile(join(withCogOnly, 'WPEWebDriver'), 'not a program');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds an executable on the search path, in order, as command -v does', () => {
    expect(findExecutable('chromium', [empty, withChromium].join(delimiter))).toBe(join(withChromium, 'chromium'));
    expect(findExecutable('chromium', empty)).toBeUndefined();
    expect(findExecutable('WPEWebDriver', withCogOnly)).toBeUndefined();
  });

  it('returns the paths when the engine is installed', () => {
    expect(requireBrowser('chromium', withChromium)).toEqual({ chromium: join(withChromium, 'chromium') });
  });

  it('fails with the exact apt-get command when an engine is missing', () => {
    expect(() => requireBrowser('chromium', empty)).toThrow('Install with: apt-get install -y chromium');
    expect(() => requireBrowser('wpe', withCogOnly)).toThrow(/need WPEWebDriver, .*Install with: apt-get install -y cog wpewebkit-driver$/);
    expect(() => requireBrowser('wpe', empty)).toThrow('need cog and WPEWebDriver');
    // Qt WebEngine: xvfb-run on PATH (absent from an empty one), Debian's Python bindings by path.
    expect(() => requireBrowser('chromium87', empty)).toThrow(/need xvfb-run.*Install with: apt-get install -y python3-pyqt5\.qtwebengine xvfb xauth$/);
    expect(() => requireBrowser('chromium102', empty)).toThrow('Install with: apt-get install -y python3-pyqt6.qtwebengine xvfb xauth');
  });
});
