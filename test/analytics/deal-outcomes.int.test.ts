/**
 * The deals report served from SQL (src/usecases/analytics/deal-outcomes.ts) and the activity
 * report (activity-records.ts) against the pure functions on every row, on a small hand-written
 * history holding what the bench's generated history lacks: a close and a first deal-stage
 * transition after `asOf`, a deal created after it, an SQL transition after it, an open deal in a
 * currency nothing was won in, and a lead with no owner whose assignment spells its rep's email in
 * another case, and a deal recorded after the stage it opened with. Written from a reviewer's
 * repro: the cut of the period's end at `asOf` in deal-outcomes.ts, the open opportunities' first
 * `idLimit + 1` ids, the pipeline's narrowing by `opportunityAt` and the activity report's
 * `IS NOT TRUE` each fail a case here without them (checked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRole } from '../../src/auth/actor';
import type { Db } from '../../src/db/client';
import { periodOf, type AnalyticsFilters } from '../../src/domain/analytics/filters';
import { loadEveryRow } from '../../src/bench/naive-facts';
import { loadFacts } from '../../src/usecases/analytics/load-facts';
import { DEFAULT_OPTIONS } from '../../src/usecases/analytics/reports';
import { reportFrom, reportInputs, runReport, type ReportRequest } from '../../src/usecases/analytics/run-report';
import { capIds } from '../../src/usecases/analytics/report-ids';
import { sightOf } from '../../src/usecases/visibility';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { NEW_YORK_HOURS } from './fixture';
import { personActor } from './person';

const TENANT = 't1';
const AS_OF = new Date('2026-01-31T00:00:00Z');
const OPS = 'ops@t1.example';
const REP = 'rep2@t1.example';

const actor = (email: string, role: PersonRole) => personActor(TENANT, email, role);

describe.each(providers)('the deals and activity reports from SQL around asOf on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await writeHistory(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /**
   * The report as the API serves it (runReport) and computed on every row with the plan inputs read
   * for them (reportInputs), both cut to `idLimit`.
   */
  async function bothWays(
    report: 'deals' | 'activity' | 'pipeline',
    role: PersonRole,
    filters: AnalyticsFilters,
    idLimit?: number,
  ) {
    const db = database.db;
    const sight = await sightOf(db, actor(role === 'revops' ? OPS : REP, role), () => ({}));
    const naive = await loadFacts(db, { sight, period: periodOf(filters, 'UTC'), asOf: AS_OF }, loadEveryRow);
    const request: ReportRequest = {
      sight,
      filters,
      options: DEFAULT_OPTIONS,
      asOf: AS_OF,
      defaultZone: 'UTC',
      calendar: NEW_YORK_HOURS,
      probabilities: {},
      idLimit,
    };
    const served = await runReport(db, report, request);
    const pure = reportFrom(naive, report, request, await reportInputs(db, report, request, naive));
    const cut = <T>(value: T) => (idLimit === undefined ? value : capIds(value, idLimit).value);
    return { served, sql: cut(served), pure: cut(pure) };
  }

  it.each([
    [{ from: '2026-01-01', to: '2026-02-28', zone: 'UTC' }],
    [{ from: '2025-12-01', to: '2025-12-31', zone: 'UTC' }],
    [{ from: '2026-01-01', to: '2026-01-31', zone: 'UTC' }],
  ] as const)(
    'when revops and the rep read the deals report for %o, then it equals the pure functions',
    async (filters) => {
      for (const role of ['revops', 'rep'] as const) {
        const { sql, pure } = await bothWays('deals', role, filters);
        expect(sql).toEqual(pure);
      }
    },
  );

  it('when January is read with idLimit 1, then the open opportunities keep a second id, so the API knows the list was cut', async () => {
    const { served, sql, pure } = await bothWays(
      'deals',
      'revops',
      { from: '2026-01-01', to: '2026-01-31', zone: 'UTC' },
      1,
    );
    expect(sql).toEqual(pure);
    const velocity = (
      served.current as { velocity: { currency: string; openOpportunities: { count: number; ids: string[] } }[] }
    ).velocity;
    // USD open at the end of January: the deal closed after asOf, the one recorded in January after
    // its December stage, and the one created in January.
    const open = velocity.map(({ currency, openOpportunities }) => [currency, openOpportunities.count]);
    expect(open).toEqual([['USD', 3]]);
    expect(velocity[0]!.openOpportunities.ids).toEqual(['dl_close_after', 'dl_created_late']);
  });

  it('when revops reads the pipeline for December 2025, then a deal recorded in January after its December stage is open at the end', async () => {
    const { sql, pure } = await bothWays('pipeline', 'revops', { from: '2025-12-01', to: '2025-12-31', zone: 'UTC' });
    expect(sql).toEqual(pure);
    const stages = (sql.current as { openByStage: { stage: string; deals: { ids: string[] } }[] }).openByStage;
    expect(stages.flatMap(({ deals }) => deals.ids)).toContain('dl_created_late');
  });

  it("when revops reads the pipeline for January 2026, then a deal whose only stage comes after asOf is open from its creation, with the forecast set before the period's start", async () => {
    const { sql, pure } = await bothWays('pipeline', 'revops', { from: '2026-01-01', to: '2026-01-31', zone: 'UTC' });
    expect(sql).toEqual(pure);
    const current = sql.current as {
      openByStage: { stage: string; deals: { ids: string[] } }[];
      forecast: unknown[];
    };
    const open = current.openByStage.flatMap(({ deals }) => deals.ids);
    expect(open).toContain('dl_stage_after');
    expect(open).not.toContain('dl_created_after');
    // At 1 January dl_close_after is forecast `pipeline` to close on 25 January (set 11 December);
    // `commit` comes on 15 January.
    expect(current.forecast).toMatchObject([
      { currency: 'USD', pipeline: { deals: { ids: ['dl_close_after'] } }, commit: { deals: { count: 0 } } },
    ]);
  });

  it('when the rep reads activity for October 2025, then the touch on an unowned lead assigned to them under another spelling counts', async () => {
    const { sql, pure } = await bothWays('activity', 'rep', { from: '2025-10-01', to: '2025-10-31', zone: 'UTC' });
    expect(JSON.stringify(pure)).toContain('ix_case');
    expect(sql).toEqual(pure);
  });
});

async function writeHistory(db: Db): Promise<void> {
  await db.rep.createMany({
    data: [
      { id: 'r_ops', tenant: TENANT, email: OPS, name: 'Ops', role: 'revops' },
      { id: 'r_rep2', tenant: TENANT, email: REP, name: 'Rep 2', role: 'rep' },
    ],
  });
  await db.account.create({ data: { id: 'acc', tenant: TENANT, name: 'Acc' } });
  /** A lead with stage events, and its deal. */
  const deal = async (
    id: string,
    events: [string, string][],
    created: string,
    extra: { ownerId?: string | null; currency?: string } = {},
  ) => {
    const leadId = `ld_${id}`;
    await db.lead.create({
      data: {
        id: leadId,
        tenant: TENANT,
        email: `${id}@buyer.example`,
        source: 'ads',
        sourceDetails: {},
        attributes: {},
        stage: 'sql',
        ownerId: extra.ownerId === undefined ? REP : extra.ownerId,
        journeyId: `j_${id}`,
        createdAt: new Date('2025-06-01T00:00:00Z'),
      },
    });
    for (const [n, [toStage, at]] of events.entries())
      await db.stageEvent.create({
        data: {
          id: `se_${id}_${n}`,
          leadId,
          toStage,
          reason: 'test',
          occurredAt: new Date(at),
          idempotencyKey: `se_${id}_${n}`,
        },
      });
    const closes = events.filter(([stage]) => stage.startsWith('closed-'));
    await db.deal.create({
      data: {
        id,
        tenant: TENANT,
        leadId,
        accountId: 'acc',
        name: id,
        ownerEmail: REP,
        currency: extra.currency ?? 'USD',
        acvMinor: 1_000_000n,
        workflowId: `w_${id}`,
        needs: {},
        createdAt: new Date(created),
        closedAt: closes.length ? new Date(closes.at(-1)![1]) : null,
      },
    });
  };
  // Won in December and in January (velocity has USD in both periods).
  await deal(
    'dl_won_dec',
    [
      ['sql', '2025-11-01T00:00:00Z'],
      ['needs-analysis', '2025-11-05T00:00:00Z'],
      ['closed-won', '2025-12-10T00:00:00Z'],
    ],
    '2025-11-05T00:00:00Z',
  );
  await deal(
    'dl_won_jan',
    [
      ['sql', '2025-12-01T00:00:00Z'],
      ['needs-analysis', '2025-12-05T00:00:00Z'],
      ['closed-won', '2026-01-10T00:00:00Z'],
    ],
    '2025-12-05T00:00:00Z',
  );
  // Open at asOf: its close comes after it.
  await deal(
    'dl_close_after',
    [
      ['needs-analysis', '2025-12-10T00:00:00Z'],
      ['closed-won', '2026-02-10T00:00:00Z'],
    ],
    '2025-12-10T00:00:00Z',
  );
  // Its forecasts: before the period, within it, and after asOf (never read).
  await db.dealForecast.createMany({
    data: [
      ['fc_1', '2025-12-11T00:00:00Z', 'pipeline', '2026-01-25'],
      ['fc_2', '2026-01-15T00:00:00Z', 'commit', '2026-02-10'],
      ['fc_3', '2026-02-05T00:00:00Z', 'best-case', '2026-03-31'],
    ].map(([id, at, category, close]) => ({
      id: id!,
      tenant: TENANT,
      dealId: 'dl_close_after',
      cause: 'edit',
      stage: 'needs-analysis',
      category,
      expectedCloseDate: close,
      currency: 'USD',
      actor: REP,
      occurredAt: new Date(at!),
      idempotencyKey: id!,
    })),
  });
  // Created in January, first deal-stage transition after asOf: opened at its creation.
  await deal('dl_stage_after', [['needs-analysis', '2026-02-05T00:00:00Z']], '2026-01-20T00:00:00Z');
  // Recorded in January (an import), its history from December: open at the end of December.
  await deal('dl_created_late', [['needs-analysis', '2025-12-10T00:00:00Z']], '2026-01-20T00:00:00Z');
  // Created after asOf: not there yet.
  await deal('dl_created_after', [['needs-analysis', '2026-02-03T00:00:00Z']], '2026-02-03T00:00:00Z');
  // Lost in January.
  await deal(
    'dl_lost_jan',
    [
      ['needs-analysis', '2025-12-02T00:00:00Z'],
      ['closed-lost', '2026-01-05T00:00:00Z'],
    ],
    '2025-12-02T00:00:00Z',
  );
  // Won in January; its lead's SQL transition comes after asOf (the cycle starts at the opening).
  await deal(
    'dl_sql_after',
    [
      ['needs-analysis', '2025-12-01T00:00:00Z'],
      ['closed-won', '2026-01-15T00:00:00Z'],
      ['sql', '2026-02-02T00:00:00Z'],
    ],
    '2025-12-01T00:00:00Z',
  );
  // Open in EUR, where nothing was won: no velocity row.
  await deal('dl_eur_open', [['needs-analysis', '2025-12-03T00:00:00Z']], '2025-12-03T00:00:00Z', { currency: 'EUR' });

  // Activity: a lead with no owner, assigned (before the cut) to the rep under another spelling,
  // with a deal of the rep won in October and a call the rep logged on the lead in October.
  await deal(
    'dl_case',
    [
      ['needs-analysis', '2025-09-01T00:00:00Z'],
      ['closed-won', '2025-10-20T00:00:00Z'],
    ],
    '2025-09-01T00:00:00Z',
    { ownerId: null },
  );
  await db.assignment.create({
    data: {
      id: 'as_case',
      leadId: 'ld_dl_case',
      tenant: TENANT,
      repEmail: 'Rep2@t1.example',
      reason: 'test',
      assignedAt: new Date('2025-08-01T00:00:00Z'),
      idempotencyKey: 'as_case',
    },
  });
  await db.interaction.create({
    data: {
      id: 'ix_case',
      leadId: 'ld_dl_case',
      kind: 'call-logged',
      occurredAt: new Date('2025-10-10T00:00:00Z'),
      payload: { actor: REP },
      idempotencyKey: 'ix_case',
    },
  });
}
