import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadActivities } from '../../activities/leads';
import { handToJourney } from '../../src/usecases/journey-handoff';
import { journeyState } from '../../workflows/messages';
import { providers } from '../support/database';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

const strongProfile = (email: string) => ({
  email,
  firstName: 'Ada',
  company: 'Analytical Engines',
  title: 'VP Sales',
  source: 'events',
  sourceDetails: { event: 'SaaStr Annual' },
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
});

describe.each(providers)('lead journey on %s', (provider) => {
  let system: TestSystem;
  const rulesDir = rulesFixture(fastJourneyRules);
  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) => http(`${system.url}${path}`, { body });
  const lead = async (id: string) => (await http(`${system.url}/api/leads/${id}`)).body;
  const state = (journeyId: string) => system.temporal.workflow.getHandle(journeyId).query(journeyState);

  it('when a strong lead visits the pricing page, then it becomes MQL, is routed to the right rep and gets the first cadence email', async () => {
    const created = await post('/api/leads', strongProfile('ada@engines.io'));
    expect(created.status).toBe(201);
    expect(await lead(created.body.id)).toMatchObject({ stage: 'new', score: 75 });

    const visit = await post(`/api/leads/${created.body.id}/events`, {
      type: 'pricing-page-visit',
      details: { url: 'https://leadflow.dev/pricing' },
    });
    expect(visit.status).toBe(201);
    expect(visit.body).toMatchObject({ stage: 'mql', score: 90 });

    const shown = await lead(created.body.id);
    expect(shown).toMatchObject({ stage: 'mql', score: 90, ownerId: 'alice.chen@example.com', slaStatus: 'running' });
    expect(shown.stageEvents.map((event: { toStage: string }) => event.toStage)).toEqual(['new', 'engaged', 'mql']);
    expect(shown.journey).toMatchObject({
      owner: 'alice.chen@example.com',
      sla: { name: 'mql-first-touch', status: 'running' },
      cadence: { name: 'event-follow-up' },
    });

    const routing = shown.decisions.find((decision: { kind: string }) => decision.kind === 'routing');
    expect(routing.explanation.summary).toContain('Routed by rule "enterprise-north-america" to pool enterprise-na');
    expect(shown.journey.scoreBreakdown).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'pricing-page-visit', points: 15 })]),
    );

    const queue = await http(`${system.url}/api/leads?stage=mql&owner=alice.chen@example.com`);
    expect(queue.status).toBe(200);
    expect(queue.body.leads.map((row: { id: string }) => row.id)).toContain(created.body.id);
    expect((await http(`${system.url}/api/leads?stage=mql&owner=nobody`)).body.error.fields).toEqual([
      { path: 'owner', message: 'must be "me" or the owner\'s email address' },
    ]);

    const decisions = await system.database.db.decision.findMany({
      where: { leadId: created.body.id },
      orderBy: { decidedAt: 'asc' },
    });
    expect(new Set(decisions.map((decision) => decision.kind))).toEqual(
      new Set(['scoring', 'routing', 'sla', 'enrolment', 'stalled']),
    );
    const version = (await http(`${system.url}/api/rules`)).body.activeVersion;
    expect(decisions.every((decision) => decision.rulesetVersion === version)).toBe(true);

    const cadenceEmail = await eventually(
      async () => (await system.mailbox!.list({ to: 'ada@engines.io' })).length > 0,
      20_000,
    );
    expect(cadenceEmail).toBe(true);
    const [first] = await system.mailbox!.list({ to: 'ada@engines.io' });
    expect(first!.subject).toBe('Great meeting you at SaaStr Annual');
    expect(first!.text).toContain('Hi Ada,');
    expect(first!.text).toContain('Alice');
    const ownerNotice = await system.mailbox!.list({ to: 'alice.chen@example.com' });
    expect(ownerNotice.map((message) => message.subject)).toContain('New MQL: Ada (Analytical Engines), score 90');
  });

  it('when a submission was stored but its journey never heard back (a crash between the write and its acknowledgement), then handing it over again says created, counts it once and scores the lead', async () => {
    const tenant = system.config.tenant;
    const leadId = 'ld_lostAcknowledgement001';
    const journeyId = `lead-${tenant}-${leadId}`;
    const submission = {
      ...strongProfile('lost-ack@engines.io'),
      source: 'events' as const,
      tenant,
      submissionId: 'lost-ack-1',
      receivedAt: '2026-03-02T09:00:00.000Z',
    };
    // The write committed; then everything died before the journey recorded the activity's result.
    await createLeadActivities(system.database.db).recordSubmission({ leadId, journeyId, submission });
    const handoff = await handToJourney(
      { temporal: system.temporal, taskQueue: system.config.temporal.taskQueue },
      { tenant, leadId, journeyId, submission },
      20_000,
    );
    expect(handoff).toMatchObject({ kind: 'stored', receipt: { leadId, created: true, submissions: 1 } });
    const shown = await lead(leadId);
    expect(shown).toMatchObject({ email: 'lost-ack@engines.io', score: 75, journey: { submissions: 1 } });
    expect(shown.interactions).toHaveLength(1);
  });

  it('when an MQL is known only by its CRM id, then its cadence email step becomes a task for the owner instead of a send', async () => {
    const { email: _none, ...profile } = strongProfile('unused@example.com');
    const created = await post('/api/leads', { ...profile, externalId: 'crm-no-email-1' });
    expect(created.status).toBe(201);
    await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-page-visit' });
    const reviewTask = async () =>
      ((await lead(created.body.id)).tasks as { kind: string }[]).find((t) => t.kind === 'review');
    expect(await eventually(async () => (await reviewTask()) !== undefined, 20_000)).toBe(true);
    expect(await reviewTask()).toMatchObject({
      ownerEmail: 'alice.chen@example.com',
      status: 'open',
      title: 'No email address on file: find one and send "Great meeting you at SaaStr Annual" by hand',
    });
    expect(
      await system.database.db.outboundEmail.count({ where: { leadId: created.body.id, template: { not: null } } }),
    ).toBe(0);
  });

  it('when the owner does not touch the MQL in time, then the SLA escalates: remind, reassign, manager, queue', async () => {
    const created = await post('/api/leads', strongProfile('grace@compilers.io'));
    await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-page-visit' });
    const firstOwner = (await state(created.body.journeyId)).owner;
    expect(firstOwner).not.toBeNull();

    const escalated = await eventually(
      async () => (await state(created.body.journeyId)).sla?.escalations.length === 4,
      40_000,
    );
    expect(escalated).toBe(true);
    const after = await state(created.body.journeyId);
    expect(after.sla).toMatchObject({
      status: 'breached',
      escalations: ['remind-owner', 'reassign', 'notify-manager', 'move-to-queue'],
    });
    expect(after).toMatchObject({ owner: null, queue: 'unassigned-mql' });

    const stored = await lead(created.body.id);
    expect(stored).toMatchObject({ slaStatus: 'breached', queue: 'unassigned-mql', ownerId: null });
    const tasks = await system.database.db.task.findMany({ where: { leadId: created.body.id, kind: 'reminder' } });
    expect(tasks.map((task) => task.ownerEmail)).toEqual([firstOwner]);
    const assignments = await system.database.db.assignment.findMany({
      where: { leadId: created.body.id },
      orderBy: { assignedAt: 'asc' },
    });
    expect(assignments.map((assignment) => assignment.repEmail ?? assignment.queue)).toEqual([
      firstOwner,
      expect.not.stringMatching(firstOwner!),
      'unassigned-mql',
    ]);
  });

  it('when the owner logs a call before the deadline, then the SLA is met and nothing escalates', async () => {
    const created = await post('/api/leads', strongProfile('linus@kernels.io'));
    await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-page-visit' });
    const owner = (await state(created.body.journeyId)).owner;
    const ownerToken = await system.personToken(owner!, 'rep');
    const call = await http(`${system.url}/api/leads/${created.body.id}/events`, {
      body: { type: 'call-logged', details: { outcome: 'connected' } },
      headers: { authorization: `Bearer ${ownerToken}` },
    });
    expect(call.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // past the 3-second deadline
    expect(await state(created.body.journeyId)).toMatchObject({ owner, sla: { status: 'met', escalations: [] } });
    expect(await lead(created.body.id)).toMatchObject({ slaStatus: 'met', firstTouchAt: expect.any(String) });
  });

  it('when BANT is recorded, then the rules make the MQL an SQL and its cadence stops', async () => {
    const created = await post('/api/leads', strongProfile('barbara@liskov.io'));
    const early = await post(`/api/leads/${created.body.id}/bant`, { budget: 'confirmed' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('BANT qualifies MQLs; this lead is new');

    await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-page-visit' });
    // The owner qualifies their MQL with their own token: the history names them, from the token.
    expect(await eventually(async () => Boolean((await lead(created.body.id)).ownerId), 10_000)).toBe(true);
    const owner = (await lead(created.body.id)).ownerId as string;
    const ownerToken = await system.personToken(owner, 'rep');
    const asOwner = (path: string, body: unknown) =>
      http(`${system.url}${path}`, { body, headers: { authorization: `Bearer ${ownerToken}` } });
    const partial = await asOwner(`/api/leads/${created.body.id}/bant`, {
      budget: 'confirmed',
      need: 'exploring',
    });
    expect(partial.body).toMatchObject({
      stage: 'mql',
      unmet: expect.arrayContaining([expect.stringContaining('bant.need')]),
    });

    const full = await asOwner(`/api/leads/${created.body.id}/bant`, {
      authority: 'decision-maker',
      need: 'confirmed',
      timeline: 'this-quarter',
    });
    expect(full.body).toMatchObject({ stage: 'sql', unmet: [] });
    const stored = await lead(created.body.id);
    expect(stored).toMatchObject({
      stage: 'sql',
      bant: { budget: 'confirmed', authority: 'decision-maker', need: 'confirmed', timeline: 'this-quarter' },
    });
    expect(stored.stageEvents.at(-1)).toMatchObject({
      toStage: 'sql',
      reason: `BANT qualified by ${owner}`,
    });
    const stopped = await eventually(
      async () => (await state(created.body.journeyId)).cadence?.status === 'stopped',
      10_000,
    );
    expect(stopped).toBe(true);
  });

  it('when an event is invalid, then 400 with field-level messages', async () => {
    const created = await post('/api/leads', { email: 'typo@events.io', source: 'ads' });
    const response = await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-visit', at: 'yesterday' });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      { path: 'type', message: expect.stringContaining('must be one of: page-visit, pricing-page-visit') },
      { path: 'at', message: expect.stringContaining('ISO 8601') },
    ]);
  });
});

describe('stalled-stage alerts', () => {
  let system: TestSystem;
  const rulesDir = rulesFixture({
    ...fastJourneyRules,
    escalation: (doc) => {
      fastJourneyRules.escalation(doc);
      doc.setIn(['slas', 0, 'within'], '1 hour');
      doc.setIn(['stalled', 0, 'after'], '3 seconds');
      doc.setIn(['stalled', 0, 'then', 1, 'after'], '2 seconds');
    },
  });
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('when an MQL is not worked, then the owner and then the manager are alerted; a lead that moves on is not', async () => {
    const stuck = await http(`${system.url}/api/leads`, { body: strongProfile('stuck@stalled.io') });
    await http(`${system.url}/api/leads/${stuck.body.id}/events`, { body: { type: 'pricing-page-visit' } });
    const moving = await http(`${system.url}/api/leads`, { body: strongProfile('moving@stalled.io') });
    await http(`${system.url}/api/leads/${moving.body.id}/events`, { body: { type: 'pricing-page-visit' } });
    await http(`${system.url}/api/leads/${moving.body.id}/bant`, {
      body: {
        budget: 'confirmed',
        authority: 'decision-maker',
        need: 'confirmed',
        timeline: 'this-quarter',
      },
    });

    const handle = system.temporal.workflow.getHandle(stuck.body.journeyId);
    expect(
      await eventually(async () => (await handle.query(journeyState)).stalled?.escalations.length === 2, 30_000),
    ).toBe(true);
    expect((await handle.query(journeyState)).stalled).toMatchObject({
      alert: 'mql-not-worked',
      stage: 'mql',
      status: 'alerted',
      escalations: ['notify-owner', 'notify-manager'],
    });
    const owner = (await handle.query(journeyState)).owner!;
    expect((await system.mailbox!.list({ to: owner })).map((message) => message.subject)).toContain(
      'Stalled: Ada (Analytical Engines) has not moved on',
    );
    expect(await system.temporal.workflow.getHandle(moving.body.journeyId).query(journeyState)).toMatchObject({
      stage: 'sql',
      stalled: { status: 'cleared', escalations: [] },
    });
  });
});
