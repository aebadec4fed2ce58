/**
 * The deal desk through the real HTTP API on the dev server, as its people use it: a rep converts
 * an SQL, is told exactly what a stage still needs, holds a demo (the stakeholder becomes engaged
 * and the follow-up email goes out), quotes at 25 % and the approval chain runs with seconds-long
 * deadlines (the manager misses his, the director approves once even when the button is pressed
 * twice), the quote is signed on the fake e-signature provider's page and the deal closes won with
 * a contract; another deal is re-quoted while its approval is pending and then closed lost.
 * Emails are read from the system's SMTP sink; everything else from the API.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSignatureProvider, type FakeSignatureProvider } from '../../src/esign/fake-provider';
import { providers } from '../support/database';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { stockCatalogue } from '../quotes/deal-fixture';

const SECRET = 'deal-desk-api-webhook-secret-0123';
const DAY = 86_400_000;
const MISSING_FOR_PROPOSAL = [
  'record a needs-analysis summary',
  'identify the decision maker among the stakeholders',
  'hold a demo or solution presentation',
];

/**
 * Seconds-long manager deadlines (calendar time), so a missed deadline escalates within a test;
 * the director keeps the shipped business-day deadline. Cadences may send at any hour.
 */
const fastApprovalRules = () =>
  rulesFixture({
    cadences: fastJourneyRules.cadences,
    approvals: (doc) => {
      doc.setIn(['levels', 'manager', 'deadline'], '12 seconds');
      doc.setIn(['levels', 'manager', 'remindAfter'], '6 seconds');
    },
  });

interface ApprovalStepView {
  id: string;
  position: number;
  level: string;
  assignee: string;
  status: string;
  decidedBy: string | null;
}
interface ApprovalView {
  id: string;
  status: string;
  tier: string;
  contentHash: string;
  quote: { id: string; version: number; status: string };
  steps: ApprovalStepView[];
  outcomeReason: string | null;
}

describe.each(providers)('deal desk through the HTTP API (%s)', (provider) => {
  let fake: FakeSignatureProvider;
  let system: TestSystem;
  let revops: string;
  let director: string;
  let manager: string;
  let otherManager: string;
  let outsider: string;
  const rulesDir = fastApprovalRules();

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: token ? bearer(token) : {}, anonymous: !token });
  const mail = async (to: string) =>
    (await system.mailbox!.list({ to })).map((m) => ({ subject: m.subject, text: m.text }));

  beforeAll(async () => {
    fake = await startFakeSignatureProvider({ secret: SECRET });
    system = await startTestSystem(provider, {
      LEADFLOW_RULES_DIR: rulesDir,
      ESIGN_FAKE_URL: fake.url,
      ESIGN_WEBHOOK_SECRET: SECRET,
    });
    fake.setWebhookUrl(`${system.url}/api/webhooks/esign/fake`);
    revops = await system.personToken('revops@example.com', 'revops');
    director = await system.personToken('dana.director@example.com', 'director');
    manager = await system.personToken('mike.manager@example.com', 'manager', {
      managerEmail: 'dana.director@example.com',
    });
    otherManager = await system.personToken('mallory.manager@example.com', 'manager', {
      managerEmail: 'dana.director@example.com',
    });
    outsider = await system.personToken('other.rep@example.com', 'rep', {
      managerEmail: 'mallory.manager@example.com',
    });
    await stockCatalogue(system, revops);
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await fake?.stop();
  });
  afterAll(() => rmSync(rulesDir, { recursive: true, force: true }));

  /** A lead captured and qualified to SQL by BANT through the API; its owner (the routed rep) gets a token, reporting to Mike. */
  async function sqlLead(
    email: string,
    firstName: string,
  ): Promise<{ leadId: string; ownerEmail: string; owner: string }> {
    const lead = await call('POST', '/api/leads', revops, {
      email,
      firstName,
      company: `${firstName}'s Company`,
      title: 'VP Engineering',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    expect(lead.status).toBe(201);
    await call('POST', `/api/leads/${lead.body.id}/events`, revops, { type: 'pricing-page-visit' });
    const bant = await call('POST', `/api/leads/${lead.body.id}/bant`, revops, {
      budget: 'confirmed',
      authority: 'decision-maker',
      need: 'confirmed',
      timeline: 'this-quarter',
    });
    expect(bant.body).toMatchObject({ stage: 'sql' });
    const ownerEmail = (await call('GET', `/api/leads/${lead.body.id}`, revops)).body.ownerId as string;
    expect(ownerEmail).toMatch(/@example\.com$/);
    const owner = await system.personToken(ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
    return { leadId: lead.body.id, ownerEmail, owner };
  }

  const approval = async (requestId: string, token = revops) =>
    (await call('GET', `/api/approvals/${requestId}`, token)).body as ApprovalView;
  const auditActions = async (dealId: string) => {
    const entries: Array<{
      action: string;
      actor: string;
      subjectId: string;
      reason: string | null;
      details: Record<string, unknown>;
    }> = [];
    for (let cursor: string | undefined, page = 0; page < 20; page++) {
      const response = await call(
        'GET',
        `/api/audit?dealId=${dealId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        revops,
      );
      expect(response.status).toBe(200);
      entries.push(...response.body.entries);
      cursor = response.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    return entries;
  };
  const quoteBody = (discount: string, quantity = 10) => ({
    customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', email: 'grace@compilers.io', region: 'US' },
    lines: [{ sku: 'PLAT-ENT-1Y', quantity, discount }],
  });

  // The story of one deal, step by step; each `it` continues where the previous one left off.
  let won: { leadId: string; ownerEmail: string; owner: string; dealId: string };

  it("when an SQL is converted, then it takes a token (401), its owner (404 for another team's rep, who cannot see it), and once converted a repeat returns the same deal (200)", async () => {
    const lead = await sqlLead('grace@compilers.io', 'Grace');
    const convert = (token?: string) => call('POST', `/api/leads/${lead.leadId}/convert`, token, {});

    const anonymous = await convert();
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    const stranger = await convert(outsider);
    expect(stranger).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: `No lead ${lead.leadId} in tenant ${system.config.tenant}.` } },
    });
    expect(await system.database.db.deal.count({ where: { leadId: lead.leadId } })).toBe(0);

    const converted = await convert(lead.owner);
    expect(converted.status).toBe(201);
    expect(converted.body).toMatchObject({ dealId: expect.stringMatching(/^dl_/), created: true });
    expect(converted.headers.get('location')).toBe(`/api/deals/${converted.body.dealId}`);
    const again = await convert(lead.owner);
    expect(again).toMatchObject({ status: 200, body: { dealId: converted.body.dealId, created: false } });
    won = { ...lead, dealId: converted.body.dealId };

    const deal = await call('GET', `/api/deals/${won.dealId}`, lead.owner);
    expect(deal.body).toMatchObject({
      id: won.dealId,
      owner: lead.ownerEmail,
      stage: 'needs-analysis',
      journey: { status: 'live', stage: 'needs-analysis' },
    });

    // A lead that is not an SQL yet: the lead journey says why not.
    const mql = await call('POST', '/api/leads', revops, {
      email: 'ada@engines.io',
      firstName: 'Ada',
      company: 'Engines',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    const early = await call('POST', `/api/leads/${mql.body.id}/convert`, revops, {});
    expect(early).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message: expect.stringMatching(/only an SQL can be converted into a deal; this lead is \w+/),
        },
      },
    });
  });

  it('when a deal moves too early, then 422 lists every missing criterion; closed lost needs a reason; once prepared it enters proposal and the decision is explained', async () => {
    const { dealId, owner } = won;
    const early = await call('POST', `/api/deals/${dealId}/stage`, owner, { to: 'proposal' });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('not_allowed');
    expect(early.body.error.fields.map((f: { message: string }) => f.message)).toEqual(MISSING_FOR_PROPOSAL);

    const lostWithoutReason = await call('POST', `/api/deals/${dealId}/stage`, owner, { to: 'closed-lost' });
    expect(lostWithoutReason.status).toBe(422);
    expect(lostWithoutReason.body.error).toMatchObject({
      code: 'unprocessable',
      fields: [{ path: 'reason', message: expect.stringContaining('closing a deal as lost') }],
    });
    expect((await call('GET', `/api/deals/${dealId}`, owner)).body.stage).toBe('needs-analysis');

    const needs = await call('PUT', `/api/deals/${dealId}/needs`, owner, {
      spin: {
        situation: 'Spreadsheets',
        problem: 'Leads go cold',
        implication: 'Missed quota',
        needPayoff: 'Routed in minutes',
      },
      painPoints: ['slow follow-up'],
      businessGoals: ['+20% pipeline'],
      objections: [],
      summary: 'Needs automated routing and SLAs for 40 reps.',
      revision: 1,
    });
    expect(needs.status).toBe(200);
    const still = await call('POST', `/api/deals/${dealId}/stage`, owner, { to: 'proposal' });
    expect(still.status).toBe(422);
    expect(still.body.error.fields.map((f: { message: string }) => f.message)).toEqual(MISSING_FOR_PROPOSAL.slice(1));
  });

  it('when a demo is scheduled and held with the decision maker, then reminders are planned, the decision maker is engaged, the thank-you email arrives and the deal may enter proposal', async () => {
    const { dealId, owner } = won;
    const decider = await call('POST', `/api/deals/${dealId}/stakeholders`, owner, {
      name: 'Howard Aiken',
      email: 'howard@compilers.io',
      role: 'decision-maker',
      influence: 'high',
    });
    expect(decider.status).toBe(201);

    const startsAt = new Date(Date.now() + 2 * DAY);
    const demo = await call('POST', `/api/deals/${dealId}/meetings`, owner, {
      kind: 'demo',
      title: 'Platform demo',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      attendees: [
        { name: 'Howard Aiken', contactId: decider.body.id },
        { name: 'Grace Hopper', email: 'grace@compilers.io' },
      ],
    });
    expect(demo.status).toBe(201);
    expect(demo.body.remindAt).toEqual([
      new Date(startsAt.getTime() - DAY).toISOString(),
      new Date(startsAt.getTime() - 3_600_000).toISOString(),
    ]);

    const held = await call('POST', `/api/deals/${dealId}/meetings/${demo.body.meetingId}/outcome`, owner, {
      status: 'held',
      attendance: [
        { name: 'Howard Aiken', contactId: decider.body.id, attended: true },
        { name: 'Grace Hopper', attended: true },
      ],
      feedback: 'Loved the routing rules',
    });
    expect(held.status).toBe(200);
    expect(held.body.followUp).toContain('demo-follow-up');

    const graph = await call('GET', `/api/deals/${dealId}/stakeholders/graph`, owner);
    expect(graph.body.nodes.find((n: { id: string }) => n.id === decider.body.id)).toMatchObject({
      role: 'decision-maker',
      engagedAt: expect.any(String),
    });
    expect(graph.body.warnings.map((w: { code: string }) => w.code)).not.toContain('decision-maker-not-engaged');

    expect(
      await eventually(
        async () =>
          (await mail('grace@compilers.io')).some((m) => m.subject === 'Thank you for your time today, Grace'),
        30_000,
      ),
    ).toBe(true);
    expect(
      (await mail('grace@compilers.io')).find((m) => m.subject === 'Thank you for your time today, Grace')!.text,
    ).toContain('Thank you for joining the demo today');

    const moved = await call('POST', `/api/deals/${dealId}/stage`, owner, { to: 'proposal' });
    expect(moved).toMatchObject({ status: 200, body: { stage: 'proposal', warnings: [] } });

    const deal = (await call('GET', `/api/deals/${dealId}`, owner)).body;
    expect(deal).toMatchObject({
      stage: 'proposal',
      meetings: [{ id: demo.body.meetingId, kind: 'demo', status: 'held', feedback: 'Loved the routing rules' }],
    });
    expect(deal.stageEvents.map((e: { toStage: string }) => e.toStage).slice(-2)).toEqual([
      'needs-analysis',
      'proposal',
    ]);
    expect(deal.stageEvents.at(-1)).toMatchObject({
      fromStage: 'needs-analysis',
      toStage: 'proposal',
      rulesetVersion: expect.any(String),
    });
    const exits = deal.decisions.filter((d: { kind: string }) => d.kind === 'stage-exit');
    expect(exits.map((d: { outcome: { kind: string } }) => d.outcome.kind)).toEqual(['blocked', 'blocked', 'allowed']);
    expect(exits[0]).toMatchObject({
      rulesetVersion: expect.any(String),
      outcome: { missing: MISSING_FOR_PROPOSAL },
      explanation: { summary: expect.stringContaining('record a needs-analysis summary') },
    });
    expect(exits[2]).toMatchObject({
      rulesetVersion: deal.stageEvents.at(-1).rulesetVersion,
      explanation: { summary: expect.any(String) },
    });
  });

  let quote: { id: string; number: string; requestId: string; contentHash: string };

  it('when a quote at 25% waits for approval, then the manager is asked, only the designated approver may decide, a missed deadline escalates to the director, and a double-clicked approve decides once', async () => {
    const { dealId, owner, ownerEmail } = won;
    const created = await call('POST', `/api/deals/${dealId}/quotes`, owner, quoteBody('25'));
    expect(created.status).toBe(201);
    expect(created.body.submission).toMatchObject({
      submitted: true,
      status: 'pending-approval',
      tier: 'director-authority',
    });
    const current = created.body.quote.current;
    quote = {
      id: created.body.quote.id,
      number: created.body.quote.number,
      requestId: `apr_${current.id}`,
      contentHash: current.contentHash,
    };

    // The manager is emailed and finds the request in his queue.
    const asked = `Approval needed: ${quote.number} v1`;
    expect(
      await eventually(
        async () => (await mail('mike.manager@example.com')).some((m) => m.subject.startsWith(asked)),
        30_000,
      ),
    ).toBe(true);
    const queue = await call('GET', '/api/approvals?assignee=me&status=pending', manager);
    expect(queue.status).toBe(200);
    expect(queue.body.approvals).toMatchObject([
      {
        id: quote.requestId,
        dealId,
        status: 'pending',
        tier: 'director-authority',
        quote: { id: quote.id, version: 1, status: 'pending-approval' },
      },
    ]);
    expect((await call('GET', '/api/approvals?assignee=me&status=pending', director)).body.approvals).toEqual([]);
    const managerStep = queue.body.approvals[0].steps[0] as ApprovalStepView;
    const bystander = await call(
      'POST',
      `/api/approvals/${quote.requestId}/steps/${managerStep.id}/decision`,
      otherManager,
      { decision: 'approve', contentHash: quote.contentHash },
    );
    // A manager of another team has no step on this request and no report on the deal: it is out of sight.
    expect(bystander).toMatchObject({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          message: `No approval request ${quote.requestId} in tenant ${system.config.tenant}.`,
        },
      },
    });

    // The manager misses his deadline (seconds in this fixture): reminded, then escalated to the director.
    expect(
      await eventually(
        async () =>
          (await approval(quote.requestId)).steps.some((s) => s.level === 'director' && s.status === 'pending'),
        60_000,
      ),
    ).toBe(true);
    const escalated = await approval(quote.requestId);
    expect(escalated).toMatchObject({ status: 'pending', contentHash: quote.contentHash });
    expect(escalated.steps.map((s) => [s.level, s.assignee, s.status, s.decidedBy])).toEqual([
      ['manager', 'mike.manager@example.com', 'escalated', 'system'],
      ['director', 'dana.director@example.com', 'pending', null],
    ]);
    expect((await mail('mike.manager@example.com')).map((m) => m.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining(`Reminder: approval of ${quote.number} v1`)]),
    );
    expect(
      await eventually(
        async () => (await mail('dana.director@example.com')).some((m) => m.subject.startsWith(asked)),
        30_000,
      ),
    ).toBe(true);
    expect((await call('GET', '/api/approvals?assignee=me&status=pending', manager)).body.approvals).toEqual([]);
    expect(
      (await call('GET', '/api/approvals?assignee=me&status=pending', director)).body.approvals.map(
        (a: ApprovalView) => a.id,
      ),
    ).toEqual([quote.requestId]);

    const directorStep = escalated.steps.find((s) => s.level === 'director')!;
    const decide = (token: string, body: Record<string, unknown>) =>
      call('POST', `/api/approvals/${quote.requestId}/steps/${directorStep.id}/decision`, token, body);
    const approve = { decision: 'approve', comment: 'Strategic logo', contentHash: quote.contentHash };

    // Nobody else decides; nobody decides on content they did not review.
    expect((await decide(otherManager, approve)).status).toBe(404); // not in their sight at all
    for (const token of [manager, owner]) {
      const refused = await decide(token, approve);
      expect(refused).toMatchObject({
        status: 403,
        body: {
          error: {
            code: 'forbidden',
            message: expect.stringContaining('dana.director@example.com (the director approver)'),
          },
        },
      });
    }
    const stale = await decide(director, { ...approve, contentHash: 'f'.repeat(64) });
    expect(stale).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', fields: [{ path: 'contentHash' }] } },
    });
    expect((await approval(quote.requestId)).steps.find((s) => s.id === directorStep.id)).toMatchObject({
      status: 'pending',
    });

    // A double click: two identical requests at once make one decision.
    const [first, second] = await Promise.all([decide(director, approve), decide(director, approve)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    expect(first.body).toMatchObject({
      stepId: directorStep.id,
      decision: 'approved',
      decidedBy: 'dana.director@example.com',
      requestStatus: 'approved',
    });
    // A third press, after the fact, gets the same answer.
    const again = await decide(director, approve);
    expect(again).toMatchObject({ status: 200, body: first.body });

    expect(await eventually(async () => (await approval(quote.requestId)).status === 'approved', 30_000)).toBe(true);
    const decisions = (await auditActions(dealId)).filter(
      (e) => e.action === 'approval.approved' && e.details.stepId === directorStep.id,
    );
    expect(decisions).toMatchObject([
      { actor: 'dana.director@example.com', reason: 'Strategic logo', subjectId: quote.requestId },
    ]);
    expect(
      await eventually(
        async () => (await mail(ownerEmail)).some((m) => m.subject.startsWith('Quote approved')),
        30_000,
      ),
    ).toBe(true);
  });

  it("when the approved quote is sent and signed on the provider's page, then the deal is closed won with a contract and the audit trail tells the story", async () => {
    const { dealId, owner } = won;
    const sent = await call('POST', `/api/quotes/${quote.id}/versions/1/send`, owner);
    expect(sent).toMatchObject({ status: 200, body: { expiresAt: expect.any(String) } });
    expect((await call('POST', `/api/deals/${dealId}/stage`, owner, { to: 'negotiation' })).body).toMatchObject({
      stage: 'negotiation',
    });

    const requested = await call('POST', `/api/quotes/${quote.id}/versions/1/signature`, owner, {
      signer: { name: 'Howard Aiken', email: 'howard@compilers.io' },
    });
    expect(requested.status).toBe(202);
    const pressed = await fetch(`${fake.url}/envelopes/${requested.body.envelopeId}/sign`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(pressed.status).toBe(303);

    expect(
      await eventually(async () => (await call('GET', `/api/deals/${dealId}`, owner)).body.contract !== null, 30_000),
    ).toBe(true);
    const deal = (await call('GET', `/api/deals/${dealId}`, owner)).body;
    // 10 × 1,200.00 a year − 25 % = 9,000.00 for the default 12-month term, excluding tax (none in the US).
    expect(deal).toMatchObject({
      stage: 'closed-won',
      closedAt: expect.any(String),
      amountMinor: 900_000,
      acvMinor: 900_000,
      contract: { termMonths: 12, tcvMinor: 900_000, acvMinor: 900_000, currency: 'USD', status: 'active' },
    });
    expect(Date.parse(deal.contract.endDate) - Date.parse(deal.contract.startDate)).toBeGreaterThanOrEqual(365 * DAY);
    expect(deal.quotes[0].versions[0]).toMatchObject({ status: 'signed', signedAt: expect.any(String) });

    const actions = (await auditActions(dealId)).map((e) => e.action);
    for (const action of [
      'deal.created',
      'deal.stage-changed',
      'meeting.scheduled',
      'meeting.recorded',
      'quote.created',
      'approval.requested',
      'approval.assigned',
      'approval.reminded',
      'approval.escalated',
      'approval.approved',
      'quote.sent',
      'signature.sent',
      'signature.signed',
      'quote.signed',
      'contract.created',
    ]) {
      expect(actions, action).toContain(action);
    }
    const closed = await call('POST', `/api/deals/${dealId}/stage`, owner, {
      to: 'closed-lost',
      reason: 'changed our minds',
    });
    expect(closed).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', message: expect.stringContaining('is closed-won') } },
    });
    const meeting = await call('POST', `/api/deals/${dealId}/meetings`, owner, {
      kind: 'meeting',
      title: 'Kick-off',
      startsAt: new Date(Date.now() + DAY).toISOString(),
      endsAt: new Date(Date.now() + DAY + 3_600_000).toISOString(),
    });
    expect(meeting).toMatchObject({
      status: 409,
      body: { error: { message: expect.stringContaining('is closed-won') } },
    });
    expect((await call('GET', `/api/deals/${dealId}`, owner)).body.meetings).toHaveLength(1);
  });

  it('when a quote is edited while its approval is pending, then that request is cancelled and the new version gets its own; closing the deal lost (with a reason) withdraws it', async () => {
    const lead = await sqlLead('linus@kernel.org', 'Linus');
    const { dealId } = (await call('POST', `/api/leads/${lead.leadId}/convert`, lead.owner, {})).body;

    const created = await call('POST', `/api/deals/${dealId}/quotes`, lead.owner, quoteBody('25', 5));
    expect(created.body.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    const firstRequest = `apr_${created.body.quote.current.id}`;
    expect(await eventually(async () => (await approval(firstRequest)).steps.length > 0, 30_000)).toBe(true);

    const edited = await call('PUT', `/api/quotes/${created.body.quote.id}`, lead.owner, {
      ...quoteBody('15', 5),
      revision: created.body.quote.revision,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.submission).toMatchObject({
      submitted: true,
      status: 'pending-approval',
      tier: 'manager-authority',
    });
    const secondRequest = `apr_${edited.body.quote.current.id}`;
    expect(await eventually(async () => (await approval(firstRequest)).status === 'cancelled', 30_000)).toBe(true);
    const cancelled = await approval(firstRequest);
    expect(cancelled).toMatchObject({
      outcomeReason: expect.stringContaining('quote edited'),
      quote: { version: 1, status: 'superseded' },
    });
    expect(cancelled.steps.every((s) => s.status !== 'pending')).toBe(true);
    expect(await approval(secondRequest)).toMatchObject({
      status: 'pending',
      tier: 'manager-authority',
      quote: { version: 2, status: 'pending-approval' },
    });
    const stale = await call(
      'POST',
      `/api/approvals/${firstRequest}/steps/${cancelled.steps[0]!.id}/decision`,
      manager,
      { decision: 'approve', contentHash: cancelled.contentHash },
    );
    expect(stale.status).toBe(409);

    const noReason = await call('POST', `/api/deals/${dealId}/stage`, lead.owner, { to: 'closed-lost', reason: '   ' });
    expect(noReason.status).toBe(400);
    const lost = await call('POST', `/api/deals/${dealId}/stage`, lead.owner, {
      to: 'closed-lost',
      reason: 'chose a competitor',
    });
    expect(lost).toMatchObject({ status: 200, body: { stage: 'closed-lost' } });
    expect(await eventually(async () => (await approval(secondRequest)).status === 'cancelled', 30_000)).toBe(true);
    expect(await approval(secondRequest)).toMatchObject({ outcomeReason: 'deal closed lost' });
    expect((await call('GET', `/api/deals/${dealId}`, lead.owner)).body).toMatchObject({
      stage: 'closed-lost',
      closeReason: 'chose a competitor',
      closedAt: expect.any(String),
    });
    const trail = await auditActions(dealId);
    expect(
      new Set(trail.filter((e) => e.action === 'approval.cancelled' && e.actor === 'system').map((e) => e.subjectId)),
    ).toEqual(new Set([firstRequest, secondRequest]));
    expect(trail.find((e) => e.action === 'deal.stage-changed' && e.details.to === 'closed-lost')).toMatchObject({
      actor: lead.ownerEmail,
      reason: 'chose a competitor',
    });
  });
});
