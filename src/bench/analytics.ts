/**
 * The analytics benchmark (`npm run bench -- analytics --leads=100000`): on a generated year of
 * history (./analytics-data.ts), the p50 and p95 of each report as the API computes it (volume,
 * funnel, speed, deals, pipeline, win-loss, channels, deal-desk, retention, activity and rule-attribution from SQL, with the API's default idLimit,
 * whole and broken down), against a naive baseline
 * measured in the same run: read every row of the tenant through Prisma's object mapping
 * (./naive-facts.ts) and compute the same report in JS. Both must give identical reports.
 *
 * The two are interleaved in rounds: each round reads the baseline's rows once (they are the same
 * for every report), then runs each report's fast path and the baseline's computation of it; a
 * report's baseline time in a round is that read plus its computation. The speed-up is the median
 * of the rounds' ratios, with their spread.
 *
 * The first `warmup` rounds (one by default, `--warmup=N`) run the same way and are not counted: a
 * report's first read in a new process opens the pool's connections and compiles its JS, and the
 * database's caches may be cold. With nine rounds the p95 is the slowest of them, so without the
 * warm-up it was that first read: at 1M leads on PostgreSQL 1.6 s for speed, against 0.53–0.71 s for
 * the eight after it. The first read's time is still reported, as its own column.
 *
 * The database is a fresh SQLite file unless `--database=URL` names one (`file:…` or
 * `postgresql://…`): it is migrated, filled when the bench tenant is empty and reused when it holds
 * exactly the requested number of leads, so a large PostgreSQL run is generated once.
 * `--baseline=skip` measures the reports alone (no speed-up, no comparison), for sizes whose naive
 * read does not fit in memory or time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, type Db } from '../db/client';
import { resolveDatabaseTarget, type DatabaseTarget } from '../db/database-target';
import { applyMigrations } from '../db/migrate';
import type { WorkingCalendar } from '../domain/business-time';
import type { AnalyticsFacts, Dimension } from '../domain/analytics/facts';
import { periodOf } from '../domain/analytics/filters';
import { loadFacts } from '../usecases/analytics/load-facts';
import { DEFAULT_OPTIONS, type ReportName } from '../usecases/analytics/reports';
import { capIds } from '../usecases/analytics/report-ids';
import { reportFrom, reportInputs, runReport, type ReportRequest } from '../usecases/analytics/run-report';
import type { Actor } from '../auth/actor';
import { sightOf, type Sight } from '../usecases/visibility';
import { BENCH_AS_OF, BENCH_TENANT, DEAL_SHARE, writeBenchHistory } from './analytics-data';
import { loadEveryRow } from './naive-facts';
import { percentile } from './percentile';

export interface AnalyticsBenchOptions {
  leads: number;
  runs: number;
  /** Rounds run first and not counted (the first read's time is reported apart); 1 when not given. */
  warmup?: number;
  reports: readonly ReportName[];
  /** A database URL to use (and keep); a fresh temporary SQLite file without it. */
  database?: string;
  /**
   * False skips the naive baseline (`--baseline=skip`): at 1M leads it would hold every row of the
   * tenant in memory and take far longer than the reports. No speed-up is measured and the reports
   * are then not compared with it; the result says so.
   */
  baseline: boolean;
  /** Every report broken down by this dimension (`--breakdown=rep`); whole reports without it. */
  breakdown?: Dimension;
  /**
   * `closed` (the default): October 2025 against September, read at the end of January 2026.
   * `running` (`--period=running`): December 2025 against November, read on 17 December, as the
   * dashboard's default preset (this month) reads a month still under way.
   */
  period?: BenchPeriod;
  /**
   * Who reads: revops (the default: the whole tenant), or `manager` (`--as=manager`):
   * manager1@bench.example, whose team's five reps own a quarter of the leads, so every statement
   * also selects by owner and past assignments.
   */
  as?: BenchReader;
}

export type BenchReader = 'revops' | 'manager';
export const BENCH_READERS: readonly BenchReader[] = ['revops', 'manager'];

export type BenchPeriod = 'closed' | 'running';
export const BENCH_PERIODS: readonly BenchPeriod[] = ['closed', 'running'];
const CALENDAR: WorkingCalendar = {
  timezone: 'America/New_York',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  holidays: [],
};
const SIGHT: Sight = {
  tenant: BENCH_TENANT,
  all: true,
  admin: true,
  owners: [],
  queues: [],
  me: 'bench@bench.example',
};
/** A manager of the generated history: the bench's roster makes manager1 the manager of rep1, rep5, rep9, rep13 and rep17. */
const MANAGER: Actor = {
  tenant: BENCH_TENANT,
  email: 'manager1@bench.example',
  name: 'manager1',
  role: 'manager',
  scopes: ['read'],
  kind: 'person',
  tokenId: 'bench',
};

/** October 2025 (and September before it), read at the end of January 2026. */
const CLOSED: ReportRequest = {
  sight: SIGHT,
  filters: { from: '2025-10-01', to: '2025-10-31', zone: 'America/New_York' },
  options: DEFAULT_OPTIONS,
  asOf: BENCH_AS_OF,
  defaultZone: 'UTC',
  calendar: CALENDAR,
  // The shipped forecast.yaml's.
  probabilities: { 'needs-analysis': 1000, presentation: 2500, proposal: 5000, negotiation: 7500 },
};

/** December 2025 (and November before it), read on Wednesday 17 December at 15:00 in New York: a running month. */
const RUNNING: ReportRequest = {
  ...CLOSED,
  filters: { from: '2025-12-01', to: '2025-12-31', zone: 'America/New_York' },
  asOf: new Date('2025-12-17T20:00:00Z'),
};

/** What the benchmark's header says it read. */
export const BENCH_PERIOD_LABEL: Record<BenchPeriod, string> = {
  closed: 'October 2025 against September, read 2026-01-31',
  running: 'December 2025 against November, read 2025-12-17 15:00 New York (a running month)',
};

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

interface Measured {
  report: ReportName;
  /** The report's first read in this process, warm-up or not. */
  first: number | null;
  api: number[];
  baseline: number[];
  ratios: number[];
  identical: boolean;
}

export interface AnalyticsBenchResult {
  rows: string[][];
  /** Every report identical to the baseline's; true when the baseline was skipped (`compared` false). */
  identical: boolean;
  compared: boolean;
  setup: string;
  provider: DatabaseTarget['provider'];
  /** The slowest report's p95, ms. */
  worstP95: number;
}

/** The drill-down ids each figure carries inline, the API's default `idLimit`. */
const ID_LIMIT = 100;

/** One report the API's way, timed: from SQL (runReport: every report, whole and broken down) with the API's default idLimit. */
async function fastPath(db: Db, report: ReportName, request: ReportRequest) {
  const served = await timed(() => runReport(db, report, { ...request, idLimit: ID_LIMIT }));
  return { total: served.ms, value: capIds(served.value, ID_LIMIT) };
}

/** The baseline's computation of one report on every row's facts, timed. */
async function baselineCompute(db: Db, report: ReportName, facts: AnalyticsFacts, request: ReportRequest) {
  return timed(async () => reportFrom(facts, report, request, await reportInputs(db, report, request, facts)));
}

async function measure(
  db: Db,
  reports: readonly ReportName[],
  { runs, warmup }: { runs: number; warmup: number },
  request: ReportRequest,
  baseline: boolean,
): Promise<Measured[]> {
  const period = periodOf(request.filters, request.defaultZone);
  const results = reports.map((report): Measured => ({
    report,
    first: null,
    api: [],
    baseline: [],
    ratios: [],
    identical: true,
  }));
  // Rounds below 0 warm up: run as the others, and not counted.
  for (let round = -warmup; round < runs; round++) {
    const counted = round >= 0;
    if (!baseline) {
      for (const result of results) {
        const api = (await fastPath(db, result.report, request)).total;
        result.first ??= api;
        if (counted) result.api.push(api);
      }
      continue;
    }
    const everything = await timed(() =>
      loadFacts(db, { sight: request.sight, period, asOf: request.asOf }, loadEveryRow),
    );
    for (const result of results) {
      // Alternate which goes first, so neither always finds the caches the other warmed.
      const fastFirst = (round + warmup) % 2 === 0;
      const first = fastFirst ? await fastPath(db, result.report, request) : null;
      const naive = await baselineCompute(db, result.report, everything.value, request);
      const api = first ?? (await fastPath(db, result.report, request));
      const baselineMs = everything.ms + naive.ms;
      result.first ??= api.total;
      // A report from SQL carries the first ID_LIMIT ids, as the API answers it.
      if (JSON.stringify(capIds(naive.value, ID_LIMIT)) !== JSON.stringify(api.value)) result.identical = false;
      if (!counted) continue;
      result.api.push(api.total);
      result.baseline.push(baselineMs);
      result.ratios.push(baselineMs / api.total);
    }
  }
  return results;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** A migrated database with the generated history of `leads` leads, and how it came to be. */
async function benchDatabase(options: AnalyticsBenchOptions, dir: string) {
  const target = resolveDatabaseTarget(options.database ?? `file:${path.join(dir, 'bench.db')}`, dir);
  const { applied } = await applyMigrations(target);
  const db = createDb(target);
  const present = await db.lead.count({ where: { tenant: BENCH_TENANT } });
  if (present === options.leads) {
    // Reuse checks the leads alone: the deals tell a history generated before the generator took
    // the shape (10% of leads; 21% until 2026-12-05), whose deal reports cost about twice.
    const deals = await db.deal.count({ where: { tenant: BENCH_TENANT } });
    // 0.3: the generator's share of leads that become SQLs; 20% over it leaves room for chance.
    const expected = present * 0.3 * DEAL_SHARE;
    // And a history generated before 2026-12-07 has no demos (generateDemo): its activity report counts fewer meetings.
    const demos = await db.meeting.count({ where: { deal: { tenant: BENCH_TENANT } } });
    const older = deals > expected * 1.2 || (deals > 0 && demos === 0);
    const shape = older ? ', an older shape: give an empty database for the current one' : '';
    let setup = `reused ${present} generated leads and ${deals} deals${shape}`;
    if (applied.length > 0 && target.provider === 'postgresql') {
      // A migration may have written a table (LeadFunnel's backfill): vacuumed as below.
      const vacuumed = await timed(() => db.$executeRawUnsafe('VACUUM ANALYZE'));
      setup += ` (migrated: ${applied.join(', ')}, VACUUM ANALYZE in ${(vacuumed.ms / 1000).toFixed(1)} s)`;
    }
    return { target, db, setup };
  }
  if (present !== 0)
    throw new Error(
      `--database holds ${present} leads of the tenant "${BENCH_TENANT}", not ${options.leads}: give --leads=${present} or an empty database`,
    );
  const generated = await timed(() => writeBenchHistory(db, options.leads));
  const counts = Object.entries(generated.value)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  let setup = `${counts} written in ${(generated.ms / 1000).toFixed(1)} s`;
  if (target.provider === 'postgresql') {
    // As autovacuum would in time: statistics for the planner, and the visibility map that lets
    // index-only scans skip the table. At 1M leads, the volume report took 17–18 s right after the
    // generation and 7–9 s after this (docs/analytics.md, "PostgreSQL, 1 000 000 leads").
    const vacuumed = await timed(() => db.$executeRawUnsafe('VACUUM ANALYZE'));
    setup += `, VACUUM ANALYZE in ${(vacuumed.ms / 1000).toFixed(1)} s`;
  }
  return { target, db, setup };
}

/** Generates (or reuses) the history, measures every report and returns the table rows. */
export async function benchAnalytics(options: AnalyticsBenchOptions): Promise<AnalyticsBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bench-'));
  try {
    const { target, db, setup } = await benchDatabase(options, dir);
    const whole = options.period === 'running' ? RUNNING : CLOSED;
    const sight = options.as === 'manager' ? await sightOf(db, MANAGER, () => ({})) : SIGHT;
    const request = { ...whole, sight, filters: { ...whole.filters, breakdown: options.breakdown } };
    const measured = await measure(
      db,
      options.reports,
      { runs: options.runs, warmup: options.warmup ?? 1 },
      request,
      options.baseline,
    );
    await db.$disconnect();
    const rows = measured.map((m) => [
      m.report,
      ms(percentile(m.api, 0.5)),
      ms(percentile(m.api, 0.95)),
      m.first === null ? '' : ms(m.first),
      ...(options.baseline
        ? [
            ms(percentile(m.baseline, 0.5)),
            ms(percentile(m.baseline, 0.95)),
            `${percentile(m.ratios, 0.5).toFixed(1)}× (${Math.min(...m.ratios).toFixed(1)}–${Math.max(...m.ratios).toFixed(1)})`,
            m.identical ? 'identical' : 'DIFFER',
          ]
        : ['skipped', 'skipped', 'not measured', 'not compared']),
    ]);
    return {
      rows,
      identical: measured.every((m) => m.identical),
      compared: options.baseline,
      setup,
      provider: target.provider,
      worstP95: Math.max(...measured.map((m) => percentile(m.api, 0.95))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
