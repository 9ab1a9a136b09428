import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test.ts'] },
    // The CLI and thread-pool tests run the built bundles in dist/, as a user would.
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on the reference machine: keep file-level parallelism modest so heavy
    // numeric tests do not starve each other.
    maxWorkers: 2,
  },
});
