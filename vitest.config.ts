import { configDefaults, defineConfig } from 'vitest/config';

/** Real-engine suites (test/browser/*.browser.test.ts): each launches Chromium, Qt WebEngine or WPE. */
const browserSuites = 'test/browser/**/*.browser.test.ts';

export default defineConfig({
  test: {
    // The CLI and thread-pool tests run the built bundles in dist/, as a user would.
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, browserSuites],
          typecheck: { enabled: true, include: ['test/types/**/*.test.ts'] },
          // Two cores on the reference machine: keep file-level parallelism modest so heavy
          // numeric tests do not starve each other.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [browserSuites],
          // One real-engine suite at a time, after the Node suites: two engines of one family
          // started by two suites at once made a reload or navigation hang under load (WPE's
          // "page crash or hang", a Qt 5 navigation that never loaded), and their timings
          // mean more on an otherwise idle machine.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
