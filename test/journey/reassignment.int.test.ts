import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyState } from '../../workflows/messages';
import { fastCadenceRules, rulesFixture } from '../support/rules-fixture';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

const profile = (email: string, firstName: string) => ({
  email,
  firstName,
  company: 'Structured',
  title: 'VP Engineering',
  source: 'events',
  sourceDetails: { event: 'SaaStr Annual' },
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
});

const DANA = 'dana.whitfield@example.com';
const SLA_SECONDS = 12;
const CADENCE_GAP_SECONDS = 5;
/**
 * The first test needs its cadence's call step to fall due after its reassignment by hand, and
 * before the new clock's escalation reassigns the lead (SLA_SECONDS + 2 s after that): about 10 s
 * of room on both sides. With the call 5 s after enrolment and a 6 s SLA, a loaded machine once
 * reassigned the lead only after the call fell due.
 */
const CALL_AFTER_SECONDS = 10;

/**
 * A lead reassigned by hand is handed over as routing hands it over (issue #11, item 11): the new
 * owner is emailed once, an MQL nobody touched gets a fresh first-touch SLA for the new owner,
 * and the old owner's clock stops, so none of its steps fires. Real dev server, SQLite, SMTP.
 */
describe('reassigning a lead by hand', () => {
  let system: TestSystem;
  const fast = fastCadenceRules(`${CADENCE_GAP_SECONDS} seconds`);
  const rulesDir = rulesFixture({
    ...fast,
    cadences: (doc) => {
      fast.cadences(doc);
      (doc.get('cadences') as { items: unknown[] }).items.forEach((_, cadence) => {
        (doc.getIn(['cadences', cadence, 'steps']) as { items: unknown[] }).items.forEach((__, step) => {
          if (doc.getIn(['cadences', cadence, 'steps', step, 'do']) === 'call')
            doc.setIn(['cadences', cadence, 'steps', step, 'after'], `${CALL_AFTER_SECONDS} seconds`);
        });
      });
    },
    escalation: (doc) => {
      fast.escalation(doc);
      doc.setIn(['slas', 0, 'within'], `${SLA_SECONDS} seconds`);
    },
  });
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) => http(`${system.url}${path}`, { body });
  const lead = async (id: string) => (await http(`${system.url}/api/leads/${id}`)).body;
  const state = (journeyId: string) => system.temporal.workflow.getHandle(journeyId).query(journeyState);
  const subjects = async (to: string) => (await system.mailbox!.list({ to })).map((message) => message.subject);
  /** A new MQL, routed to a rep of the enterprise pool with its first-touch SLA running. */
  async function mql(email: string, firstName: string) {
    const created = await post('/api/leads', profile(email, firstName));
    const visit = await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-page-visit' });
    expect(visit.body).toMatchObject({ stage: 'mql' });
    const routed = await state(created.body.journeyId);
    expect(routed).toMatchObject({ owner: expect.any(String), sla: { status: 'running' } });
    return { id: created.body.id as string, journeyId: created.body.journeyId as string, owner: routed.owner! };
  }

  it('when an untouched MQL is reassigned to another rep, then the new owner is emailed and gets a fresh first-touch SLA; the old owner is never reminded, and the cadence gives its tasks to the new owner', async () => {
    const { id, journeyId, owner: first } = await mql('edsger@structured.io', 'Edsger');
    const firstDue = (await lead(id)).slaDueAt as string;

    const moved = await post(`/api/leads/${id}/reassign`, { repEmail: DANA, reason: 'strategic account' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ owner: DANA, queue: null, sla: { name: 'mql-first-touch', status: 'running' } });
    const stored = await lead(id);
    expect(stored).toMatchObject({ ownerId: DANA, slaStatus: 'running', slaDueAt: moved.body.sla.dueAt });
    // The new clock starts at the reassignment: SLA_SECONDS after it, later than the old deadline.
    expect(Date.parse(stored.slaDueAt)).toBeGreaterThan(Date.parse(firstDue));
    const slaDecisions = await system.database.db.decision.findMany({ where: { leadId: id, kind: 'sla' } });
    expect(slaDecisions).toHaveLength(2);
    expect(new Set(slaDecisions.map((decision) => decision.rulesetVersion)).size).toBe(1);

    expect(await eventually(async () => (await subjects(DANA)).length > 0, 10_000)).toBe(true);
    const [assigned] = await system.mailbox!.list({ to: DANA });
    expect(assigned!.subject).toBe('Lead assigned to you: Edsger (Structured), score 90');
    expect(assigned!.text).toContain('is now yours, assigned by revops@leadflow.test: strategic account.');
    expect(assigned!.text).toContain(`First touch is due by ${moved.body.sla.dueAt}.`);

    // The cadence's call step, due after the reassignment, is the new owner's task.
    expect(
      await eventually(
        async () => (await system.database.db.task.count({ where: { leadId: id, kind: 'call' } })) === 1,
        (CALL_AFTER_SECONDS + 15) * 1_000,
      ),
    ).toBe(true);
    expect(await system.database.db.task.findFirst({ where: { leadId: id, kind: 'call' } })).toMatchObject({
      ownerEmail: DANA,
    });

    // Nobody touches it: the new clock escalates, once, step by step; the old one never fires.
    expect(await eventually(async () => (await state(journeyId)).sla?.escalations.length === 4, 40_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const escalated = await state(journeyId);
    expect(escalated.sla).toMatchObject({
      status: 'breached',
      dueAt: moved.body.sla.dueAt,
      escalations: ['remind-owner', 'reassign', 'notify-manager', 'move-to-queue'],
    });
    const reminders = await system.database.db.task.findMany({ where: { leadId: id, kind: 'reminder' } });
    expect(reminders.map((task) => task.ownerEmail)).toEqual([DANA]);
    expect(await subjects(first)).not.toContain('Reminder: first touch overdue for Edsger (Structured)');
    expect((await subjects(DANA)).filter((subject) => subject.startsWith('Lead assigned to you'))).toHaveLength(1);
    const assignments = await system.database.db.assignment.findMany({
      where: { leadId: id },
      orderBy: { assignedAt: 'asc' },
    });
    const byEscalation = assignments[2]!.repEmail!;
    expect(assignments.map((row) => [row.repEmail ?? row.queue, row.actor])).toEqual([
      [first, null],
      [DANA, 'revops@leadflow.test'],
      [byEscalation, null],
      ['unassigned-mql', 'sla'],
    ]);
    // The rep the escalation handed the lead to was told too.
    expect(await subjects(byEscalation)).toContain('Lead assigned to you: Edsger (Structured), score 90');
  });

  it('when an MQL its owner already touched is reassigned, then no new SLA starts and the new owner is still emailed; reassigning it to its owner changes nothing', async () => {
    const { id, journeyId, owner } = await mql('tony@hoare.io', 'Tony');
    const ownerToken = await system.personToken(owner, 'rep');
    const call = await http(`${system.url}/api/leads/${id}/events`, {
      body: { type: 'call-logged' },
      headers: { authorization: `Bearer ${ownerToken}` },
    });
    expect(call.status).toBe(201);
    const touched = await lead(id);
    expect(touched).toMatchObject({ slaStatus: 'met', firstTouchAt: expect.any(String) });

    const moved = await post(`/api/leads/${id}/reassign`, { repEmail: DANA, reason: 'coverage' });
    expect(moved.body).toMatchObject({ owner: DANA, sla: { status: 'met' } });
    expect(await lead(id)).toMatchObject({ ownerId: DANA, slaStatus: 'met', slaDueAt: touched.slaDueAt });
    expect(await system.database.db.decision.count({ where: { leadId: id, kind: 'sla' } })).toBe(1);
    const mine = async () => (await system.mailbox!.list({ to: DANA })).filter((m) => m.subject.includes('Tony'));
    expect(await eventually(async () => (await mine()).length === 1, 10_000)).toBe(true);
    expect((await mine())[0]!.text).not.toContain('First touch is due');

    const again = await post(`/api/leads/${id}/reassign`, { repEmail: DANA, reason: 'still Dana' });
    expect(again.body).toMatchObject({ owner: DANA, sla: { status: 'met' } });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await mine()).toHaveLength(1);
    expect((await state(journeyId)).sla?.escalations).toEqual([]);
  });

  it("when an untouched MQL is moved to a queue by hand, then its owner's clock stops and nothing escalates; the rep who then gets it starts a fresh clock", async () => {
    const { id, journeyId, owner } = await mql('niklaus@wirth.io', 'Niklaus');
    const queued = await post(`/api/leads/${id}/reassign`, { queue: 'unassigned-mql', reason: 'owner on leave' });
    expect(queued.body).toMatchObject({ owner: null, queue: 'unassigned-mql', sla: null });
    expect(await lead(id)).toMatchObject({ ownerId: null, queue: 'unassigned-mql', slaStatus: 'none', slaDueAt: null });

    // Past the old deadline and every step after it: nothing fired, the lead stayed in the queue.
    await new Promise((resolve) => setTimeout(resolve, (SLA_SECONDS + 3 * 2 + 2) * 1_000));
    expect(await state(journeyId)).toMatchObject({ owner: null, queue: 'unassigned-mql', sla: null });
    expect(await system.database.db.task.count({ where: { leadId: id, kind: 'reminder' } })).toBe(0);
    expect(await system.database.db.assignment.count({ where: { leadId: id } })).toBe(2);
    expect(await subjects(owner)).not.toContain('Reminder: first touch overdue for Niklaus (Structured)');

    const taken = await post(`/api/leads/${id}/reassign`, { repEmail: DANA, reason: 'from the queue' });
    expect(taken.body).toMatchObject({ owner: DANA, queue: null, sla: { status: 'running', escalations: [] } });
    expect(await lead(id)).toMatchObject({ slaStatus: 'running', slaDueAt: taken.body.sla.dueAt });
  });
});
