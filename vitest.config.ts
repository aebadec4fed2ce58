import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 * - `unit`: pure code, rule files, anything that needs no server (`test/**\/*.test.ts`), the
 *   files of one worker in one process;
 * - `unit-isolated`: the unit files about process-wide state (PROCESS_STATE), a process each;
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

/**
 * Unit files about process-wide state, each run in a fresh process: the ESLint suites
 * (typescript-eslint keeps the type-checked program of the process), the metrics suites (the
 * counters live in leadflow's module-level registry, src/metrics/instruments.ts) and the
 * workspace wording suite (it gives the browser globals the workspace's modules read plain values).
 */
const PROCESS_STATE = ['test/lint/**/*.test.ts', 'test/metrics/**/*.test.ts', 'test/web/reason-words.test.ts'];

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
          exclude: ['test/**/*.int.test.ts', ...PROCESS_STATE, 'node_modules/**'],
          // Files share their worker's modules: pure code needs no fresh process per file, and
          // loading the modules once per worker halves the project's time (118 s → 61 s on 2 cores).
          isolate: false,
          // The rule and CLI suites take 15 s on a quiet machine, longer beside integration files.
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'unit-isolated',
          include: PROCESS_STATE,
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
