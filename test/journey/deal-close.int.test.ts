import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournalActivities } from '../../activities/journal';
import { journeyState } from '../../workflows/messages';
import { stockCatalogue } from '../quotes/deal-fixture';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

interface StageEventView {
  fromStage: string | null;
  toStage: string;
  reason: string;
  rulesetVersion: string | null;
}

/**
 * A converted lead follows its deal to the end (issue #11, item 11): closed won makes it a
 * `customer`, closed lost makes it `lost`, each with a stage event (reason, ruleset version) and an
 * audit entry, so the funnel from opportunity to won is in the lead's stage history. Real dev
 * server, SQLite, through the HTTP API.
 */
describe('a converted lead when its deal closes', () => {
  let system: TestSystem;
  let revops: string;
  const rulesDir = rulesFixture({
    ...fastJourneyRules,
    escalation: (doc) => {
      fastJourneyRules.escalation(doc);
      doc.setIn(['slas', 0, 'within'], '1 hour');
    },
  });
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir });
    revops = await system.personToken('revops@example.com', 'revops');
    await stockCatalogue(system, revops);
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });
  const post = (path: string, body: unknown) => http(`${system.url}${path}`, { body, headers: bearer(revops) });
  const get = async (path: string) => (await http(`${system.url}${path}`, { headers: bearer(revops) })).body;

  /** A lead made an MQL, qualified to SQL by BANT and converted by revops; returns its lead and deal. */
  async function convertedLead(email: string) {
    const lead = await post('/api/leads', {
      email,
      firstName: 'Grace',
      company: 'Compilers Inc',
      title: 'VP Engineering',
      source: 'events',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    await post(`/api/leads/${lead.body.id}/events`, { type: 'pricing-page-visit' });
    const bant = await post(`/api/leads/${lead.body.id}/bant`, {
      budget: 'confirmed',
      authority: 'decision-maker',
      need: 'confirmed',
      timeline: 'this-quarter',
    });
    expect(bant.body).toMatchObject({ stage: 'sql' });
    const converted = await post(`/api/leads/${lead.body.id}/convert`, {});
    expect(converted.status).toBe(201);
    return { leadId: lead.body.id as string, journeyId: lead.body.journeyId as string, dealId: converted.body.dealId };
  }
  const liveStage = async (journeyId: string) =>
    (await system.temporal.workflow.getHandle(journeyId).query(journeyState)).stage;
  const leadAudit = async (leadId: string) =>
    (await get(`/api/audit?subjectType=lead&subjectId=${leadId}`)).entries as Array<{
      action: string;
      actor: string;
      reason: string;
      dealId: string | null;
      details: Record<string, unknown>;
    }>;

  it('when the deal closes won, then the lead becomes a customer, with its stage event (reason, rules version) and audit entry, once', async () => {
    const { leadId, journeyId, dealId } = await convertedLead('grace@compilers.io');
    const quote = await post(`/api/deals/${dealId}/quotes`, {
      customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', email: 'grace@compilers.io', region: 'US' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 3, discount: '5' }],
    });
    expect(quote.body.submission).toMatchObject({ status: 'approved' });
    const won = await post(`/api/deals/${dealId}/stage`, { to: 'closed-won', quoteId: quote.body.quote.id });
    expect(won.status).toBe(200);

    const lead = await get(`/api/leads/${leadId}`);
    expect(lead.stage).toBe('customer');
    const events = lead.stageEvents as StageEventView[];
    // The funnel, opportunity to won, is in the lead's stage history.
    expect(events.map((event) => event.toStage)).toEqual([
      'new',
      'engaged',
      'mql',
      'sql',
      'needs-analysis',
      'closed-won',
      'customer',
    ]);
    const closeCheck = (await get(`/api/deals/${dealId}`)).decisions.find(
      (decision: { kind: string; outcome: { kind: string } }) =>
        decision.kind === 'stage-exit' && decision.outcome.kind === 'allowed',
    );
    expect(events.at(-1)).toEqual({
      fromStage: 'sql',
      toStage: 'customer',
      reason: `deal ${dealId} closed won: closed won by revops@example.com`,
      rulesetVersion: closeCheck.rulesetVersion,
      occurredAt: expect.any(String),
    });
    expect(closeCheck.rulesetVersion).toBe((await get('/api/rules')).activeVersion);
    expect((await leadAudit(leadId)).filter((entry) => entry.action === 'lead.stage-changed')).toEqual([
      expect.objectContaining({
        actor: 'revops@example.com',
        dealId,
        reason: `deal ${dealId} closed won: closed won by revops@example.com`,
        details: { from: 'sql', to: 'customer', dealId, rulesetVersion: closeCheck.rulesetVersion },
      }),
    ]);
    // The lead's journey mirrors the stage, and the lists find the lead among customers.
    expect(await eventually(async () => (await liveStage(journeyId)) === 'customer', 10_000)).toBe(true);
    expect((await get('/api/leads?stage=customer')).leads.map((row: { id: string }) => row.id)).toEqual([leadId]);
    expect((await get('/api/leads?stage=sql')).leads.map((row: { id: string }) => row.id)).not.toContain(leadId);

    // A retried activity records nothing twice.
    const again = await createJournalActivities(system.database.db).closeLeadWithDeal({
      dealId,
      outcome: 'won',
      actor: 'revops@example.com',
      reason: 'closed won by revops@example.com',
      rulesetVersion: closeCheck.rulesetVersion,
      at: new Date().toISOString(),
    });
    expect(again).toEqual({ leadId, journeyId, stage: 'customer' });
    expect(await system.database.db.stageEvent.count({ where: { leadId, toStage: 'customer' } })).toBe(1);
    expect(
      await system.database.db.auditEvent.count({ where: { subjectId: leadId, action: 'lead.stage-changed' } }),
    ).toBe(1);

    // A customer's behaviours still score; the stage stays.
    const visit = await post(`/api/leads/${leadId}/events`, { type: 'webinar-attendance' });
    expect(visit.body).toMatchObject({ stage: 'customer', score: 105 });
  });

  it('when the deal closes lost, then the lead is lost, with the reason, the rules version behind its latest decision and an audit entry', async () => {
    const { leadId, journeyId, dealId } = await convertedLead('linus@kernel.org');
    const lost = await post(`/api/deals/${dealId}/stage`, { to: 'closed-lost', reason: 'chose a competitor' });
    expect(lost.status).toBe(200);

    const lead = await get(`/api/leads/${leadId}`);
    expect(lead.stage).toBe('lost');
    const events = lead.stageEvents as StageEventView[];
    expect(events.map((event) => event.toStage).slice(-3)).toEqual(['needs-analysis', 'closed-lost', 'lost']);
    const version = (await get('/api/rules')).activeVersion;
    expect(events.at(-1)).toMatchObject({
      fromStage: 'sql',
      toStage: 'lost',
      reason: `deal ${dealId} closed lost: chose a competitor`,
      rulesetVersion: version,
    });
    expect((await leadAudit(leadId)).filter((entry) => entry.action === 'lead.stage-changed')).toEqual([
      expect.objectContaining({
        actor: 'revops@example.com',
        reason: `deal ${dealId} closed lost: chose a competitor`,
        details: { from: 'sql', to: 'lost', dealId, rulesetVersion: version },
      }),
    ]);
    expect(await eventually(async () => (await liveStage(journeyId)) === 'lost', 10_000)).toBe(true);
    expect((await get('/api/leads?stage=lost')).leads.map((row: { id: string }) => row.id)).toEqual([leadId]);
  });
});
