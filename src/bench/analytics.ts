/**
 * The analytics benchmark (`npm run bench`, or `npm run bench -- analytics --leads=100000`): on a
 * generated year of history (./analytics-data.ts) in a fresh SQLite database, the p50 and p95 of
 * each report as the API computes it (loadFacts for the period and the one before, then the
 * report's metrics for both) against a naive baseline measured in the same run: load every row of
 * the tenant and compute the same report in JS. Both must give identical reports (a differential
 * check of the loader's window); the time of the API path is split into loading and computing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { applyMigrations } from '../db/migrate';
import type { WorkingCalendar } from '../domain/business-time';
import { periodOf } from '../domain/analytics/filters';
import { reportPeriod } from '../domain/analytics/period';
import { loadFacts } from '../usecases/analytics/load-facts';
import { DEFAULT_OPTIONS, type ReportName } from '../usecases/analytics/reports';
import { reportFrom, reportInputs, type ReportRequest } from '../usecases/analytics/run-report';
import type { Sight } from '../usecases/visibility';
import { BENCH_AS_OF, BENCH_TENANT, writeBenchHistory } from './analytics-data';

export interface AnalyticsBenchOptions {
  leads: number;
  runs: number;
  reports: readonly ReportName[];
}

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
/** October 2025 (and September before it), read at the end of January 2026. */
const REQUEST: ReportRequest = {
  sight: SIGHT,
  filters: { from: '2025-10-01', to: '2025-10-31', zone: 'America/New_York' },
  options: DEFAULT_OPTIONS,
  asOf: BENCH_AS_OF,
  defaultZone: 'UTC',
  calendar: CALENDAR,
  // The shipped forecast.yaml's.
  probabilities: { 'needs-analysis': 1000, presentation: 2500, proposal: 5000, negotiation: 7500 },
};
/** The whole generated history and more: what the naive baseline loads. */
const EVERYTHING = reportPeriod('2024-12-01', '2026-01-30', 'America/New_York');

/** The nearest-rank percentile of a sample (`p` in 0–1). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

interface Measured {
  report: ReportName;
  api: number[];
  load: number[];
  baseline: number[];
  identical: boolean;
}

export interface AnalyticsBenchResult {
  rows: string[][];
  identical: boolean;
  setup: string;
}

async function measure(db: ReturnType<typeof createDb>, report: ReportName, runs: number): Promise<Measured> {
  const period = periodOf(REQUEST.filters, REQUEST.defaultZone);
  const result: Measured = { report, api: [], load: [], baseline: [], identical: true };
  for (let run = 0; run < runs; run++) {
    const load = await timed(async () => {
      const facts = await loadFacts(db, { sight: SIGHT, period, asOf: BENCH_AS_OF });
      return { facts, inputs: await reportInputs(db, report, REQUEST, facts) };
    });
    const api = await timed(() => Promise.resolve(reportFrom(load.value.facts, report, REQUEST, load.value.inputs)));
    result.load.push(load.ms);
    result.api.push(load.ms + api.ms);
    const naive = await timed(async () => {
      const facts = await loadFacts(db, { sight: SIGHT, period: EVERYTHING, asOf: BENCH_AS_OF });
      return reportFrom(facts, report, REQUEST, await reportInputs(db, report, REQUEST, facts));
    });
    result.baseline.push(naive.ms);
    if (JSON.stringify(naive.value) !== JSON.stringify(api.value)) result.identical = false;
  }
  return result;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** Generates the history, measures every report and returns the table rows. */
export async function benchAnalytics(options: AnalyticsBenchOptions): Promise<AnalyticsBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bench-'));
  const target = resolveDatabaseTarget(`file:${path.join(dir, 'bench.db')}`, dir);
  try {
    await applyMigrations(target);
    const db = createDb(target);
    const generated = await timed(() => writeBenchHistory(db, options.leads));
    const counts = Object.entries(generated.value)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ');
    const rows: string[][] = [];
    let identical = true;
    for (const report of options.reports) {
      const m = await measure(db, report, options.runs);
      identical &&= m.identical;
      const api95 = percentile(m.api, 0.95);
      rows.push([
        report,
        ms(percentile(m.api, 0.5)),
        ms(api95),
        `${ms(percentile(m.load, 0.5))} / ${ms(percentile(m.api, 0.5) - percentile(m.load, 0.5))}`,
        ms(percentile(m.baseline, 0.5)),
        ms(percentile(m.baseline, 0.95)),
        `${(percentile(m.baseline, 0.95) / api95).toFixed(1)}×`,
        m.identical ? 'identical' : 'DIFFER',
      ]);
    }
    await db.$disconnect();
    return { rows, identical, setup: `${counts} written in ${(generated.ms / 1000).toFixed(1)} s` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
