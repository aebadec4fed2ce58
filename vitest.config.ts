import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - `unit`: pure code, rule files, anything that needs no server (`test/**\/*.test.ts`).
 * - `integration`: real Temporal dev server + real database (`test/**\/*.int.test.ts`). Its global
 *   setup provisions the Temporal CLI, starts one dev server and bundles the workflow code once.
 * Temporal's SDK does not work inside worker threads, so every file runs in a forked process.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
