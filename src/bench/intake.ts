/**
 * The intake benchmark (`npm run bench -- intake --concurrency=1,10,50`): a real `leadflow start` on
 * a fresh data folder (embedded dev server with SQLite), driven through HTTP with unique emails at
 * each concurrency. For each level, in one run on the same server:
 *
 * - `plain start`: the baseline, plain Temporal workflow starts (a workflow type no worker runs);
 * - `ack (default)`: `POST /api/leads`, answered once the capture is in the outbox; then how long
 *   until every one of those journeys has stored its lead (the outbox drained);
 * - `wait=stored`: `POST /api/leads?wait=stored`, answered once the journey stored the lead (the
 *   synchronous answer every capture gave before the outbox).
 *
 * `--against=<checkout>` runs the same requests against another checkout's `leadflow start`
 * (for a before/after comparison; its default answer is whatever that version does).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { percentile } from './percentile';
import { freePort, waitHealthy } from './workspace';

export interface IntakeBenchOptions {
  concurrency: number[];
  /** Requests per level: at least this many, and at least 5 per concurrent client. */
  requests: number;
  /** Another checkout to measure instead of this one (its `src/cli/bin.js`). */
  against?: string;
}

interface Level {
  count: number;
  seconds: number;
  latencies: number[];
  statuses: Record<number, number>;
}

/** Runs `count` calls of `call(i)` with `concurrency` in flight; latency of each, in ms. */
export async function drive(count: number, concurrency: number, call: (i: number) => Promise<number>): Promise<Level> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const status = await call(i).catch(() => 0);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return { count, seconds: (performance.now() - started) / 1000, latencies, statuses };
}

function row(label: string, concurrency: number, level: Level, extra = ''): string[] {
  return [
    label,
    String(concurrency),
    String(level.count),
    `${(level.count / level.seconds).toFixed(1)}/s`,
    `${percentile(level.latencies, 0.5).toFixed(0)} ms`,
    `${percentile(level.latencies, 0.95).toFixed(0)} ms`,
    `${percentile(level.latencies, 0.99).toFixed(0)} ms`,
    Object.entries(level.statuses)
      .map(([status, n]) => `${status}×${n}`)
      .join(' '),
    extra,
  ];
}

/** A real `leadflow start` on a fresh data folder, for the benchmarks that drive its HTTP API. */
export interface LaunchedLeadflow {
  url: string;
  /** The bootstrap admin (revops) token. */
  token: string;
  dir: string;
  temporalPort: number;
  stop(): Promise<void>;
}

/** How to launch: another entry than `src/cli/bin.js start` (node arguments), and extra environment. */
export interface LaunchOptions {
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function launchLeadflow(root: string, options: LaunchOptions = {}): Promise<LaunchedLeadflow> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bench-intake-'));
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LEADFLOW_DATA_DIR: dir,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    LEADFLOW_SMTP_PORT: '0',
    LEADFLOW_RATE_LIMIT: '0',
    LEADFLOW_INTAKE_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  delete env.LEADFLOW_INTAKE_WAIT;
  const child = spawn(process.execPath, options.nodeArgs ?? [path.join(root, 'src/cli/bin.js'), 'start'], {
    env,
    stdio: 'ignore',
    cwd: root,
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, child);
    const token = readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
    return { url, token, dir, temporalPort, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function benchIntake(options: IntakeBenchOptions): Promise<number> {
  const root = options.against ? path.resolve(options.against) : path.resolve(import.meta.dirname, '..', '..');
  const leadflow = await launchLeadflow(root);
  const { url, token } = leadflow;
  let connection: Connection | undefined;
  const db = createDb(resolveDatabaseTarget(undefined, leadflow.dir));
  try {
    connection = await Connection.connect({ address: `127.0.0.1:${leadflow.temporalPort}` });
    const temporal = new Client({ connection, namespace: 'default' });
    const capture = async (email: string, query: string) =>
      (
        await fetch(`${url}/api/leads${query}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email, firstName: 'Bench', company: 'Bench Co', source: 'events' }),
        })
      ).status;
    const outboxPending = async () => db.intakeSubmission.count({ where: { state: 'pending' } }).catch(() => 0);
    // A warm-up: the first journey loads the workflow bundle, the first request the rules.
    await drive(5, 1, (i) => capture(`warm${i}@bench.example`, '?wait=stored'));

    const header = ['path', 'concurrency', 'requests', 'answers/s', 'p50', 'p95', 'p99', 'statuses', 'journeys'];
    const rows: string[][] = [];
    let run = 0;
    for (const concurrency of options.concurrency) {
      const count = Math.max(options.requests, 5 * concurrency);
      run++;
      const plain = await drive(count, concurrency, async (i) => {
        await temporal.workflow.start('benchPlainStart', {
          taskQueue: 'bench-plain-starts',
          workflowId: `bench-plain-${run}-${i}`,
        });
        return 200;
      });
      rows.push(row('plain workflow start', concurrency, plain));

      const ackStarted = performance.now();
      const ack = await drive(count, concurrency, (i) => capture(`ack${run}-${i}@bench.example`, ''));
      while ((await outboxPending()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const drained = (performance.now() - ackStarted) / 1000;
      rows.push(
        row(
          'POST /api/leads (default)',
          concurrency,
          ack,
          `all stored after ${drained.toFixed(1)} s: ${(count / drained).toFixed(1)}/s = ${((count / drained / (plain.count / plain.seconds)) * 100).toFixed(0)}% of plain starts`,
        ),
      );

      const stored = await drive(count, concurrency, (i) => capture(`stored${run}-${i}@bench.example`, '?wait=stored'));
      rows.push(row('POST /api/leads?wait=stored', concurrency, stored));
    }
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
    console.log(
      `\nleadflow intake benchmark (${options.against ? `checkout ${root}` : 'this checkout'}; leadflow start, embedded dev server on SQLite, unique emails; latency = time to the HTTP answer)\n`,
    );
    console.log([header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n'));
    return 0;
  } finally {
    await connection?.close();
    await db.$disconnect();
    await leadflow.stop();
  }
}
