/**
 * The analytics loader's SQL against the naive read: on the benchmark's generated history (a year
 * of leads and deals with stage events, decisions, touches, quotes, approvals and contracts), every
 * report computed on loadFacts' facts equals the same report computed on every row of the tenant
 * read through Prisma (src/bench/naive-facts.ts), for revops, a manager and a rep, whole and broken
 * down, on each provider. loadFacts selects leads and deals by the indexed timestamps of what was
 * recorded in the window, so this is what shows that the selection leaves out nothing a figure or
 * its drill-down needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, PersonRole } from '../../src/auth/actor';
import type { Dimension } from '../../src/domain/analytics/facts';
import { periodOf } from '../../src/domain/analytics/filters';
import { BENCH_AS_OF, BENCH_TENANT, writeBenchHistory } from '../../src/bench/analytics-data';
import { loadEveryRow } from '../../src/bench/naive-facts';
import { loadFacts } from '../../src/usecases/analytics/load-facts';
import { DEFAULT_OPTIONS, REPORTS } from '../../src/usecases/analytics/reports';
import { reportFacts, reportFrom, reportInputs, type ReportRequest } from '../../src/usecases/analytics/run-report';
import { sightOf } from '../../src/usecases/visibility';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { NEW_YORK_HOURS } from './fixture';

const LEADS = 1500;

describe.each(providers)('the analytics loader on %s', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await writeBenchHistory(database.db, LEADS);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const actor = (email: string, role: PersonRole): Actor => ({
    tenant: BENCH_TENANT,
    email,
    name: email,
    role,
    scopes: [],
    kind: 'person',
    tokenId: 'tok_test',
  });

  /** Every report both ways for one caller, period and breakdown. */
  async function bothWays(email: string, role: PersonRole, from: string, to: string, breakdown?: Dimension) {
    const db = database.db;
    const sight = await sightOf(db, actor(email, role), () => ({}));
    const request: ReportRequest = {
      sight,
      filters: { from, to, zone: 'America/New_York', breakdown },
      options: DEFAULT_OPTIONS,
      asOf: BENCH_AS_OF,
      defaultZone: 'UTC',
      calendar: NEW_YORK_HOURS,
      probabilities: { 'needs-analysis': 1000, presentation: 2500, proposal: 5000, negotiation: 7500 },
    };
    const period = periodOf(request.filters, request.defaultZone);
    const naive = await loadFacts(db, { sight, period, asOf: BENCH_AS_OF }, loadEveryRow);
    const fast: Record<string, unknown> = {};
    const baseline: Record<string, unknown> = {};
    let leads = 0;
    for (const report of REPORTS) {
      // As the API reads them: only what the report needs (all, when broken down), through SQL.
      const facts = await reportFacts(db, report, request);
      leads = Math.max(leads, facts.leads.length);
      fast[report] = reportFrom(facts, report, request, await reportInputs(db, report, request, facts));
      baseline[report] = reportFrom(naive, report, request, await reportInputs(db, report, request, naive));
    }
    return { fast, naive: baseline, leads };
  }

  it.each([
    ['ops@bench.example', 'revops', undefined],
    ['ops@bench.example', 'revops', 'rep'],
    ['manager1@bench.example', 'manager', 'source'],
    ['rep5@bench.example', 'rep', undefined],
  ] as const)(
    'when %s (%s) reads October 2025 (breakdown: %s), then every report equals the one computed on every row',
    async (email, role, breakdown) => {
      const { fast, naive, leads } = await bothWays(email, role, '2025-10-01', '2025-10-31', breakdown);
      expect(leads).toBeGreaterThan(0);
      expect(fast).toEqual(naive);
    },
    60_000,
  );

  it('when revops reads the whole first quarter, then every report equals the one computed on every row', async () => {
    const { fast, naive } = await bothWays('ops@bench.example', 'revops', '2025-01-01', '2025-03-31');
    expect(fast).toEqual(naive);
  }, 60_000);
});
