/**
 * The analytics API over real HTTP on the real system: the hand-computed fixture
 * (test/analytics/fixture.ts, 23 leads and 13 deals in New York time) is written through Prisma as
 * the journeys record it, and every report's figures are read back through `GET /api/analytics/…`
 * as of a month after the period, so nothing depends on today's date. Each JSON answer is parsed
 * with the response schema the OpenAPI document publishes. Also: a lead captured through the real
 * intake shows up in today's volume, each role's sight, CSV, drill-down and bad filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillDownSchema, reportSchema } from '../../src/api/openapi/analytics-shapes';
import type { ReportName } from '../../src/usecases/analytics/reports';
import { writeFixture } from '../analytics/fixture-db';
import { ALICE, BOB, CAROL, MARIA } from '../analytics/fixture';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

/** Period C of the fixture, read a month after it closed. */
const C = 'from=2026-03-02&to=2026-03-29&zone=America/New_York&asOf=2026-04-30T00:00:00Z';
const L = (...numbers: number[]) => numbers.map((n) => `L${String(n).padStart(2, '0')}`);

describe.each(providers)('analytics API on %s', (provider) => {
  let system: TestSystem;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    system = await startTestSystem(provider);
    await writeFixture(system.database.db, system.config.tenant);
    tokens.alice = await system.personToken(ALICE, 'rep');
    tokens.maria = await system.personToken(MARIA, 'manager');
    tokens.director = await system.personToken('dana.director@example.com', 'director');
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** A report's JSON, checked against its published schema. */
  async function report<R extends ReportName>(name: R, query: string, token?: string) {
    const answer = await http(`${system.url}/api/analytics/${name}?${query}`, {
      headers: token ? bearer(token) : undefined,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return reportSchema(name).parse(answer.body);
  }

  it('when C is read, then the envelope names the period, the previous period and the moment', async () => {
    const body = await report('volume', C);
    expect(body).toMatchObject({
      report: 'volume',
      period: {
        from: '2026-03-02',
        to: '2026-03-29',
        zone: 'America/New_York',
        start: '2026-03-02T05:00:00.000Z',
        end: '2026-03-30T04:00:00.000Z',
      },
      previousPeriod: { from: '2026-02-02', to: '2026-03-01' },
      asOf: '2026-04-30T00:00:00.000Z',
      options: { grain: 'month' },
      breakdown: null,
    });
    // Created in C: L08–L18 (L07 was created 03-01 22:00 in New York); won in C: L01, L05, L06, L08.
    expect(body.current.stages.lead.ids).toEqual(L(8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18));
    expect(body.current.stages.won).toEqual({ count: 4, ids: L(1, 5, 6, 8) });
    expect(body.current.ruleActivations).toEqual([{ version: 'rules-v2', activatedAt: '2026-03-16T12:00:00.000Z' }]);
  });

  it('when the funnel is read in both views, then they give the hand-computed conversions', async () => {
    const period = await report('funnel', `${C}&view=period`);
    expect(period.current.steps.map((step) => step.conversion.value)).toEqual([9 / 11, 6 / 9, 1, 4 / 6]);
    const cohort = await report('funnel', C);
    expect(cohort.current.steps.map((step) => step.conversion.value)).toEqual([8 / 11, 6 / 8, 5 / 6, 2 / 5]);
    const within = await report('funnel', `${C}&withinDays=14`);
    expect(within.options).toEqual({ view: 'cohort', withinDays: 14 });
    expect(within.current.stages.sql.ids).toEqual(L(8, 9, 12, 13, 16));
    expect(within.current.stages.won.count).toBe(0);
  });

  it('when speed is read, then response time, SLA, and the flagged bottleneck are the hand-computed ones', async () => {
    const { current, previous } = await report('speed', C);
    // Owner business hours (escalation.yaml's New York calendar in each owner's zone): 0.5 0.75 1 2 2 2.5 4 16.
    expect(current.responseTime.businessHours).toMatchObject({ n: 8, median: 2, p90: 16, mean: 3.59375 });
    expect(current.sla.attainment.value).toBe(5 / 9);
    expect(current.bottleneck?.flagged).toMatchObject({ kind: 'dwell', stage: 'needs-analysis', worsening: 1 });
    expect(previous.bottleneck).toBeNull();
  });

  it('when speed is read as of a moment before 1970, then it counts nothing and answers 200', async () => {
    // Found by the contract fuzzer: the calendar's buckets start in 1970, after such a window ends.
    const { current } = await report('speed', 'from=2026-03-01&to=2026-03-01&asOf=0020-02-29T00:00:00Z');
    expect(current.responseTime.businessHours.n).toBe(0);
    expect(current.sla.met.count).toBe(0);
  });

  it('when deals are read, then win rate, size, cycle and velocity are per currency and hand-computed', async () => {
    const { current, previous } = await report('deals', C);
    expect(current.winRate.byCount.value).toBe(4 / 7);
    expect(current.winRate.byValue.map((v) => [v.currency, v.numeratorMinor, v.denominatorMinor])).toEqual([
      ['EUR', 3_000_000, 8_000_000],
      ['USD', 4_000_000, 5_500_000],
    ]);
    expect(current.dealSize.acv.map((a) => [a.currency, a.averageMinor])).toEqual([
      ['EUR', 3_000_000],
      ['USD', 1_333_333],
    ]);
    expect(current.cycle).toMatchObject({ n: 4, mean: 21, median: 18 });
    expect(current.velocity.map((v) => [v.currency, v.perDayMinor])).toEqual([
      ['EUR', 81_633],
      ['USD', 72_562],
    ]);
    // P closed nothing: no rate rather than 0 %.
    expect(previous.winRate.byCount.value).toBeNull();
  });

  it('when the pipeline is read, then the open deals at the end of C are by stage, weighted by the forecast.yaml in force when C ended', async () => {
    const body = await report('pipeline', C);
    // Open when C ended: D16 needs-analysis (USD 2 500 000), D12 presentation (no ACV), D13 proposal (EUR 4 000 000).
    expect(
      body.current.openByStage.map((s) => [s.stage, s.deals.ids, s.value.map((v) => [v.currency, v.amountMinor])]),
    ).toEqual([
      ['needs-analysis', ['D16'], [['USD', 2_500_000]]],
      ['presentation', ['D12'], []],
      ['proposal', ['D13'], [['EUR', 4_000_000]]],
    ]);
    // rules-v2 was in force when C ended (activated 03-16): needs-analysis 20 %, proposal 40 %, where
    // the shipped forecast.yaml active now says 10 % and 50 %. EUR 4 000 000 × 0.4; USD 2 500 000 × 0.2.
    expect(body.current.weighted).toEqual({
      byCurrency: [
        { currency: 'EUR', weightedMinor: 1_600_000, unweightedMinor: 4_000_000, ids: ['D13'] },
        { currency: 'USD', weightedMinor: 500_000, unweightedMinor: 2_500_000, ids: ['D16'] },
      ],
      unweighted: { count: 0, ids: [] },
      rulesVersion: 'rules-v2',
    });
    // P ended under rules-v1, the shipped texts.
    expect(body.previous.weighted.rulesVersion).toBe('rules-v1');
    // Before the first activation there is no history: the active version's probabilities apply.
    const early = await report(
      'pipeline',
      'from=2025-11-01&to=2025-11-30&zone=America/New_York&asOf=2026-04-30T00:00:00Z',
    );
    const active = (await http(`${system.url}/api/rules`)).body.activeVersion;
    expect(early.current.weighted.rulesVersion).toBe(active);
  });

  it('when forecasts, a quota and spend are recorded, then forecast accuracy, attainment and channel ROI use them', async () => {
    const db = system.database.db;
    const tenant = system.config.tenant;
    // The forecasts of the deals open when C began (D01, D02, D06, D20), as set in February.
    const forecasts: [string, string, string, string, string][] = [
      ['D01', 'USD', '2026-02-20T16:00:00Z', '2026-03-05', 'commit'],
      ['D02', 'EUR', '2026-02-18T16:00:00Z', '2026-03-15', 'commit'],
      ['D06', 'EUR', '2026-02-28T16:00:00Z', '2026-03-20', 'best-case'],
      ['D20', 'USD', '2026-02-05T16:00:00Z', '2026-04-15', 'pipeline'],
    ];
    await db.dealForecast.createMany({
      data: forecasts.map(([dealId, currency, at, expectedCloseDate, category]) => ({
        id: `fc-${dealId}`,
        tenant,
        dealId,
        cause: 'edit',
        stage: 'needs-analysis',
        expectedCloseDate,
        category,
        currency,
        actor: ALICE,
        occurredAt: new Date(at),
        idempotencyKey: `fc-${dealId}`,
      })),
    });
    const recordedEarly = new Date('2026-02-01T00:00:00Z');
    await db.quota.create({
      data: {
        id: 'quota-alice-march',
        tenant,
        scope: 'rep',
        ownerEmail: ALICE,
        periodKind: 'month',
        period: '2026-03',
        startsOn: '2026-03-01',
        endsOn: '2026-03-31',
        currency: 'USD',
        amountMinor: 3_000_000n,
        setBy: 'revops@leadflow.test',
        createdAt: recordedEarly,
      },
    });
    await db.campaign.create({
      data: {
        id: 'cmp-spring',
        tenant,
        key: 'spring-promo',
        name: 'Spring promo',
        source: 'ads',
        createdBy: 'revops@leadflow.test',
      },
    });
    await db.marketingSpend.create({
      data: {
        id: 'spend-spring-march',
        tenant,
        source: 'ads',
        campaignKey: 'spring-promo',
        month: '2026-03',
        currency: 'USD',
        amountMinor: 500_000n,
        origin: 'api',
        enteredBy: 'revops@leadflow.test',
        createdAt: recordedEarly,
      },
    });

    const { current } = await report('pipeline', C);
    // EUR: commit D02 5 000 000; best case + D06 = 8 000 000; won D06 3 000 000 → attainment 0.6, accuracy 1 − 2/5 = 0.6.
    // USD: commit D01 1 200 000 (D20 is expected in April); won D01 + D05 + D08 = 4 000 000 → accuracy max(0, 1 − 2.8/1.2) = 0.
    expect(
      current.forecast.map((f) => [
        f.currency,
        f.commit.amountMinor,
        f.bestCase.amountMinor,
        f.actual.amountMinor,
        f.accuracy,
        f.committedWon.value,
      ]),
    ).toEqual([
      ['EUR', 5_000_000, 8_000_000, 3_000_000, 0.6, 0],
      ['USD', 1_200_000, 1_200_000, 4_000_000, 0, 1],
    ]);
    // alice's March quota (New York months): D01 1 200 000 + D08 2 000 000 won of 3 000 000.
    expect(current.quotas).toEqual([
      {
        quota: {
          rep: ALICE,
          team: null,
          from: '2026-03-01T05:00:00.000Z',
          to: '2026-04-01T04:00:00.000Z',
          currency: 'USD',
          amountMinor: 3_000_000,
        },
        wonMinor: 3_200_000,
        won: { count: 2, ids: ['D01', 'D08'] },
        attainment: 3_200_000 / 3_000_000,
        remainingMinor: 0,
        pipeline: { count: 0, ids: [] },
        pipelineMinor: 0,
        coverage: null,
      },
    ]);

    // March in New York: ads brought L07 L08 L12 L13 L17 L18 (6 leads), 5 MQLs (not L18), and won D01 and D08.
    const march = await report(
      'channels',
      'from=2026-03-01&to=2026-03-31&zone=America/New_York&asOf=2026-04-30T00:00:00Z',
    );
    expect(march.current.spendIncluded).toBe(true);
    expect(march.current.channels.find((c) => c.source === 'ads')?.byCurrency).toEqual([
      {
        currency: 'USD',
        spendMinor: 500_000,
        costPerLeadMinor: 83_333,
        costPerMqlMinor: 100_000,
        cacMinor: 250_000,
        revenueMinor: 3_200_000,
        roi: 5.4,
      },
    ]);
    // alice sees her quota, and no spend: marketing spend belongs to no rep.
    const hers = await report(
      'channels',
      'from=2026-03-01&to=2026-03-31&zone=America/New_York&asOf=2026-04-30T00:00:00Z',
      tokens.alice,
    );
    expect(hers.current.channels.every((c) => c.spend.length === 0)).toBe(true);
    // The answer says so, so that a screen can tell "no spend recorded" from "not yours to see".
    expect(hers.current.spendIncluded).toBe(false);
    expect((await report('pipeline', C, tokens.alice)).current.quotas?.map((q) => q.quota.rep)).toEqual([ALICE]);
  });

  it('when the deal desk, activity, win/loss, retention and attribution are read, then each gives its fixture figure', async () => {
    const desk = await report('deal-desk', C);
    expect(desk.current.discountDepth.discountBp.mean).toBe(1750);
    expect(desk.current.approvalTurnaround.businessHours.median).toBe(8);
    const activity = await report('activity', C);
    expect(activity.current.byRep.map((rep) => [rep.key, rep.counts.total.count])).toEqual([
      [ALICE, 9],
      [BOB, 4],
      [CAROL, 2],
    ]);
    const review = await report('win-loss', `${C}&breakdown=rep`);
    // Lost in C: D02 (competitor, to Acme CRM), D09 (no-budget), D20 (no code).
    expect(review.current.lossReasons.map((reason) => [reason.key, reason.deals.ids])).toEqual([
      ['(uncoded)', ['D20']],
      ['competitor', ['D02']],
      ['no-budget', ['D09']],
    ]);
    expect(review.current.competitors).toEqual([{ key: 'Acme CRM', deals: { count: 1, ids: ['D02'] } }]);
    // alice won 2/2, bob 1/3, carol 1/2.
    expect(review.breakdown?.groups.map((g) => [g.key, g.current.winRate.value])).toEqual([
      [ALICE, 1],
      [BOB, 1 / 3],
      [CAROL, 1 / 2],
      // L18 waited in a queue (no owner, key `(none)`), but no deal of it closed: win/loss lists no group for it.
    ]);
    const retention = await report('retention', C);
    expect(retention.current.rate.value).toBe(1 / 3);
    const attribution = await report('rule-attribution', C);
    // The leads no rule decided on (2025) count in nothing in C: no (none) row.
    expect(attribution.current.rows.map((row) => row.version)).toEqual(['rules-v1', 'rules-v2']);
    const channels = await report('channels', C);
    expect(channels.current.channels.find((c) => c.source === 'ads')?.leads.count).toBe(5);
  });

  it('when a rep, a manager and a director read the same report, then each sees their own sight', async () => {
    const rate = async (token: string) => (await report('deals', C, token)).current.winRate.byCount;
    // alice: her deals D01 and D08, both won. maria: her team's (alice and bob): 3 of 5. The director: all, 4 of 7.
    expect(await rate(tokens.alice!)).toMatchObject({ value: 1, denominator: { ids: ['D01', 'D08'] } });
    expect((await rate(tokens.maria!)).value).toBe(3 / 5);
    expect((await rate(tokens.director!)).value).toBe(4 / 7);
    const byRep = await report('deals', `${C}&breakdown=rep`, tokens.alice);
    expect(byRep.breakdown?.groups.map((group) => group.key)).toEqual([ALICE]);
  });

  it('when ids are capped, then counts stay exact and the drill-down pages through every record', async () => {
    const capped = await report('volume', `${C}&idLimit=2`);
    expect(capped.current.stages.lead).toEqual({ count: 11, ids: L(8, 9) });
    expect(capped.idsTruncated).toBe(true);

    const figure = encodeURIComponent('/current/winRate/byCount/numerator');
    const first = await http(`${system.url}/api/analytics/drill-down?${C}&report=deals&figure=${figure}&limit=3`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const page = DrillDownSchema.parse(first.body);
    expect(page).toMatchObject({ count: 4, offset: 0, nextOffset: 3 });
    expect(page.records.map((record) => [record.kind, record.id])).toEqual([
      ['deal', 'D01'],
      ['deal', 'D05'],
      ['deal', 'D06'],
    ]);
    expect(page.records[0]).toMatchObject({
      ownerEmail: ALICE,
      currency: 'USD',
      acvMinor: 1_200_000,
      stage: 'closed-won',
    });
    const rest = await http(`${system.url}/api/analytics/drill-down?${C}&report=deals&figure=${figure}&offset=3`);
    expect(DrillDownSchema.parse(rest.body)).toMatchObject({
      nextOffset: null,
      records: [{ kind: 'deal', id: 'D08' }],
    });

    // A breakdown part's figure, and quote versions behind a discount distribution.
    const part = encodeURIComponent('/breakdown/groups/0/current/stages/mql');
    const mqls = await http(
      `${system.url}/api/analytics/drill-down?${C}&report=volume&breakdown=source&figure=${part}`,
    );
    expect(DrillDownSchema.parse(mqls.body).records.map((r) => [r.kind, r.id])).toEqual(
      L(7, 8, 12, 13, 17).map((id) => ['lead', id]),
    );
    const discounts = encodeURIComponent('/current/discountDepth/discountBp');
    const versions = await http(`${system.url}/api/analytics/drill-down?${C}&report=deal-desk&figure=${discounts}`);
    expect(DrillDownSchema.parse(versions.body).records.every((r) => r.kind === 'quote-version')).toBe(true);
  });

  it('when a report is asked as CSV, then it is one row per figure with its currency', async () => {
    const response = await fetch(`${system.url}/api/analytics/deals?${C}&format=csv&breakdown=rep`, {
      headers: bearer(system.revopsToken),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="leadflow-deals-2026-03-02-2026-03-29.csv"',
    );
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe('period,group,figure,currency,value');
    expect(lines).toEqual(
      expect.arrayContaining([
        `current,(all),winRate.byCount.value,,${4 / 7}`,
        'current,(all),winRate.byCount.numerator.count,,4',
        'current,(all),winRate.byValue.numeratorMinor,EUR,3000000',
        'current,(all),dealSize.acv.averageMinor,USD,1333333',
        'previous,(all),winRate.byCount.value,,',
        `current,${BOB},winRate.byCount.value,,${1 / 3}`,
      ]),
    );
    // Drill-down ids are not in the CSV.
    expect(lines.some((line) => line.includes('D01'))).toBe(false);

    const records = await fetch(
      `${system.url}/api/analytics/drill-down?${C}&report=deals&figure=${encodeURIComponent('/current/winRate/byCount/denominator')}&format=csv`,
      { headers: bearer(system.revopsToken) },
    );
    const table = (await records.text()).split('\r\n');
    expect(table[0]).toBe('kind,id,leadId,name,ownerEmail,stage,currency,acvMinor,closedAt');
    expect(table.filter((line) => line.startsWith('deal,'))).toHaveLength(7);
  });

  it('when a lead is captured through the real intake, then today’s volume counts it', async () => {
    const captured = await http(`${system.url}/api/leads`, {
      body: { email: 'fresh.lead@volume.example', source: 'ads', company: 'Fresh Co' },
    });
    expect(captured.status, JSON.stringify(captured.body)).toBeLessThan(300);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const today = `from=${day(-1)}&to=${day(1)}&zone=UTC`;
    let ids: string[] = [];
    for (let attempt = 0; attempt < 50 && !ids.includes(captured.body.id); attempt++) {
      ids = (await report('volume', today)).current.stages.lead.ids;
      if (!ids.includes(captured.body.id)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ids).toContain(captured.body.id);
  });

  it.each([
    [
      'an unknown dimension',
      'breakdown=planet',
      400,
      'query.breakdown',
      'must be one of: team, rep, source, campaign, industry, size, region',
    ],
    [
      'a zone that is not shaped like one',
      'zone=not a zone!',
      400,
      'query.zone',
      'must be an IANA time zone such as "Europe/London" or "UTC"',
    ],
    [
      'a well-formed zone outside the time zone database',
      'zone=Mars/Olympus',
      422,
      'query.zone',
      'must be an IANA time zone such as "Europe/London" or "UTC"; "Mars/Olympus" is not in the time zone database',
    ],
    [
      'a date that does not exist',
      'from=2026-02-30',
      400,
      'query.from',
      'must be a date like 2026-03-01 (YYYY-MM-DD, a year from 1900 to 2999)',
    ],
    ['an unknown parameter', 'colour=red', 400, 'query', 'unknown field(s): colour'],
    ['an option of another report', 'grain=week', 400, 'query', 'unknown field(s): grain'],
    ['an end before the start', 'to=2026-03-01', 422, 'query.to', 'must be on or after from (2026-03-02)'],
    [
      'a period over 5 years',
      'to=2031-03-02',
      422,
      'query.to',
      'a period may cover at most 5 years: from 2026-03-02, the last day is 2031-03-01',
    ],
    [
      'withinDays in the period view',
      'view=period&withinDays=14',
      422,
      'query.withinDays',
      'applies to the cohort view only; leave it out with view=period',
    ],
  ])('when the funnel is asked with %s (%s), then %i names the field', async (_case, change, status, path, message) => {
    const query = new URLSearchParams('from=2026-03-02&to=2026-03-29');
    for (const [key, value] of new URLSearchParams(change)) query.set(key, value);
    const answer = await http(`${system.url}/api/analytics/funnel?${query.toString()}`);
    expect(answer.status).toBe(status);
    expect(answer.body.error.fields).toEqual([{ path, message }]);
  });

  it('when the drill-down names no figure with ids, or an option its report does not take, then it says so', async () => {
    const base = `${system.url}/api/analytics/drill-down?${C}&report=deals`;
    const none = await http(`${base}&figure=${encodeURIComponent('/current/winRate/byCount/value')}`);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('not_found');
    const foreign = await http(`${base}&figure=%2Fcurrent&view=period`);
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.fields).toEqual([{ path: 'query.view', message: 'not an option of the deals report' }]);
  });
  // Runs last: it adds a deal to the fixture.
  it('when a deal has been open since long before the period with nothing recorded lately, then it is in the pipeline', async () => {
    const db = system.database.db;
    const tenant = system.config.tenant;
    await db.lead.create({
      data: {
        id: 'LQ1',
        tenant,
        email: 'quiet@prospect.example',
        source: 'events',
        sourceDetails: {},
        attributes: {},
        stage: 'proposal',
        ownerId: ALICE,
        journeyId: 'journey-LQ1',
        createdAt: new Date('2025-06-01T15:00:00Z'),
        stageEvents: {
          create: [
            ['new', '2025-06-01T15:00:00Z'],
            ['sql', '2025-06-10T15:00:00Z'],
            ['needs-analysis', '2025-06-12T15:00:00Z'],
            ['proposal', '2025-07-01T15:00:00Z'],
          ].map(([toStage, at], index) => ({
            id: `LQ1:stage:${index}`,
            toStage: toStage!,
            reason: 'quiet',
            occurredAt: new Date(at!),
            idempotencyKey: `LQ1:stage:${index}`,
          })),
        },
      },
    });
    await db.account.create({ data: { id: 'acc-LQ1', tenant, name: 'acc-LQ1' } });
    await db.deal.create({
      data: {
        id: 'DQ1',
        tenant,
        leadId: 'LQ1',
        accountId: 'acc-LQ1',
        name: 'Quiet deal',
        ownerEmail: ALICE,
        stage: 'proposal',
        currency: 'GBP',
        acvMinor: 700_000n,
        workflowId: 'deal-DQ1',
        needs: {},
        createdAt: new Date('2025-06-12T15:00:00Z'),
      },
    });
    const { current } = await report('pipeline', C);
    expect(current.openByStage.find((stage) => stage.stage === 'proposal')?.deals.ids).toEqual(['D13', 'DQ1']);
    expect(current.openByStage.flatMap((stage) => stage.value).find((v) => v.currency === 'GBP')).toMatchObject({
      amountMinor: 700_000,
      ids: ['DQ1'],
    });
  });
  it('when an SLA falls due in the period for a lead that nothing else happened to lately, then it counts there', async () => {
    const tenant = system.config.tenant;
    await system.database.db.lead.create({
      data: {
        id: 'LS1',
        tenant,
        email: 'slow@prospect.example',
        source: 'events',
        sourceDetails: {},
        attributes: {},
        stage: 'mql',
        ownerId: CAROL,
        journeyId: 'journey-LS1',
        // A long first-touch SLA: the MQL came before P, the deadline in C, and nobody touched the lead.
        slaDueAt: new Date('2026-03-03T15:00:00Z'),
        createdAt: new Date('2026-01-10T15:00:00Z'),
        stageEvents: {
          create: [
            ['new', '2026-01-10T15:00:00Z'],
            ['mql', '2026-01-20T15:00:00Z'],
          ].map(([toStage, at], index) => ({
            id: `LS1:stage:${index}`,
            toStage: toStage!,
            reason: 'slow',
            occurredAt: new Date(at!),
            idempotencyKey: `LS1:stage:${index}`,
          })),
        },
      },
    });
    const { current } = await report('speed', C);
    expect(current.sla.breached.ids).toContain('LS1');
  });
});
