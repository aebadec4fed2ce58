/**
 * The scale-out benchmark (`npm run bench:scale`, the same as `npm run bench -- scale`): lead intake
 * through separate `leadflow api` and `leadflow worker` processes on PostgreSQL and one Temporal
 * dev server, with 1 API + 1 worker against 2 APIs + 2 workers, measured in the same run.
 *
 * Both topologies run side by side from the start, each on a database and a task queue of its own
 * (an idle topology only long-polls), and take their load in turns: each round drives one, then the
 * other, alternating which goes first, so a busy spell of the machine falls on both alike. A round
 * sends `--captures` MQL captures (the mid-market pool's reps, their caps lifted) at `--concurrency`
 * in flight, spread over the topology's APIs, and waits until every lead is stored and routed.
 *
 * Reported per round and over all rounds: intakes/s (captures over the time from the first request
 * until every lead of the round is stored and routed and every capture settled in the outbox; the
 * median of the rounds), the time to the HTTP answer and the time from capture to the journey
 * storing it (p50, p95), and the ratio 2×2 / 1×1 of each round's intakes/s and their median.
 *
 * Needs a PostgreSQL server: `--database=postgresql://…` (a server URL; the benchmark creates and
 * drops databases of its own), else TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDb, type Db } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { applyMigrations } from '../db/migrate';
import { createLogger } from '../logger';
import { findFreePort, startDevServer } from '../temporal/dev-server';
import { ensureTool, temporalCli } from '../temporal/provision';
import { bootstrapAdmin, ADMIN_TOKEN_FILE } from '../usecases/bootstrap-admin';
import { percentile } from './percentile';
import { startPostgresTemporal, TEMPORAL_SERVER_VERSION } from './temporal-postgres';

export interface ScaleBenchOptions {
  /** A PostgreSQL server URL the benchmark may create databases on. */
  serverUrl: string;
  rounds: number;
  captures: number;
  concurrency: number;
  /**
   * The Temporal server: the dev server leadflow embeds (SQLite), or the real server persisting to
   * PostgreSQL on the same database server (./temporal-postgres.ts).
   */
  temporal: 'dev-server' | 'postgresql';
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TENANT = 'bench';
/** The shipped routing.yaml's mid-market pool, where the benchmark's leads go. */
const MID_MARKET = ['george.mensah@example.com', 'hana.sato@example.com', 'ivan.petrov@example.com'];

/** A `leadflow api` or `leadflow worker` process and everything it printed. */
interface Launched {
  child: ChildProcess;
  output: () => string;
}

/** Every process the benchmark started, stopped if it is interrupted (Ctrl+C) before it cleans up. */
const launched = new Set<ChildProcess>();

function spawnLeadflow(command: 'api' | 'worker', env: NodeJS.ProcessEnv): Launched {
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'src/cli/bin.js'), command], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launched.add(child);
  child.once('exit', () => launched.delete(child));
  return { child, output: () => output };
}

async function waitFor(launched: Launched, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 1200; i++) {
    const match = launched.output().match(pattern);
    if (match) return match;
    if (launched.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`leadflow did not print ${pattern}; output:\n${launched.output()}`);
}

/** One topology: N APIs and M workers on a database and a task queue of their own. */
interface Topology {
  label: string;
  apiUrls: string[];
  token: string;
  db: Db;
  processes: Launched[];
  dirs: string[];
}

async function startTopology(
  label: string,
  counts: { apis: number; workers: number },
  database: { url: string },
  temporalAddress: string,
): Promise<Topology> {
  const db = createDb(resolveDatabaseTarget(database.url, os.tmpdir()));
  // Lift the pool's caps (a rep's own cap wins over the pool's), so every round routes the same way.
  for (const email of MID_MARKET)
    await db.rep.create({
      data: {
        id: `rep_${randomBytes(8).toString('hex')}`,
        tenant: TENANT,
        email,
        name: email,
        maxOpenLeads: 1_000_000,
      },
    });
  const tokenDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bench-scale-'));
  await bootstrapAdmin(db, { tenant: TENANT, dataDir: tokenDir, logger: createLogger('silent') });
  const env = (dataDir: string): NodeJS.ProcessEnv => ({
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-scale-${label}`,
    LEADFLOW_TENANT: TENANT,
    LEADFLOW_DATA_DIR: dataDir,
    LEADFLOW_LINK_SECRET: 'bench-scale-link-secret-0123456789abcdef',
    LEADFLOW_WEBHOOK_SECRET: 'bench-scale-webhook-secret-0123456789',
    LEADFLOW_INTAKE_WAIT: 'accepted',
    LEADFLOW_RATE_LIMIT: '0',
    LEADFLOW_INTAKE_RATE_LIMIT: '0',
    LEADFLOW_SMTP_PORT: '0',
    PORT: '0',
    LOG_LEVEL: 'info',
  });
  const dirs = [tokenDir];
  const launch = (command: 'api' | 'worker') => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `leadflow-bench-scale-${command}-`));
    dirs.push(dir);
    return spawnLeadflow(command, env(dir));
  };
  const workers = Array.from({ length: counts.workers }, () => launch('worker'));
  const apis = Array.from({ length: counts.apis }, () => launch('api'));
  const topology: Topology = {
    label,
    apiUrls: [],
    token: readFileSync(path.join(tokenDir, ADMIN_TOKEN_FILE), 'utf8').trim(),
    db,
    processes: [...workers, ...apis],
    dirs,
  };
  try {
    topology.apiUrls = await Promise.all(
      apis.map(async (api) => (await waitFor(api, /API\s+(http:\/\/\S+)\/api/))[1]!),
    );
    await Promise.all(workers.map((worker) => waitFor(worker, /"msg":"worker running"/)));
  } catch (error) {
    await stopTopology(topology);
    throw error;
  }
  return topology;
}

async function stopTopology(topology: Topology): Promise<void> {
  await Promise.all(
    topology.processes.map(async ({ child }) => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }),
  );
  await topology.db.$disconnect();
  for (const dir of topology.dirs) rmSync(dir, { recursive: true, force: true });
}

interface Round {
  intakesPerSecond: number;
  answerMs: number[];
  storedMs: number[];
  statuses: Record<number, number>;
  /** Leads of the round per mid-market rep, in MID_MARKET's order (round-robin: within one of each other). */
  turns: number[];
}

/** Sends one round of captures to `topology` and waits until every lead is stored and routed, and every capture settled. */
async function driveRound(topology: Topology, round: string, options: ScaleBenchOptions): Promise<Round> {
  // Journey ids derive from tenant and email, and both topologies share the Temporal server: an
  // address used by the other topology would join that topology's journey, so each has its own.
  const prefix = `${topology.label}-${round}`;
  const answerMs: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const startedAt = new Date();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.captures) {
        const i = next++;
        const t0 = performance.now();
        const status = await fetch(`${topology.apiUrls[i % topology.apiUrls.length]}/api/leads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${topology.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            email: `${prefix}-${i}@bench.example`,
            firstName: 'Bench',
            company: 'Bench Co',
            title: 'CTO',
            country: 'US',
            source: 'customer-referral',
            attributes: { employees: 450, industry: 'software' },
          }),
        }).then(
          (response) => response.status,
          () => 0,
        );
        answerMs.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const ofRound = { tenant: TENANT, email: { startsWith: `${prefix}-` } };
  // The topology's database takes no other captures meanwhile: the round's are those made since it began.
  const ofSubmissions = { tenant: TENANT, createdAt: { gte: startedAt } };
  const deadline = Date.now() + 300_000;
  for (;;) {
    const waiting = await topology.db.lead.count({ where: { ...ofRound, ownerId: null, queue: null } });
    const stored = await topology.db.lead.count({ where: ofRound });
    const unsettled = await topology.db.intakeSubmission.count({ where: { ...ofSubmissions, state: 'pending' } });
    if (stored >= (statuses[202] ?? 0) && waiting === 0 && unsettled === 0) break;
    if (Date.now() > deadline)
      throw new Error(
        `${prefix}: after 5 minutes ${stored} of ${statuses[202] ?? 0} leads are stored and ${waiting} not routed`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  // Lost or doubled: every acknowledged capture is one lead (a unique address each), no more.
  const leads = await topology.db.lead.findMany({ where: ofRound, select: { email: true, ownerId: true } });
  if (new Set(leads.map((lead) => lead.email)).size !== leads.length || leads.length !== (statuses[202] ?? 0))
    throw new Error(`${prefix}: ${leads.length} leads for ${statuses[202] ?? 0} acknowledged captures`);
  const turns = MID_MARKET.map((rep) => leads.filter((lead) => lead.ownerId === rep).length);
  const settled = await topology.db.intakeSubmission.findMany({
    where: ofSubmissions,
    select: { createdAt: true, settledAt: true },
  });
  return {
    intakesPerSecond: options.captures / seconds,
    answerMs,
    storedMs: settled.flatMap((row) => (row.settledAt ? [row.settledAt.getTime() - row.createdAt.getTime()] : [])),
    statuses,
    turns,
  };
}

const ms = (values: number[], p: number) => `${percentile(values, p).toFixed(0)} ms`;

export async function benchScale(options: ScaleBenchOptions): Promise<number> {
  const logger = createLogger('warn');
  let stopServer = () => Promise.resolve();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      for (const child of launched) child.kill('SIGTERM');
      void stopServer().finally(() => process.exit(130));
    });
  const server =
    options.temporal === 'postgresql'
      ? await startPostgresTemporal({
          serverUrl: options.serverUrl,
          log: (message) => process.stderr.write(`${message}\n`),
        })
      : await startDevServer({
          binary: await ensureTool(temporalCli),
          port: await findFreePort(),
          uiPort: null,
          namespace: 'default',
          logger,
        });
  stopServer = () => server.stop();
  const name = `leadflow_bench_scale_${randomBytes(4).toString('hex')}`;
  const databaseUrl = (suffix: string) => {
    const url = new URL(options.serverUrl);
    url.pathname = `/${name}_${suffix}`;
    return url.toString();
  };
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: options.serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const topologies: Topology[] = [];
  try {
    // One migrated database, cloned for the second topology (prisma migrate takes ~11 s on PostgreSQL).
    await admin(`CREATE DATABASE ${name}_one`);
    await applyMigrations(resolveDatabaseTarget(databaseUrl('one'), os.tmpdir()));
    await admin(`CREATE DATABASE ${name}_two TEMPLATE ${name}_one`);
    const one = await startTopology('1x1', { apis: 1, workers: 1 }, { url: databaseUrl('one') }, server.address);
    topologies.push(one);
    const two = await startTopology('2x2', { apis: 2, workers: 2 }, { url: databaseUrl('two') }, server.address);
    topologies.push(two);

    // A warm-up round each: the first journeys load the workflow bundle, the first requests the rules.
    await driveRound(one, 'warm', { ...options, captures: 2 * options.concurrency });
    await driveRound(two, 'warm', { ...options, captures: 2 * options.concurrency });

    const results: Record<string, Round[]> = { '1x1': [], '2x2': [] };
    const header = [
      'round',
      'topology',
      'intakes/s',
      'answer p50',
      'answer p95',
      'capture to stored p50',
      'stored p95',
      'statuses',
      'leads per rep',
    ];
    const rows: string[][] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 === 1 ? [one, two] : [two, one];
      for (const topology of order) {
        const result = await driveRound(topology, `r${round}`, options);
        results[topology.label]!.push(result);
        console.error(`round ${round}, ${topology.label}: ${result.intakesPerSecond.toFixed(1)} intakes/s`);
        rows.push([
          String(round),
          topology.label,
          result.intakesPerSecond.toFixed(1),
          ms(result.answerMs, 0.5),
          ms(result.answerMs, 0.95),
          ms(result.storedMs, 0.5),
          ms(result.storedMs, 0.95),
          Object.entries(result.statuses)
            .map(([status, n]) => `${status}×${n}`)
            .join(' '),
          result.turns.join('/'),
        ]);
      }
    }
    const ratios = results['2x2']!.map((two, i) => two.intakesPerSecond / results['1x1']![i]!.intakesPerSecond);
    const all = (label: string, pick: (round: Round) => number[]) => results[label]!.flatMap(pick);
    for (const label of ['1x1', '2x2'])
      rows.push([
        'all',
        label,
        `${percentile(
          results[label]!.map((r) => r.intakesPerSecond),
          0.5,
        ).toFixed(1)} (median)`,
        ms(
          all(label, (r) => r.answerMs),
          0.5,
        ),
        ms(
          all(label, (r) => r.answerMs),
          0.95,
        ),
        ms(
          all(label, (r) => r.storedMs),
          0.5,
        ),
        ms(
          all(label, (r) => r.storedMs),
          0.95,
        ),
        '',
        '',
      ]);
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
    console.log(
      `\nleadflow scale-out benchmark (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end; ` +
        `PostgreSQL, ${options.temporal === 'postgresql' ? `one Temporal server ${TEMPORAL_SERVER_VERSION} persisting to PostgreSQL` : 'one Temporal dev server'}; ${options.captures} MQL captures a round at concurrency ${options.concurrency}, ` +
        `${options.rounds} interleaved rounds; intakes/s: until every lead is stored and routed and every capture settled)\n`,
    );
    console.log([header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n'));
    console.log(
      `\n2x2 / 1x1 intakes/s: ${percentile(ratios, 0.5).toFixed(2)} (median; rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    );
    return 0;
  } finally {
    for (const topology of topologies) await stopTopology(topology);
    await server.stop();
    for (const suffix of ['two', 'one']) await admin(`DROP DATABASE IF EXISTS ${name}_${suffix} WITH (FORCE)`);
  }
}
