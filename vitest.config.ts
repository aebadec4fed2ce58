import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - `unit`: pure code, rule files, anything that needs no server (`test/**\/*.test.ts`).
 * - `integration`: real Temporal dev server + real database (`test/**\/*.int.test.ts`). Its global
 *   setup provisions the Temporal CLI, starts one dev server and bundles the workflow code once.
 * Temporal's SDK does not work inside worker threads, so every file runs in a forked process.
 *
 * Two files run at once (vitest's default is one fewer than the cores: one on a 2-core CI machine).
 * Most integration time is spent waiting on Temporal, the database and real timers, so a second
 * file overlaps that wait: on a fresh clone, `npm test` took 1,377 s with one and 864 s with two.
 * Ports for servers started side by side come from findFreePort (src/temporal/dev-server.ts), which
 * draws them below the ephemeral range so a parallel file cannot take them first.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'node_modules/**'],
          // The lint suites type-check the project in ESLint; beside an integration file that takes
          // 10 s on a quiet machine and over 45 s on a loaded one.
          testTimeout: 120_000,
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
