import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { journeyState, reassign } from '../../workflows/messages';
import { addDuration } from '../../src/domain/business-time';
import { addLocalDays, dayOfWeek, formatLocalDate, fromLocalDateTime, toLocalDate } from '../../src/domain/time-zone';
import { startMailSink, type MailSink } from '../../src/email/mail-sink';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { createLogger } from '../../src/logger';
import { evaluateEnrolment, evaluateEscalation, getCadence } from '../../src/rules/evaluate';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { RuleRegistry } from '../../src/rules/registry';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { anchorAt, nextWorkingDay, scenarioAnchor } from '../support/anchor';
import { openWorkflowsReport, skipTime, skipTo } from '../support/temporal-diagnosis';

/**
 * The shipped rules' multi-day behaviour, at full length, through the real workflows and
 * activities on Temporal's time-skipping test server: an SLA that runs over a weekend, and the
 * 14-day standard cadence with its business-day delays, send windows and the lead's holidays.
 */
describe('shipped multi-day rules at full length (time-skipping)', () => {
  const logger = createLogger('silent');
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let database: TestDatabase;
  let sink: MailSink;
  let registry: RuleRegistry;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-full-length-'));

  let workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    sink = await startMailSink({ host: '127.0.0.1', port: 0, dir: path.join(dir, 'mailbox'), logger });
    registry = new RuleRegistry({
      dir: path.resolve('rules'),
      store: new InMemoryRuleVersionStore(),
      logger,
      watch: false,
    });
    await registry.start();
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows/journey-harness.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  });

  // Each scenario gets its own test server, starting at today's date: once a scenario's last
  // workflow completes, the test server may skip its clock far ahead (ten years was seen), which
  // would move the next scenario past the holidays the shipped calendars list.
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'full-length',
      workflowBundle,
      activities: createActivities({
        db: database.db,
        registry,
        mailer: createSmtpMailer({ host: sink.host, port: sink.port, secure: false }),
        mailFrom: 'leadflow <no-reply@leadflow.local>',
        publicUrl: 'http://127.0.0.1:3000',
        linkSecret: 'test-link-secret-0123456789abcdefghijklmnop',
        marketingEmail: 'marketing@leadflow.local',
      }),
    });
    running = worker.run();
  });
  afterEach(async ({ task }) => {
    // A scenario that fails or times out says what each open workflow was waiting for.
    if (task.result?.state === 'fail' && env)
      console.error(`${task.name}\n${await openWorkflowsReport(env.client, () => env.currentTimeMs())}`);
    worker?.shutdown();
    await running;
    await env?.teardown();
  });
  afterAll(async () => {
    await sink?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const NEW_YORK = 'America/New_York';
  const serverNow = async () => new Date(await env.currentTimeMs());

  /** The next Friday 16:00 in New York whose Friday to Monday has no holiday and no DST change. */
  async function nextFridayAfternoon(holidays: readonly string[]): Promise<Date> {
    return anchorAt(await serverNow(), { weekday: 'friday', time: '16:00', zone: NEW_YORK, quietDays: 4, holidays });
  }

  it('when an MQL is assigned on Friday at 16:00, then its 2-business-hour SLA breaches on Monday at 10:00 and the chain follows in business hours', async () => {
    const ruleset = registry.active();
    const sla = evaluateEscalation(ruleset, {
      sla: 'mql-first-touch',
      facts: { company: { employees: 500 }, lead: { score: 85 } },
    }).outcome;
    expect(sla.within.text).toBe('2 business hours');
    const calendar = sla.defaultCalendar;
    const startedAt = await nextFridayAfternoon(calendar.holidays);
    const breaches = (await env.client.workflow.execute('slaHarness', {
      workflowId: `sla-weekend-${startedAt.getTime()}`,
      taskQueue: 'full-length',
      args: [{ sla, calendar, startedAt: startedAt.toISOString() }],
    })) as Array<{ stepIndex: number; at: string }>;

    const monday10 = fromLocalDateTime(
      {
        ...addLocalDays(toLocalDate(startedAt, 'America/New_York'), 3),
        hour: 10,
        minute: 0,
        second: 0,
        millisecond: 0,
      },
      'America/New_York',
    );
    expect(breaches.map((breach) => breach.stepIndex)).toEqual([0, 1, 2, 3]);
    expect(Math.abs(Date.parse(breaches[0]!.at) - monday10.getTime())).toBeLessThan(60_000);
    // remind at 10:00, reassign +1 business hour, manager +1, queue +2.
    const expected = [monday10, addDuration(monday10, sla.onBreach[1]!.after!, calendar)];
    expected.push(
      addDuration(expected[1]!, sla.onBreach[2]!.after!, calendar),
      addDuration(addDuration(expected[1]!, sla.onBreach[2]!.after!, calendar), sla.onBreach[3]!.after!, calendar),
    );
    breaches.forEach((breach, index) =>
      expect(Math.abs(Date.parse(breach.at) - expected[index]!.getTime())).toBeLessThan(60_000),
    );
  });

  it('when a lead is enrolled in the 14-day standard cadence, then every step happens on its business day inside the send window and each email is sent once', async () => {
    const ruleset = registry.active();
    const cadence = getCadence(ruleset, 'mql-standard')!;
    const lead = await database.db.lead.create({
      data: {
        id: 'ld_fulllength0000000000000',
        tenant: 'default',
        email: 'grace@navy.mil',
        firstName: 'Grace',
        company: 'Navy',
        source: 'content',
        sourceDetails: {},
        attributes: {},
        journeyId: 'lead-default-ld_fulllength',
        ownerId: 'alice.chen@example.com',
      },
    });
    // The scenario's anchor (a Monday unless LEADFLOW_TEST_ANCHOR_WEEKDAY says otherwise) at 16:00,
    // with no DST change in the month the cadence runs.
    const startAt = scenarioAnchor(await serverNow(), { zone: NEW_YORK, time: '16:00', quietDays: 30 });
    const { final, reports } = (await env.client.workflow.execute('cadenceHarness', {
      workflowId: `cadence-14-days-${startAt.getTime()}`,
      taskQueue: 'full-length',
      args: [
        {
          leadId: lead.id,
          cadence,
          timeZone: 'America/New_York',
          ownerEmail: 'alice.chen@example.com',
          pinnedVersion: null,
          startAt: startAt.toISOString(),
        },
      ],
    })) as {
      final: { status: string };
      reports: Array<{ nextStep: string | null; nextStepAt: string | null; at: string }>;
    };

    expect(final.status).toBe('completed');
    const scheduled = reports
      .filter((report) => report.nextStepAt !== null)
      .map((report) => new Date(report.nextStepAt!));
    expect(scheduled).toHaveLength(cadence.steps.length);
    for (const at of scheduled) {
      const local = toLocalDate(at, 'America/New_York');
      expect(cadence.sendWindow.days).toContain(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][dayOfWeek(local)]);
    }
    const spanDays = (scheduled.at(-1)!.getTime() - startAt.getTime()) / 86_400_000;
    expect(spanDays).toBeGreaterThanOrEqual(14);
    expect(spanDays).toBeLessThan(30);

    const emailSteps = cadence.steps.filter((step) => step.do === 'email').length;
    const sent = await database.db.outboundEmail.findMany({ where: { leadId: lead.id } });
    expect(sent).toHaveLength(emailSteps);
    expect(sent.every((row) => row.status === 'sent')).toBe(true);
    expect(await sink.list({ to: 'grace@navy.mil' })).toHaveLength(emailSteps);
    const tasks = await database.db.task.findMany({ where: { leadId: lead.id }, orderBy: { dueAt: 'asc' } });
    expect(tasks).toHaveLength(cadence.steps.length - emailSteps);
    // Each task carries its step's text in every language (cadences.yaml `task: { en, zh-CN }`).
    expect(tasks.map((task) => [task.kind, task.titleCode, task.titleParams])).toEqual([
      [
        'call',
        'cadence-step',
        { cadence: 'mql-standard', step: 2, en: tasks[0]!.title, 'zh-CN': '介绍电话：提及对方浏览过的页面' },
      ],
      [
        'linkedin',
        'cadence-step',
        { cadence: 'mql-standard', step: 4, en: tasks[1]!.title, 'zh-CN': '在领英上添加好友，附一句简短的个人留言' },
      ],
    ]);
  });

  it("when a US lead's cadence falls due on one of its public holidays, then every step skips the holidays of the lead's calendar and each email is sent once", async () => {
    const ruleset = registry.active();
    const enrolment = evaluateEnrolment(
      ruleset,
      { source: { channel: 'content' } },
      { country: 'US', timeZone: 'America/New_York' },
    ).outcome;
    if (enrolment.kind !== 'enrol') throw new Error('test setup: the shipped rules enrol every content lead');
    const { cadence } = enrolment;
    expect(enrolment.holidayCalendar).toBe('north-america');
    // The holiday is the test's own choice, added to the calendar's list: the next quiet Wednesday
    // (no other holiday and no DST change from that Wednesday to the Monday after), so the
    // scenario never depends on which public holidays lie ahead of the day the suite runs.
    const wednesday = anchorAt(await serverNow(), {
      weekday: 'wednesday',
      time: '12:00',
      zone: NEW_YORK,
      quietDays: 6,
      holidays: enrolment.holidays,
    });
    const holiday = toLocalDate(wednesday, NEW_YORK);
    const holidays = [...enrolment.holidays, formatLocalDate(holiday)];
    const firstWorkingDay = nextWorkingDay(addLocalDays(holiday, 1), holidays);
    // The lead is enrolled at 18:00 the evening before, after the send window has closed.
    const startAt = fromLocalDateTime(
      { ...addLocalDays(holiday, -1), hour: 18, minute: 0, second: 0, millisecond: 0 },
      NEW_YORK,
    );
    const lead = await database.db.lead.create({
      data: {
        id: 'ld_fulllengthholiday00000',
        tenant: 'default',
        email: 'ada@lovelace.dev',
        firstName: 'Ada',
        company: 'Analytical',
        country: 'US',
        source: 'content',
        sourceDetails: {},
        attributes: {},
        journeyId: 'lead-default-ld_fulllengthholiday',
        ownerId: 'alice.chen@example.com',
      },
    });

    const { final, reports } = (await env.client.workflow.execute('cadenceHarness', {
      workflowId: `cadence-holiday-${startAt.getTime()}`,
      taskQueue: 'full-length',
      args: [
        {
          leadId: lead.id,
          cadence,
          timeZone: 'America/New_York',
          holidays,
          ownerEmail: 'alice.chen@example.com',
          pinnedVersion: null,
          startAt: startAt.toISOString(),
        },
      ],
    })) as { final: { status: string }; reports: Array<{ nextStepAt: string | null }> };

    expect(final.status).toBe('completed');
    const scheduled = reports
      .filter((report) => report.nextStepAt !== null)
      .map((report) => toLocalDate(new Date(report.nextStepAt!), 'America/New_York'));
    expect(scheduled).toHaveLength(cadence.steps.length);
    expect(formatLocalDate(scheduled[0]!)).toBe(formatLocalDate(firstWorkingDay));
    expect(scheduled.map(formatLocalDate).filter((day) => holidays.includes(day))).toEqual([]);
    const emailSteps = cadence.steps.filter((step) => step.do === 'email').length;
    expect(await sink.list({ to: 'ada@lovelace.dev' })).toHaveLength(emailSteps);
  });

  it('when an MQL is reassigned by hand on Friday evening to a rep in London, then its new first-touch SLA is due on Monday at 11:00 London time and its chain runs for the new owner alone', async () => {
    const LONDON = 'Europe/London';
    const DANA = 'dana.whitfield@example.com';
    const { defaultCalendar } = evaluateEscalation(registry.active(), {
      sla: 'mql-first-touch',
      facts: { company: { employees: 300 }, lead: { score: 85 } },
    }).outcome;
    await database.db.rep.create({
      data: { id: 'rep_dana_in_london', tenant: 'default', email: DANA, name: 'Dana Whitfield', timeZone: LONDON },
    });
    // 21:00 on a Friday in London, after the working day; Friday to Monday quiet in London.
    const friday = anchorAt(await serverNow(), {
      weekday: 'friday',
      time: '21:00',
      zone: LONDON,
      quietDays: 4,
      holidays: defaultCalendar.holidays,
    });
    const monday = (hour: number) =>
      fromLocalDateTime(
        { ...addLocalDays(toLocalDate(friday, LONDON), 3), hour, minute: 0, second: 0, millisecond: 0 },
        LONDON,
      );
    const leadId = 'ld_handedoverhandedover00';
    const handle = await env.client.workflow.start('leadJourney', {
      workflowId: `lead-default-${leadId}`,
      taskQueue: 'full-length',
      args: [{ leadId, tenant: 'default', email: 'alan@turing.io' }],
    });
    await skipTo(env, friday);
    const now = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());
    await handle.executeUpdate('submitLead', {
      args: [
        {
          submissionId: 'handover-1',
          tenant: 'default',
          email: 'alan@turing.io',
          firstName: 'Alan',
          company: 'Bletchley',
          title: 'VP Engineering',
          source: 'events',
          sourceDetails: {},
          attributes: { employees: 300, region: 'north-america', industry: 'software' },
          receivedAt: await now(),
        },
      ],
    });
    await handle.executeUpdate('recordEvent', {
      args: [{ eventId: 'handover-visit', type: 'pricing-page-visit', at: await now(), details: {} }],
    });
    const routed = await handle.query(journeyState);
    expect(routed).toMatchObject({ stage: 'mql', score: 85, sla: { status: 'running' } });
    const firstOwner = routed.owner!;
    expect(firstOwner).not.toBe(DANA);

    const moved = await handle.executeUpdate(reassign, {
      args: [{ to: { repEmail: DANA }, actor: 'maya@acme.io', reason: 'she covers the account', at: await now() }],
    });
    // 2 business hours on Dana's calendar (London): Monday 09:00 to 11:00.
    expect(moved.sla?.dueAt).toBe(monday(11).toISOString());
    expect((await database.db.lead.findUniqueOrThrow({ where: { id: leadId } })).slaDueAt?.toISOString()).toBe(
      monday(11).toISOString(),
    );

    await skipTo(env, monday(16));
    const escalated = await handle.query(journeyState);
    expect(escalated.sla).toMatchObject({
      status: 'breached',
      escalations: ['remind-owner', 'reassign', 'notify-manager', 'move-to-queue'],
    });
    const reminders = await database.db.task.findMany({ where: { leadId, kind: 'reminder' } });
    expect(reminders.map((task) => task.ownerEmail)).toEqual([DANA]);
    expect(reminders.map((task) => [task.titleCode, task.titleParams])).toEqual([
      ['first-touch-overdue', { sla: 'mql-first-touch' }],
    ]);
    // The escalation's moves are recorded with codes too: the reroute away from the owner who
    // missed it, and the move to the queue.
    const moves = await database.db.assignment.findMany({ where: { leadId }, orderBy: { assignedAt: 'asc' } });
    expect(moves.at(-2)?.reasonCode).toMatch(/^routing-/);
    expect(moves.at(-1)).toMatchObject({ reasonCode: 'sla-missed', reasonParams: { sla: 'mql-first-touch' } });
    expect(Math.abs(reminders[0]!.dueAt.getTime() - monday(11).getTime())).toBeLessThan(60_000);
    const toDana = await sink.list({ to: DANA });
    const assigned = toDana.filter((message) => message.subject.startsWith('Lead assigned to you'));
    expect(assigned.map((message) => message.subject)).toEqual(['Lead assigned to you: Alan (Bletchley), score 85']);
    expect(assigned[0]!.text).toContain(`First touch is due by ${monday(11).toISOString()}.`);
    expect((await sink.list({ to: firstOwner })).map((message) => message.subject)).not.toContain(
      'Reminder: first touch overdue for Alan (Bletchley)',
    );
    await handle.terminate('test over');
  });

  it('when a lead goes silent, then its behaviour points decay on the durable timer: halved after 30 days, gone after 180', async () => {
    const leadId = 'ld_decaydecaydecaydecay00';
    const workflowId = `lead-default-${leadId}`;
    const handle = await env.client.workflow.start('leadJourney', {
      workflowId,
      taskQueue: 'full-length',
      args: [{ leadId, tenant: 'default', email: 'quiet@decay.io' }],
    });
    const now = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());
    await handle.executeUpdate('submitLead', {
      args: [
        {
          submissionId: 'decay-1',
          tenant: 'default',
          email: 'quiet@decay.io',
          source: 'content',
          sourceDetails: {},
          attributes: { employees: 300 },
          receivedAt: await now(),
        },
      ],
    });
    const base = (await handle.query(journeyState)).score;
    for (const [index, type] of (['webinar-registration', 'form-fill'] as const).entries()) {
      await handle.executeUpdate('recordEvent', {
        args: [{ eventId: `decay-event-${index}`, type, at: await now(), details: {} }],
      });
    }
    const engaged = await handle.query(journeyState);
    expect(engaged).toMatchObject({ stage: 'engaged', score: base + 20 });
    expect(engaged.nextDecayAt).not.toBeNull();

    await skipTime(env, '31 days');
    expect((await handle.query(journeyState)).score).toBe(base + 10);
    expect((await database.db.lead.findUnique({ where: { id: leadId } }))?.score).toBe(base + 10);

    await skipTime(env, '150 days');
    const expired = await handle.query(journeyState);
    expect(expired.score).toBe(base);
    expect(expired.scoreBreakdown.filter((line) => line.part === 'behaviour')).toEqual([
      expect.objectContaining({ name: 'webinar-registration', points: 0, detail: '1 × 10, −10 decay' }),
      expect.objectContaining({ name: 'form-fill', points: 0, detail: '1 × 10, −10 decay' }),
    ]);
    const history = await database.db.decision.findMany({
      where: { leadId, kind: 'scoring' },
      orderBy: { decidedAt: 'asc' },
    });
    expect(history.map((decision) => (decision.outcome as { score: number }).score)).toEqual(
      expect.arrayContaining([base, base + 20, base + 10]),
    );
    await handle.terminate('test over');
  });
});
