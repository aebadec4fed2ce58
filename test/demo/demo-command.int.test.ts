/**
 * `leadflow demo` run as the real executable against the real system's database: it writes a
 * year of history ending the day before the anchor date, the analytics API reads it as ordinary
 * data (non-empty, internally consistent figures), the same seed and date write the same data, and
 * `leadflow demo --remove` deletes exactly the demo records, leaving the tenant's own data alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/api/openapi/analytics-shapes';
import type { ReportName } from '../../src/usecases/analytics/reports';
import { countDemoData } from '../../src/usecases/demo/demo-data';
import { providers } from '../support/database';
import { runLeadflow } from '../support/leadflow-process';
import { http, startTestSystem, type TestSystem } from '../support/system';

const ZONE = 'America/New_York';
/** The anchor: the demo year is 2025-06-30 … 2026-06-29; the reports read Q1 2026 as of 1 July. */
const UNTIL = '2026-06-30';
const Q1 = `from=2026-01-01&to=2026-03-31&zone=${ZONE}&asOf=2026-07-01T04:00:00Z`;
const LOSS_CODES = ['price', 'budget', 'competitor', 'no-decision', 'timing', 'fit', 'other'];

describe.each(providers)('leadflow demo on %s', (provider) => {
  let system: TestSystem;
  let env: Record<string, string>;
  const leadflow = (...args: string[]) => runLeadflow(args, env);

  async function report<R extends ReportName>(name: R, query = Q1) {
    const answer = await http(`${system.url}/api/analytics/${name}?${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return reportSchema(name).parse(answer.body);
  }

  /** The tenant's own records, written before the demo: they must survive its removal. */
  async function writeOwnData() {
    const { db } = system.database;
    const tenant = system.config.tenant;
    await db.rep.create({ data: { id: 'rep_own', tenant, email: 'own.rep@example.com', name: 'Own Rep' } });
    await db.campaign.create({ data: { id: 'cmp_own', tenant, key: 'own-campaign', name: 'Own', createdBy: 'x' } });
    await db.marketingSpend.create({
      data: {
        id: 'sp_own',
        tenant,
        source: 'ads',
        campaignKey: 'own-campaign',
        month: '2026-02',
        currency: 'USD',
        amountMinor: 100_000n,
        origin: 'api',
        enteredBy: 'x',
        createdAt: new Date('2026-02-01T12:00:00Z'),
      },
    });
    await db.lead.create({
      data: {
        id: 'ld_own',
        tenant,
        email: 'own.lead@example.com',
        source: 'ads',
        sourceDetails: { campaign: 'own-campaign' },
        attributes: {},
        journeyId: 'journey-own',
        createdAt: new Date('2026-02-10T15:00:00Z'),
        stageEvents: {
          create: {
            id: 'ld_own:stage:new',
            toStage: 'new',
            reason: 'captured from ads',
            occurredAt: new Date('2026-02-10T15:00:00Z'),
            idempotencyKey: 'ld_own:stage:new',
          },
        },
      },
    });
  }

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_REPORTING_ZONE: ZONE });
    env = {
      DATABASE_URL: system.database.target.url,
      LEADFLOW_TENANT: system.config.tenant,
      LEADFLOW_REPORTING_ZONE: ZONE,
    };
    await writeOwnData();
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('when demo runs with a seed and an anchor, then it writes a year ending the day before the anchor and nothing after it', async () => {
    const run = await leadflow('demo', '--seed', '7', '--until', UNTIL);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(
      `wrote demo data in tenant ${system.config.tenant}: a year ending 2026-06-29 (${ZONE}), seed 7`,
    );
    const counts = await countDemoData(system.database.db, system.config.tenant);
    expect(counts.leads).toBeGreaterThan(2000);
    expect(counts.deals).toBeGreaterThan(300);
    expect(counts.people).toBe(17);
    const { db } = system.database;
    const end = new Date('2026-06-30T04:00:00Z');
    expect(await db.stageEvent.count({ where: { id: { contains: 'demo-' }, occurredAt: { gte: end } } })).toBe(0);
    // Stage reasons carry their codes as the journeys write them, so the demo reads in Chinese too.
    const coded = await db.stageEvent.groupBy({ by: ['reasonCode'], where: { id: { contains: 'demo-' } } });
    expect(coded.map((row) => row.reasonCode)).toEqual(
      expect.arrayContaining(['captured', 'bant-qualified', 'disqualified', 'converted', 'deal-closed']),
    );
    expect(await db.interaction.count({ where: { id: { contains: 'demo-' }, occurredAt: { gte: end } } })).toBe(0);
    expect(await db.decision.count({ where: { id: { contains: 'demo-' }, decidedAt: { gte: end } } })).toBe(0);
    expect(await db.dealForecast.count({ where: { id: { contains: 'demo-' }, occurredAt: { gte: end } } })).toBe(0);
    expect(await db.dealActivity.count({ where: { id: { contains: 'demo-' }, occurredAt: { gte: end } } })).toBe(0);
    expect(await db.quoteVersion.count({ where: { id: { contains: 'demo-' }, sentAt: { gte: end } } })).toBe(0);
    expect(await db.approvalRequest.count({ where: { id: { contains: 'demo-' }, decidedAt: { gte: end } } })).toBe(0);
    const first = await db.lead.findFirstOrThrow({
      where: { id: { startsWith: 'ld_demo-lead-' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(first.createdAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-06-30T04:00:00Z'));
  }, 120_000);

  it('when the same seed and anchor run again, then the demo data is replaced by the very same records', async () => {
    const { db } = system.database;
    const snapshot = () =>
      db.deal.findMany({
        where: { id: { contains: 'demo-' } },
        orderBy: { id: 'asc' },
        select: { id: true, stage: true, acvMinor: true, closedAt: true, lossReason: true, ownerEmail: true },
      });
    const before = await snapshot();
    const run = await leadflow('demo', '--seed', '7', '--until', UNTIL);
    expect(run.stdout).toContain('replaced the demo data');
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it('when the funnel and volume are read over a demo quarter, then every stage has leads and each holds no more than the one before', async () => {
    for (const view of ['cohort', 'period'] as const) {
      const { stages, steps } = (await report('funnel', `${Q1}&view=${view}`)).current;
      const counts = [stages.lead, stages.mql, stages.sql, stages.opportunity, stages.won].map((s) => s.count);
      expect(
        counts.every((n) => n > 0),
        `${view}: ${counts.join(' ')}`,
      ).toBe(true);
      if (view === 'cohort') {
        expect(counts).toEqual([...counts].sort((a, b) => b - a));
        for (const step of steps) {
          expect(step.conversion.value).toBeGreaterThan(0);
          expect(step.conversion.value).toBeLessThanOrEqual(1);
        }
      }
    }
    const volume = (await report('volume')).current;
    const deals = (await report('deals')).current;
    const winLoss = (await report('win-loss')).current;
    // The same wins counted three ways: leads won, deals won, deals won in the review.
    expect(volume.stages.won.count).toBe(deals.winRate.byCount.numerator.count);
    expect(winLoss.won.count).toBe(deals.winRate.byCount.numerator.count);
    expect(winLoss.won.count + winLoss.lost.count).toBe(deals.winRate.byCount.denominator.count);
    expect(deals.winRate.byCount.value).toBeGreaterThan(0.2);
    expect(deals.winRate.byCount.value).toBeLessThan(0.8);
    expect(deals.dealSize.acv.map((a) => a.currency)).toEqual(['EUR', 'USD']);
    expect(deals.cycle.n).toBeGreaterThan(0);
    expect(winLoss.lossReasons.length).toBeGreaterThan(2);
    for (const reason of winLoss.lossReasons) expect(LOSS_CODES).toContain(reason.key);
  });

  it('when speed, pipeline, deal desk, channels, retention and rule attribution are read, then each has figures', async () => {
    const speed = (await report('speed')).current;
    expect(speed.responseTime.businessHours.n).toBeGreaterThan(50);
    expect(speed.sla.attainment.value).toBeGreaterThan(0.5);
    expect(speed.sla.attainment.value).toBeLessThan(1);
    const pipeline = (await report('pipeline')).current;
    expect(pipeline.openByStage.map((s) => s.stage)).toEqual([
      'needs-analysis',
      'presentation',
      'proposal',
      'negotiation',
    ]);
    expect(pipeline.quotas!.length).toBe(15);
    expect(pipeline.quotas!.some((q) => (q.attainment ?? 0) > 0)).toBe(true);
    expect(pipeline.forecast.length).toBeGreaterThan(0);
    const desk = (await report('deal-desk')).current;
    expect(desk.discountDepth.discountBp.n).toBeGreaterThan(0);
    expect(desk.approvalTurnaround.businessHours.n).toBeGreaterThan(0);
    const channels = (await report('channels')).current;
    const ads = channels.channels.find((c) => c.source === 'ads')!;
    expect(ads.spend[0]!.amountMinor).toBeGreaterThan(0);
    expect(ads.byCurrency.find((c) => c.currency === 'USD')!.costPerLeadMinor).toBeGreaterThan(0);
    const retention = (await report('retention')).current;
    expect(retention.due.count).toBeGreaterThan(0);
    expect(retention.renewed.count).toBeGreaterThan(0);
    expect(retention.renewed.count + retention.notRenewed.count + retention.pending.count).toBe(retention.due.count);
    const attribution = (
      await report('rule-attribution', `from=2025-07-01&to=2026-06-29&zone=${ZONE}&asOf=2026-07-01T04:00:00Z`)
    ).current;
    expect(attribution.rows.map((row) => row.version)).toEqual(
      expect.arrayContaining(['demo-ruleset-a', 'demo-ruleset-b']),
    );
    // The switch from A to B is in the rules history, so the year's trend chart marks it, and the
    // versions are stored with real texts (the rules folder's): an explanation can show them.
    const year = `from=2025-07-01&to=2026-06-29&zone=${ZONE}&asOf=2026-07-01T04:00:00Z`;
    const marks = (await report('volume', year)).current.ruleActivations.map((mark) => mark.version);
    // A took over when the demo year began (2025-06-30), the day before this period.
    expect(marks).toEqual(['demo-ruleset-b']);
    const history = await http(`${system.url}/api/rules/activations`);
    expect(history.body.activations.map((a: { hash: string }) => a.hash)).toEqual(
      expect.arrayContaining(['demo-ruleset-a', 'demo-ruleset-b']),
    );
    const stored = await system.database.db.ruleVersion.findUniqueOrThrow({ where: { hash: 'demo-ruleset-b' } });
    expect(Object.keys(stored.files as object)).toContain('forecast.yaml');
    expect(stored.activatedAt).toBeNull();
  });

  it('when the workspace opens demo records, then the lead, deal, quote, versions, forecast and approval read like real ones', async () => {
    const { db } = system.database;
    const approval = await db.approvalRequest.findFirstOrThrow({
      where: { id: { contains: 'demo-' }, status: 'approved' },
      include: { quoteVersion: true },
    });
    const deal = await db.deal.findUniqueOrThrow({ where: { id: approval.dealId } });
    const paths = [
      `/api/leads/${deal.leadId}`,
      `/api/deals/${deal.id}`,
      `/api/deals/${deal.id}/quotes`,
      `/api/deals/${deal.id}/forecast`,
      `/api/deals/${deal.id}/activities`,
      `/api/quotes/${approval.quoteVersion.quoteId}`,
      `/api/quotes/${approval.quoteVersion.quoteId}/versions/${approval.quoteVersion.version}`,
      `/api/approvals/${approval.id}`,
      '/api/deals',
      '/api/leads',
    ];
    for (const path of paths) {
      const answer = await http(`${system.url}${path}`);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(200);
    }
    // A new quote names no template, so it takes "standard": the demo brings one, to quote at once.
    const template = await http(`${system.url}/api/quote-templates/standard`);
    expect(template.status).toBe(200);
    expect(template.body).toMatchObject({
      name: 'standard',
      currency: 'USD',
      seller: { name: 'Demo Seller Inc. (demo)' },
    });
  });

  it("when demo --remove runs, then every demo record is gone and the tenant's own records remain", async () => {
    const run = await leadflow('demo', '--remove');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/removed the demo data from tenant \S+: .*\d+ leads/);
    const { db } = system.database;
    const demo = { id: { contains: 'demo-' } };
    const left = [
      await db.rep.count({ where: demo }),
      await db.lead.count({ where: demo }),
      await db.stageEvent.count({ where: demo }),
      await db.interaction.count({ where: demo }),
      await db.decision.count({ where: demo }),
      await db.assignment.count({ where: demo }),
      await db.deal.count({ where: demo }),
      await db.dealForecast.count({ where: demo }),
      await db.dealActivity.count({ where: demo }),
      await db.quote.count({ where: demo }),
      await db.quoteVersion.count({ where: demo }),
      await db.approvalRequest.count({ where: demo }),
      await db.approvalStep.count({ where: demo }),
      await db.contract.count({ where: demo }),
      await db.account.count({ where: demo }),
      await db.campaign.count({ where: demo }),
      await db.marketingSpend.count({ where: demo }),
      await db.quota.count({ where: demo }),
      await db.product.count({ where: demo }),
      await db.priceBookEntry.count({ where: demo }),
      await db.quoteTemplate.count({ where: demo }),
    ];
    expect(
      left.every((n) => n === 0),
      left.join(' '),
    ).toBe(true);
    expect(await db.ruleActivation.count({ where: { hash: { startsWith: 'demo-' } } })).toBe(0);
    expect(await db.ruleVersion.count({ where: { hash: { startsWith: 'demo-' } } })).toBe(0);
    expect(await db.lead.findUnique({ where: { id: 'ld_own' } })).not.toBeNull();
    expect(await db.rep.findUnique({ where: { id: 'rep_own' } })).not.toBeNull();
    expect(await db.marketingSpend.findUnique({ where: { id: 'sp_own' } })).not.toBeNull();
    const volume = (await report('volume')).current;
    expect(volume.stages.lead.ids).toEqual(['ld_own']);
  });

  it('when the tenant has a standard quote template of its own, then demo keeps it and writes none, and --remove leaves it', async () => {
    const { db } = system.database;
    const tenant = system.config.tenant;
    const own = {
      seller: { name: 'Own Seller', address: null, taxId: null },
      paymentTerms: 'net-45',
      validForDays: null,
      currency: 'EUR',
      priceBook: 'standard',
      notes: null,
    };
    await db.quoteTemplate.create({ data: { id: 'qt_own', tenant, name: 'standard', content: own } });
    // The templates are written whatever the number of leads: a small demo is enough here.
    expect(await leadflow('demo', '--seed', '7', '--until', UNTIL, '--leads', '200')).toMatchObject({ code: 0 });
    expect(await db.quoteTemplate.findMany({ where: { tenant }, select: { id: true } })).toEqual([{ id: 'qt_own' }]);
    expect((await http(`${system.url}/api/quote-templates/standard`)).body.seller.name).toBe('Own Seller');
    expect(await leadflow('demo', '--remove')).toMatchObject({ code: 0 });
    expect(await db.quoteTemplate.findUnique({ where: { id: 'qt_own' } })).not.toBeNull();
  });

  // The options are refused before the database is opened, the same way on every provider: once, on SQLite.
  it.runIf(provider === 'sqlite')(
    'when demo gets a bad option, then it refuses with a usage message and writes nothing',
    async () => {
      const bad = await leadflow('demo', '--until', '2026-02-30', '--leads', '0');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--until: must be a real date, YYYY-MM-DD');
      expect(bad.stderr).toContain('--leads: must be a whole number from 1 to 100000');
      expect((await countDemoData(system.database.db, system.config.tenant)).leads).toBe(0);
    },
  );
});
