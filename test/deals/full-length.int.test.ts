import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import type { Actor } from '../../src/auth/actor';
import { addLocalDays, fromLocalDateTime, toLocalDate } from '../../src/domain/time-zone';
import { startMailSink, type MailSink } from '../../src/email/mail-sink';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { FakeSignatureClient } from '../../src/esign/fake-client';
import { startFakeSignatureProvider, type FakeSignatureProvider } from '../../src/esign/fake-provider';
import { sendForSignature } from '../../src/esign/send';
import { createLogger } from '../../src/logger';
import { RuleRegistry } from '../../src/rules/registry';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { completeMeeting, scheduleMeeting } from '../../src/usecases/meetings';
import { saveNeeds } from '../../src/usecases/needs';
import { decideApprovalStep } from '../../src/usecases/deal-commands';
import { createQuote, editQuote } from '../../src/usecases/quotes';
import { addStakeholder } from '../../src/usecases/stakeholders';
import * as desk from '../../workflows/dealMessages';
import { convertToDeal, journeyState } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openWorkflowsReport, skipTime, skipTo } from '../support/temporal-diagnosis';
import { eventually } from '../support/tcp-proxy';
import { nextWorkingDay, scenarioAnchor } from '../support/anchor';

const DAY = 86_400_000;

/**
 * The deal desk at full length on Temporal's time-skipping test server, through the real
 * workflows and activities with the SHIPPED rules: an SQL becomes a deal, goes through needs
 * analysis and a demo (with its reminders and follow-up email), gets a quote that expires after
 * its real 30 days, is re-quoted at 25 % (manager → director chain), the manager misses the real
 * 1-business-day deadline after a reminder at 4 business hours, the director approves, the quote
 * is signed through the fake e-signature provider, the deal closes won, and the contract's
 * renewal reminders fire at 90, 60 and 30 days before the end of its two-year term. Other
 * scenarios: delegation and a 48-hour executive deadline; several quotes on one deal, each
 * expiring on its own date, the deal won on one and the others withdrawn.
 */
describe('deal desk at full length (time-skipping)', () => {
  const logger = createLogger('silent');
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let database: TestDatabase;
  let sink: MailSink;
  let registry: RuleRegistry;
  let esign: FakeSignatureProvider;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-deal-full-length-'));
  const secret = 'full-length-webhook-secret';

  let workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  /**
   * When set, an approver's assignment, its step's row written, returns to the workflow only once
   * this settles: the moment between an approver seeing the step and the workflow opening it.
   */
  let holdAssignment: Promise<void> | null = null;
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
    esign = await startFakeSignatureProvider({ secret, webhookUrl: 'http://127.0.0.1:9/unused', logger });
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  });

  // Each scenario gets its own test server: once workflows complete (here the contract's renewal
  // clock, a child of the closed deal), the test server's clock has been seen to stop skipping or
  // to jump years ahead, which would derail the next scenario.
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
    const provider = new FakeSignatureClient({ baseUrl: esign.url, secret });
    const activities = createActivities({
      db: database.db,
      registry,
      mailer: createSmtpMailer({ host: sink.host, port: sink.port, secure: false }),
      mailFrom: 'leadflow <no-reply@leadflow.local>',
      publicUrl: 'http://127.0.0.1:3000',
      linkSecret: 'test-link-secret-0123456789abcdefghijklmnop',
      marketingEmail: 'marketing@leadflow.local',
      signatures: async (input) =>
        sendForSignature({ db: database.db, provider, publicUrl: 'http://127.0.0.1:3000' }, input),
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'deal-full-length',
      workflowBundle,
      activities: {
        ...activities,
        assignApprover: async (input: Parameters<typeof activities.assignApprover>[0]) => {
          const assigned = await activities.assignApprover(input);
          await holdAssignment;
          return assigned;
        },
      },
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
    await esign?.stop();
    await sink?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const now = async () => new Date(await env.currentTimeMs());
  const NEW_YORK = 'America/New_York';
  const usHolidays = () => registry.active().escalation.calendars['north-america']!.holidays;

  /**
   * Moves the test server's clock to the scenario's anchor: the next Monday 09:00 in New York
   * (LEADFLOW_TEST_ANCHOR_WEEKDAY moves it) whose week has no DST change and no US holiday, so
   * the scenario never depends on the day the suite runs.
   */
  async function startAtAnchor(): Promise<Date> {
    const from = await now();
    const anchor = scenarioAnchor(from, { zone: NEW_YORK, quietDays: 7, holidays: usHolidays() });
    await skipTo(env, anchor);
    return anchor;
  }
  const actorOf = (email: string, role: Actor['role']): Actor => ({
    tenant: 'default',
    email,
    name: email,
    role,
    scopes: ['intake', 'read', 'write'],
    kind: 'person',
    tokenId: 'test',
  });

  /** Everyone the approval chain can reach: each routable rep reports to Mike (manager), Mike to Dana (director). */
  async function seedPeople(): Promise<void> {
    const db = database.db;
    await db.rep.create({
      data: { id: 'rep_vp', email: 'victor@example.com', name: 'Victor VP', role: 'vp', timeZone: 'America/New_York' },
    });
    await db.rep.create({
      data: {
        id: 'rep_director',
        email: 'dana@example.com',
        name: 'Dana Director',
        role: 'director',
        timeZone: 'America/New_York',
        managerId: 'rep_vp',
      },
    });
    await db.rep.create({
      data: {
        id: 'rep_manager',
        email: 'mike@example.com',
        name: 'Mike Manager',
        role: 'manager',
        timeZone: 'America/New_York',
        managerId: 'rep_director',
      },
    });
    for (const [key, member] of Object.entries(registry.active().routing.reps)) {
      await db.rep.create({
        data: {
          id: `rep_${key}`,
          email: member.email,
          name: member.name ?? key,
          role: 'rep',
          timeZone: 'America/New_York',
          managerId: 'rep_manager',
        },
      });
    }
  }

  /** The quote builder's use-cases, as the API calls them (with the test server's clock). */
  const quoteDeps = () => ({
    db: database.db,
    temporal: env.client,
    ruleset: () => registry.active(),
    now: () => new Date(clock),
  });
  let clock = 0;
  /** Listed at USD 1,200.00 in the standard price book: the quotes below are priced at list. */
  const platformProduct = {
    id: 'prd_platform',
    sku: 'PLATFORM',
    name: 'Platform licence (annual)',
    prices: { create: { id: 'pbe_platform_usd', currency: 'USD', unitPriceMinor: 120_000n } },
  };
  const quoteLines = (discount: string) => ({
    template: 'standard',
    customer: { company: 'Analytical Engines', contactName: 'Ada', region: 'US' },
    lines: [{ sku: 'PLATFORM', quantity: 100, unitPrice: '1200.00', discount }],
  });

  /** The platform licence (priced per year) and the standard template, whichever scenario runs first. */
  async function stockCatalogue(): Promise<void> {
    await database.db.product.upsert({
      where: { tenant_sku: { tenant: 'default', sku: 'PLATFORM' } },
      create: platformProduct,
      update: {},
    });
    await database.db.quoteTemplate.upsert({
      where: { tenant_name: { tenant: 'default', name: 'standard' } },
      create: {
        id: 'qtt_standard',
        name: 'standard',
        content: {
          seller: { name: 'leadflow Inc.' },
          paymentTerms: 'net-30',
          validForDays: null,
          currency: 'USD',
          priceBook: 'standard',
        },
      },
      update: {},
    });
  }

  let seeded: Promise<void> | undefined;
  const people = () => (seeded ??= seedPeople());

  /** A lead taken to SQL by its journey and converted; the deal's workflow handle and owner. */
  async function openDeal(leadId: string, email: string) {
    const journey = await env.client.workflow.start('leadJourney', {
      workflowId: `lead-default-${leadId}`,
      taskQueue: 'deal-full-length',
      args: [{ leadId, tenant: 'default', email }],
    });
    const at = async () => (await now()).toISOString();
    await journey.executeUpdate('submitLead', {
      args: [
        {
          submissionId: `${leadId}-1`,
          tenant: 'default',
          email,
          firstName: 'Pat',
          title: 'VP Sales',
          company: `Company of ${email}`,
          source: 'events',
          sourceDetails: {},
          attributes: { employees: 1200, region: 'north-america', industry: 'software' },
          receivedAt: await at(),
        },
      ],
    });
    await journey.executeUpdate('recordEvent', {
      args: [{ eventId: `${leadId}-pricing`, type: 'pricing-page-visit', at: await at(), details: {} }],
    });
    const owner = (await journey.query(journeyState)).owner!;
    await journey.executeUpdate('recordBant', {
      args: [
        {
          bant: { budget: 'confirmed', authority: 'decision-maker', need: 'confirmed', timeline: 'this-quarter' },
          actor: owner,
          at: await at(),
        },
      ],
    });
    const converted = await journey.executeUpdate(convertToDeal, {
      args: [{ actor: { email: owner, role: 'rep' }, contactRole: 'decision-maker' }],
    });
    return { ...converted, owner, journey };
  }

  it('when an SQL is worked to closed won, then every deadline, expiry and renewal runs at its real length and is in the audit trail', async () => {
    await people();
    const anchor = await startAtAnchor();
    const db = database.db;
    const client = env.client;

    // ---- lead → SQL → deal -----------------------------------------------------------------
    const leadId = 'ld_dealdesk0000000000000a';
    const journey = await client.workflow.start('leadJourney', {
      workflowId: `lead-default-${leadId}`,
      taskQueue: 'deal-full-length',
      args: [{ leadId, tenant: 'default', email: 'ada@engines.io' }],
    });
    await journey.executeUpdate('submitLead', {
      args: [
        {
          submissionId: 'dd-1',
          tenant: 'default',
          email: 'ada@engines.io',
          firstName: 'Ada',
          company: 'Analytical Engines',
          title: 'VP Sales',
          source: 'events',
          sourceDetails: { event: 'SaaStr' },
          attributes: { employees: 1200, region: 'north-america', industry: 'software' },
          receivedAt: (await now()).toISOString(),
        },
      ],
    });
    await journey.executeUpdate('recordEvent', {
      args: [{ eventId: 'dd-pricing', type: 'pricing-page-visit', at: (await now()).toISOString(), details: {} }],
    });
    const owner = (await journey.query(journeyState)).owner!;
    expect(owner).toMatch(/@example\.com$/);
    await journey.executeUpdate('recordEvent', {
      args: [{ eventId: 'dd-call', type: 'call-logged', at: (await now()).toISOString(), actor: owner, details: {} }],
    });
    const qualified = await journey.executeUpdate('recordBant', {
      args: [
        {
          bant: { budget: 'confirmed', authority: 'decision-maker', need: 'confirmed', timeline: 'this-quarter' },
          actor: owner,
          at: (await now()).toISOString(),
        },
      ],
    });
    expect(qualified).toMatchObject({ stage: 'sql' });

    const rep = actorOf(owner, 'rep');
    const converted = await journey.executeUpdate(convertToDeal, {
      args: [{ actor: { email: owner, role: 'rep' }, contactRole: 'decision-maker' }],
    });
    const deal = client.workflow.getHandle(converted.workflowId);
    const dealId = converted.dealId;
    expect(await deal.query(desk.dealState)).toMatchObject({ stage: 'needs-analysis', owner });
    const deps = { db, temporal: client };

    // ---- needs analysis → presentation → a demo --------------------------------------------
    const blocked = await deal
      .executeUpdate(desk.moveStage, { args: [{ to: 'proposal', actor: { email: owner, role: 'rep' } }] })
      .catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((blocked as Error).cause)).toContain('record a needs-analysis summary');

    await saveNeeds(
      db,
      rep,
      dealId,
      {
        needs: {
          spin: {
            situation: 'Spreadsheets',
            problem: 'Leads lost',
            implication: 'Missed quota',
            needPayoff: 'Routed in minutes',
          },
          painPoints: ['slow follow-up'],
          businessGoals: ['+20% pipeline'],
          objections: [],
        },
        summary: 'Needs automated routing and SLAs for 100 reps.',
        expectedRevision: 1,
      },
      await now(),
    );
    const champion = await addStakeholder(
      db,
      rep,
      dealId,
      { name: 'Charles Babbage', email: 'charles@engines.io', role: 'decision-maker', influence: 'high' },
      await now(),
    );
    expect(
      await deal.executeUpdate(desk.moveStage, {
        args: [{ to: 'presentation', actor: { email: owner, role: 'rep' } }],
      }),
    ).toEqual({ stage: 'presentation', warnings: [] });

    // The demo is booked for 15:00 on the first working day at least three days after the anchor.
    const demoDay = nextWorkingDay(addLocalDays(toLocalDate(anchor, NEW_YORK), 3), usHolidays());
    const demoAt = fromLocalDateTime(
      { ...demoDay, hour: 15, minute: 0, second: 0, millisecond: 0 },
      'America/New_York',
    );
    const demo = await scheduleMeeting(deps, rep, dealId, {
      kind: 'demo',
      title: 'Platform demo',
      startsAt: demoAt.toISOString(),
      endsAt: new Date(demoAt.getTime() + 3_600_000).toISOString(),
      attendees: [{ name: 'Charles Babbage', contactId: champion.id }],
    });
    expect(demo.remindAt).toEqual([
      new Date(demoAt.getTime() - DAY).toISOString(),
      new Date(demoAt.getTime() - 3_600_000).toISOString(),
    ]);
    await skipTo(env, new Date(demoAt.getTime() + 2 * 3_600_000));
    const reminders = (await sink.list({ to: owner })).filter((m) => m.subject.startsWith('Reminder: Platform demo'));
    expect(reminders.map((m) => m.subject).sort()).toEqual([
      'Reminder: Platform demo in 1 day',
      'Reminder: Platform demo in 1 hour',
    ]);
    expect((await db.meeting.findUnique({ where: { id: demo.meetingId } }))?.remindedAt).not.toBeNull();

    const followUp = await completeMeeting(deps, rep, dealId, demo.meetingId, {
      status: 'held',
      attendance: [{ name: 'Charles Babbage', contactId: champion.id, attended: true }],
      feedback: 'Loved the routing rules',
    });
    expect(followUp.followUp).toContain('demo-follow-up');
    await skipTime(env, DAY);
    // The thank-you goes to who attended (Charles, invited by his contact id), not to the lead.
    const thanks = (await sink.list({ to: 'charles@engines.io' })).filter(
      (m) => m.subject === 'Thank you for your time today, Charles',
    );
    expect(thanks).toHaveLength(1);
    expect(thanks[0]!.text).toContain('Thank you for joining the demo today');
    expect((await sink.list({ to: 'ada@engines.io' })).filter((m) => m.subject.startsWith('Thank you'))).toEqual([]);
    expect(
      await deal.executeUpdate(desk.moveStage, { args: [{ to: 'proposal', actor: { email: owner, role: 'rep' } }] }),
    ).toEqual({ stage: 'proposal', warnings: [] });

    // ---- quote v1 within the rep's authority; sent; expires unsigned after its real 30 days ---
    await db.product.create({ data: platformProduct });
    await db.quoteTemplate.create({
      data: {
        id: 'qtt_standard',
        name: 'standard',
        content: {
          seller: { name: 'leadflow Inc.' },
          paymentTerms: 'net-30',
          validForDays: null,
          currency: 'USD',
          priceBook: 'standard',
        },
      },
    });
    clock = (await now()).getTime();
    const created = await createQuote(quoteDeps(), rep, dealId, quoteLines('8'));
    const quoteId = created.quote.id;
    const v1 = { versionId: created.quote.current.id, validUntil: created.quote.current.content.validUntil };
    expect(created.submission).toMatchObject({ submitted: true, status: 'approved', tier: 'rep-authority' });
    const sent1 = await deal.executeUpdate(desk.sendQuote, {
      args: [{ versionId: v1.versionId, actor: { email: owner, role: 'rep' } }],
    });
    expect(sent1.expiresAt).toBe(new Date(Date.parse(`${v1.validUntil}T00:00:00Z`) + DAY).toISOString());
    await skipTime(env, '29 days');
    expect((await db.quoteVersion.findUnique({ where: { id: v1.versionId } }))?.status).toBe('sent');
    await skipTime(env, '3 days');
    expect((await db.quoteVersion.findUnique({ where: { id: v1.versionId } }))?.status).toBe('expired');
    const dealName = (await db.deal.findUnique({ where: { id: dealId } }))!.name;
    expect((await sink.list({ to: owner })).map((m) => m.subject)).toEqual(
      expect.arrayContaining([`Quote expired: ${dealName}`, `Deal stalled in proposal: ${dealName}`]),
    );
    expect((await sink.list({ to: 'mike@example.com' })).map((m) => m.subject)).toContain(
      `Deal stalled in proposal: ${dealName}`,
    );

    // ---- quote v2 at 25 %: manager → director; the manager misses the deadline ----------------
    clock = (await now()).getTime();
    const edited = await editQuote(quoteDeps(), rep, quoteId, created.quote.revision, {
      ...quoteLines('25'),
      termMonths: 24,
    });
    expect(edited.submission).toMatchObject({
      submitted: true,
      status: 'pending-approval',
      tier: 'director-authority',
    });
    const v2 = { versionId: edited.quote.current.id, contentHash: edited.quote.current.contentHash };
    const requestId = `apr_${v2.versionId}`;
    const approvalWorkflow = client.workflow.getHandle(
      (edited.submission as { approvalWorkflowId: string }).approvalWorkflowId,
    );
    const managerStep = await eventuallyRow(() =>
      db.approvalStep.findFirst({ where: { requestId, level: 'manager' } }),
    );
    expect(managerStep).toMatchObject({ assigneeEmail: 'mike@example.com', status: 'pending' });
    const approvalMail = async () =>
      (await sink.list({ to: 'mike@example.com' }))
        .map((m) => m.subject)
        .filter((subject) => subject.includes(created.quote.number));
    expect(await eventually(async () => (await approvalMail()).length === 1, 10_000)).toBe(true);
    expect(await approvalMail()).toEqual([expect.stringContaining(`Approval needed: ${created.quote.number} v2`)]);

    await skipTo(env, new Date(managerStep.dueAt.getTime() + 60_000));
    const escalated = await db.approvalStep.findUnique({ where: { id: managerStep.id } });
    expect(escalated).toMatchObject({ status: 'escalated', decidedBy: 'system' });
    // The reminder went out at 4 business hours, the escalation at 1 business day (Mike's hours).
    expect(Math.abs(escalated!.remindedAt!.getTime() - managerStep.remindAt!.getTime())).toBeLessThan(60_000);
    expect(Math.abs(escalated!.decidedAt!.getTime() - managerStep.dueAt.getTime())).toBeLessThan(60_000);
    expect((await approvalMail()).sort()).toEqual([
      expect.stringContaining('Approval needed'),
      expect.stringContaining(`Reminder: approval of ${created.quote.number} v2`),
    ]);
    const directorStep = await eventuallyRow(() =>
      db.approvalStep.findFirst({ where: { requestId, level: 'director', position: 0 } }),
    );
    expect(directorStep).toMatchObject({ assigneeEmail: 'dana@example.com', status: 'pending' });

    // Someone else cannot decide; the director can, once, even when the button is pressed twice.
    const intruder = await approvalWorkflow
      .executeUpdate(desk.decideApproval, {
        args: [
          {
            stepId: directorStep.id,
            decision: 'approve',
            comment: '',
            contentHash: v2.contentHash,
            actor: { email: 'victor@example.com', role: 'vp' },
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(String((intruder as Error).cause)).toContain('victor@example.com may not decide this step');
    const decide = () =>
      approvalWorkflow.executeUpdate(desk.decideApproval, {
        updateId: `decision-${directorStep.id}`,
        args: [
          {
            stepId: directorStep.id,
            decision: 'approve',
            comment: 'Strategic logo',
            contentHash: v2.contentHash,
            actor: { email: 'dana@example.com', role: 'director' },
          },
        ],
      });
    const [first, second] = [await decide(), await decide()];
    expect(second).toEqual(first);
    expect(await approvalWorkflow.result()).toMatchObject({ status: 'approved' });
    expect((await db.quoteVersion.findUnique({ where: { id: v2.versionId } }))?.status).toBe('approved');
    expect(await db.approvalStep.count({ where: { requestId, status: 'approved' } })).toBe(1);
    expect((await deal.query(desk.dealState)).quotes).toEqual([
      expect.objectContaining({ quoteId, version: 2, versionId: v2.versionId, status: 'approved' }),
    ]);

    // ---- sent, negotiation, signed, closed won ------------------------------------------------
    await deal.executeUpdate(desk.sendQuote, {
      args: [{ versionId: v2.versionId, actor: { email: owner, role: 'rep' } }],
    });
    expect(
      await deal.executeUpdate(desk.moveStage, { args: [{ to: 'negotiation', actor: { email: owner, role: 'rep' } }] }),
    ).toMatchObject({ stage: 'negotiation' });
    const { envelopeId } = await deal.executeUpdate(desk.requestSignature, {
      args: [
        {
          versionId: v2.versionId,
          signer: { name: 'Charles Babbage', email: 'charles@engines.io' },
          actor: { email: owner, role: 'rep' },
        },
      ],
    });
    expect(await db.signatureRequest.findFirst({ where: { envelopeId } })).toMatchObject({
      status: 'sent',
      quoteVersionId: v2.versionId,
    });
    await deal.signal(desk.signatureCompleted, {
      provider: 'fake',
      envelopeId,
      versionId: v2.versionId,
      status: 'signed',
      at: (await now()).toISOString(),
    });
    const won = await deal.result();
    expect(won).toMatchObject({
      stage: 'closed-won',
      quotes: [{ versionId: v2.versionId, status: 'signed' }],
      contract: { contractId: expect.any(String) },
    });
    const contract = (await db.contract.findUnique({ where: { dealId } }))!;
    // 100 seats × $1,200.00 a year × 2 years − 25 % = $180,000.00 over the term, $90,000.00 a year (no US tax).
    expect(contract).toMatchObject({ termMonths: 24, tcvMinor: 18_000_000n, acvMinor: 9_000_000n });
    expect(await db.deal.findUnique({ where: { id: dealId } })).toMatchObject({
      amountMinor: 18_000_000n,
      acvMinor: 9_000_000n,
    });
    const closedAt = (await db.deal.findUnique({ where: { id: dealId } }))!.closedAt!;
    // The signed version sells a 24-month term: the contract runs two years from the signature.
    const twoYearsOn = new Date(contract.startDate);
    twoYearsOn.setUTCMonth(twoYearsOn.getUTCMonth() + 24);
    expect(contract.endDate.toISOString()).toBe(twoYearsOn.toISOString());

    // ---- renewal reminders at 90 / 60 / 30 days before the end --------------------------------
    // Up to the day before the end, then the renewal clock runs out: awaiting its result skips the
    // remaining time (a sleep past the last timer of every workflow never returns on the test server).
    await skipTo(env, new Date(contract.endDate.getTime() - DAY));
    const renewal = (await client.workflow.getHandle(contract.workflowId).result()) as {
      reminders: Array<{ offset: string }>;
      endedAt: string;
    };
    expect(renewal.reminders.map((r) => r.offset)).toEqual(['90 days', '60 days', '30 days']);
    const renewalTasks = await db.task.findMany({ where: { dealId, kind: 'renewal' }, orderBy: { dueAt: 'asc' } });
    expect(renewalTasks.map((task) => Math.round((contract.endDate.getTime() - task.dueAt.getTime()) / DAY))).toEqual([
      90, 60, 30,
    ]);
    expect((await sink.list({ to: owner })).filter((m) => m.subject.startsWith('Renewal coming up'))).toHaveLength(3);
    expect((await db.contract.findUnique({ where: { id: contract.id } }))?.status).toBe('ended');

    // ---- the audit trail tells the story -------------------------------------------------------
    const audit = await db.auditEvent.findMany({ where: { dealId }, orderBy: { occurredAt: 'asc' } });
    const actions = audit.map((entry) => entry.action);
    for (const action of [
      'deal.created',
      'deal.stage-changed',
      'meeting.scheduled',
      'meeting.recorded',
      'quote.approved',
      'quote.sent',
      'quote.expired',
      'approval.requested',
      'approval.assigned',
      'approval.reminded',
      'approval.escalated',
      'approval.approved',
      'approval.satisfied',
      'signature.sent',
      'quote.signed',
      'contract.created',
      'contract.renewal-reminder',
      'contract.ended',
    ]) {
      expect(actions, action).toContain(action);
    }
    const decision = audit.find((entry) => entry.action === 'approval.approved' && entry.actor === 'dana@example.com')!;
    expect(decision).toMatchObject({ reason: 'Strategic logo', subjectId: requestId });
    expect(closedAt.getTime()).toBeGreaterThan(managerStep.dueAt.getTime());
    await journey.terminate('test over');
  });

  it("when the manager is out of office, then the named delegate gets the request; a hand-over to a lower role is refused; an executive approval the VP does not answer is rejected at the VP's 48-hour deadline; a parallel approver still deciding when the other rejects is closed with it", async () => {
    await people();
    await startAtAnchor();
    const db = database.db;
    await db.rep.create({
      data: {
        id: 'rep_manager2',
        email: 'molly@example.com',
        name: 'Molly Manager',
        role: 'manager',
        timeZone: 'America/Chicago',
        managerId: 'rep_director',
      },
    });
    const at = await now();
    await db.rep.update({
      where: { id: 'rep_manager' },
      data: {
        outOfOfficeFrom: new Date(at.getTime() - DAY),
        outOfOfficeUntil: new Date(at.getTime() + 14 * DAY),
        delegateId: 'rep_manager2',
      },
    });
    await stockCatalogue();

    // 15 %: the manager's authority. Mike is away, so Molly (his named delegate, also a manager) is asked.
    const first = await openDeal('ld_dealdeskooo0000000000a', 'grace@navy.mil');
    const rep = actorOf(first.owner, 'rep');
    clock = (await now()).getTime();
    const quote = await createQuote(quoteDeps(), rep, first.dealId, quoteLines('15'));
    expect(quote.submission).toMatchObject({ status: 'pending-approval', tier: 'manager-authority' });
    const request = `apr_${quote.quote.current.id}`;
    const step = await eventuallyRow(() => db.approvalStep.findFirst({ where: { requestId: request } }));
    expect(step).toMatchObject({
      level: 'manager',
      assigneeEmail: 'molly@example.com',
      delegatedFrom: 'mike@example.com',
      status: 'pending',
    });
    const assigned = await db.auditEvent.findFirst({ where: { subjectId: request, action: 'approval.assigned' } });
    expect(assigned?.reason).toBe('mike@example.com is out of office; delegated to molly@example.com');

    // Molly may hand it on by hand, but not to a rep; to the director it goes.
    const approval = env.client.workflow.getHandle(
      (quote.submission as { approvalWorkflowId: string }).approvalWorkflowId,
    );
    const refused = await approval
      .executeUpdate(desk.delegateApproval, {
        args: [
          {
            stepId: step.id,
            to: first.owner,
            reason: 'on holiday too',
            actor: { email: 'molly@example.com', role: 'manager' },
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(String((refused as Error).cause)).toContain('a manager approval needs the same or a higher role');
    await approval.executeUpdate(desk.delegateApproval, {
      args: [
        {
          stepId: step.id,
          to: 'dana@example.com',
          reason: 'Dana knows this customer',
          actor: { email: 'molly@example.com', role: 'manager' },
        },
      ],
    });
    expect(await db.approvalStep.findUnique({ where: { id: step.id } })).toMatchObject({
      assigneeEmail: 'dana@example.com',
      delegatedFrom: 'mike@example.com',
    });
    const molly = await approval
      .executeUpdate(desk.decideApproval, {
        args: [
          {
            stepId: step.id,
            decision: 'approve',
            comment: 'ok',
            contentHash: quote.quote.current.contentHash,
            actor: { email: 'molly@example.com', role: 'manager' },
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(String((molly as Error).cause)).toContain('molly@example.com may not decide this step');
    await approval.executeUpdate(desk.decideApproval, {
      args: [
        {
          stepId: step.id,
          decision: 'approve',
          comment: 'Fine by me',
          contentHash: quote.quote.current.contentHash,
          actor: { email: 'dana@example.com', role: 'director' },
        },
      ],
    });
    expect(await approval.result()).toMatchObject({ status: 'approved' });

    // 40 %: director, then VP and finance together.
    await db.rep.create({
      data: {
        id: 'rep_finance',
        email: 'fiona@example.com',
        name: 'Fiona Finance',
        role: 'finance',
        timeZone: 'Europe/London',
      },
    });
    /** A 40 % quote on a new deal, its director step approved: the VP and finance steps it then waits on. */
    async function executiveRequest(leadId: string, email: string) {
      const opened = await openDeal(leadId, email);
      clock = (await now()).getTime();
      const deep = await createQuote(quoteDeps(), actorOf(opened.owner, 'rep'), opened.dealId, quoteLines('40'));
      expect(deep.submission).toMatchObject({ status: 'pending-approval', tier: 'executive-authority' });
      const requestId = `apr_${deep.quote.current.id}`;
      const handle = env.client.workflow.getHandle(
        (deep.submission as { approvalWorkflowId: string }).approvalWorkflowId,
      );
      /** One approver's decision on a step of this request. */
      const decide = (stepId: string, decision: 'approve' | 'reject', comment: string, email: string, role: string) =>
        handle.executeUpdate(desk.decideApproval, {
          args: [{ stepId, decision, comment, contentHash: deep.quote.current.contentHash, actor: { email, role } }],
        });
      const director = await eventuallyRow(() =>
        db.approvalStep.findFirst({ where: { requestId, level: 'director' } }),
      );
      await decide(director.id, 'approve', 'Strategic', 'dana@example.com', 'director');
      const vp = await eventuallyRow(() => db.approvalStep.findFirst({ where: { requestId, level: 'vp' } }));
      const finance = await eventuallyRow(() => db.approvalStep.findFirst({ where: { requestId, level: 'finance' } }));
      expect([vp.assigneeEmail, finance.assigneeEmail]).toEqual(['victor@example.com', 'fiona@example.com']);
      return { opened, deep, requestId, handle, decide, vp, finance };
    }

    // Finance approves at once; the VP never answers, and the VP's 48-hour deadline rejects the request
    // (onTimeout: reject). Finance answers here because two parallel deadlines left to lapse together
    // fire milliseconds apart: when the first one's rejection cancels the second as it fires, Temporal's
    // time-skipping test server refuses the cancel and the run never gets another workflow task
    // (temporalio/sdk-java#2606, #3088; CI hung here three times). A real server drops the buffered fire.
    const lapsed = await executiveRequest('ld_dealdeskexec000000000a', 'barbara@liskov.io');
    await lapsed.decide(lapsed.finance.id, 'approve', 'Margin holds', 'fiona@example.com', 'finance');
    await skipTime(env, 49 * 3_600_000);
    expect(await lapsed.handle.result()).toMatchObject({ status: 'rejected' });
    const vpStep = (await db.approvalStep.findUnique({ where: { id: lapsed.vp.id } }))!;
    expect(vpStep).toMatchObject({ status: 'auto-rejected', decidedBy: 'system' });
    expect(Math.abs(vpStep.decidedAt!.getTime() - (vpStep.createdAt.getTime() + 48 * 3_600_000))).toBeLessThan(60_000);
    expect(await db.approvalStep.findUnique({ where: { id: lapsed.finance.id } })).toMatchObject({
      status: 'approved',
      decidedBy: 'fiona@example.com',
    });
    // The VP was reminded at 24 hours, before the deadline.
    const reminded = await db.auditEvent.findFirst({
      where: { subjectId: lapsed.requestId, action: 'approval.reminded' },
    });
    expect(reminded?.occurredAt.getTime()).toBeCloseTo(vpStep.createdAt.getTime() + 24 * 3_600_000, -5);
    expect((await db.approvalRequest.findUnique({ where: { id: lapsed.requestId } }))?.outcomeReason).toContain(
      'rejected by system (vp)',
    );
    expect((await db.quoteVersion.findUnique({ where: { id: lapsed.deep.quote.current.id } }))?.status).toBe(
      'rejected',
    );

    // The VP rejects while finance is still deciding: the request is rejected, and finance's open step is closed with it.
    const refusedByVp = await executiveRequest('ld_dealdeskexec000000000b', 'tony@hoare.org');
    await refusedByVp.decide(refusedByVp.vp.id, 'reject', 'Too deep for a first year', 'victor@example.com', 'vp');
    expect(await refusedByVp.handle.result()).toMatchObject({
      status: 'rejected',
      reason: 'rejected by victor@example.com (vp): Too deep for a first year',
    });
    expect(await db.approvalStep.findUnique({ where: { id: refusedByVp.finance.id } })).toMatchObject({
      status: 'cancelled',
      decidedBy: 'system',
      comment: 'rejected by victor@example.com (vp): Too deep for a first year',
    });
    for (const opened of [first, lapsed.opened, refusedByVp.opened])
      await env.client.workflow
        .getHandle(opened.journey.workflowId)
        .terminate('test over')
        .catch(() => undefined);
  });

  it('when an approver decides the moment the step shows, before the workflow has opened it, then the decision waits for the step and counts', async () => {
    await people();
    await startAtAnchor();
    await stockCatalogue();
    const db = database.db;
    const opened = await openDeal('ld_dealdeskearly00000000a', 'john@backus.org');
    const rep = actorOf(opened.owner, 'rep');
    clock = (await now()).getTime();
    let release!: () => void;
    holdAssignment = new Promise<void>((resolve) => (release = resolve));
    try {
      const quote = await createQuote(quoteDeps(), rep, opened.dealId, quoteLines('15'));
      expect(quote.submission).toMatchObject({ status: 'pending-approval', tier: 'manager-authority' });
      const requestId = `apr_${quote.quote.current.id}`;
      const approval = env.client.workflow.getHandle(
        (quote.submission as { approvalWorkflowId: string }).approvalWorkflowId,
      );
      // The step's row is there (the approvals list shows it); its assignment has not returned.
      const step = await eventuallyRow(() => db.approvalStep.findFirst({ where: { requestId } }));
      const decision = (email: string, comment: string) => ({
        args: [
          {
            stepId: step.id,
            decision: 'approve' as const,
            comment,
            contentHash: quote.quote.current.contentHash,
            actor: { email, role: step.level },
          },
        ] as [desk.ApprovalDecisionRequest],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      // A rejection without a comment, as the API sends it, is refused at once, not accepted to wait
      // for the step: a refusal after acceptance would be kept under the API's update id (the step,
      // the approver and the decision) and given back to the same rejection sent with a comment.
      const approverActor = actorOf(step.assigneeEmail, step.level as Actor['role']);
      await expect(
        decideApprovalStep({ db, temporal: env.client }, approverActor, requestId, step.id, {
          decision: 'reject',
          comment: ' ',
          contentHash: quote.quote.current.contentHash,
        }),
      ).rejects.toMatchObject({ code: 'conflict', message: 'a rejection needs a comment saying why' });
      // Both are accepted while the step opens (before, each was refused as "not open for decisions");
      // each is checked once it has opened: the rep's is refused, the approver's counts.
      const stranger = await approval.startUpdate(desk.decideApproval, decision(opened.owner, 'Mine anyway'));
      const approver = await approval.startUpdate(desk.decideApproval, decision(step.assigneeEmail, 'Quick yes'));
      release();
      const refused = await stranger.result().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(String((refused as Error).cause)).toContain(`${opened.owner} may not decide this step`);
      expect(await approver.result()).toMatchObject({
        stepId: step.id,
        decision: 'approved',
        decidedBy: step.assigneeEmail,
        requestStatus: 'approved',
      });
      expect(await approval.result()).toMatchObject({ status: 'approved' });
      expect(await db.approvalStep.findUnique({ where: { id: step.id } })).toMatchObject({
        status: 'approved',
        decidedBy: step.assigneeEmail,
        comment: 'Quick yes',
      });
    } finally {
      release();
      holdAssignment = null;
    }
    await env.client.workflow
      .getHandle(opened.journey.workflowId)
      .terminate('test over')
      .catch(() => undefined);
  });

  it('when a deal has several quotes, then each sent one expires on its own date, a new one waits for its own approval, and signing one closes the deal on it and withdraws the rest', async () => {
    await people();
    await startAtAnchor();
    await stockCatalogue();
    const db = database.db;
    const opened = await openDeal('ld_dealdeskmany0000000000', 'edsger@dijkstra.nl');
    const rep = actorOf(opened.owner, 'rep');
    const owner = { email: opened.owner, role: 'rep' };
    const deal = env.client.workflow.getHandle(opened.workflowId);
    clock = (await now()).getTime();
    const inDays = (days: number) => new Date(clock + days * DAY).toISOString().slice(0, 10);

    // Two alternatives within the rep's authority: one year, valid 30 days; three years, valid 60 days.
    const oneYear = await createQuote(quoteDeps(), rep, opened.dealId, quoteLines('5'));
    const threeYears = await createQuote(quoteDeps(), rep, opened.dealId, {
      ...quoteLines('8'),
      termMonths: 36,
      validUntil: inDays(60),
    });
    for (const written of [oneYear, threeYears]) {
      expect(written.submission).toMatchObject({ submitted: true, status: 'approved' });
      await deal.executeUpdate(desk.sendQuote, { args: [{ versionId: written.quote.current.id, actor: owner }] });
    }
    expect(oneYear.quote.current.content.validUntil).toBe(inDays(30));

    // Past the first one's validity only: it expires, the other stays sent.
    await skipTime(env, 32 * DAY);
    const status = async (written: typeof oneYear) =>
      (await db.quoteVersion.findUniqueOrThrow({ where: { id: written.quote.current.id } })).status;
    expect(await status(oneYear)).toBe('expired');
    expect(await status(threeYears)).toBe('sent');

    // A third quote at 15 % waits for the manager (or his stand-in), untouched by the others.
    clock = (await now()).getTime();
    const discounted = await createQuote(quoteDeps(), rep, opened.dealId, quoteLines('15'));
    expect(discounted.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    const chain = env.client.workflow.getHandle(
      (discounted.submission as { approvalWorkflowId: string }).approvalWorkflowId,
    );
    const requestId = `apr_${discounted.quote.current.id}`;
    await eventuallyRow(() => db.approvalStep.findFirst({ where: { requestId } }));

    // The customer signs the three-year quote: the deal is won on it, the waiting quote is withdrawn.
    const { envelopeId } = await deal.executeUpdate(desk.requestSignature, {
      args: [
        {
          versionId: threeYears.quote.current.id,
          signer: { name: 'Edsger Dijkstra', email: 'edsger@dijkstra.nl' },
          actor: owner,
        },
      ],
    });
    await deal.signal(desk.signatureCompleted, {
      provider: 'fake',
      envelopeId,
      versionId: threeYears.quote.current.id,
      status: 'signed',
      at: (await now()).toISOString(),
    });
    const won = (await deal.result()) as desk.DealState;
    expect(won.stage).toBe('closed-won');
    expect(won.quotes.map((q) => [q.quoteId, q.status])).toEqual([
      [oneYear.quote.id, 'expired'],
      [threeYears.quote.id, 'signed'],
      [discounted.quote.id, 'withdrawn'],
    ]);
    expect(await chain.result()).toEqual({
      status: 'cancelled',
      reason: `deal closed won on quote ${threeYears.quote.number} version 1`,
    });
    expect([await status(oneYear), await status(threeYears), await status(discounted)]).toEqual([
      'expired',
      'signed',
      'withdrawn',
    ]);
    expect(await db.approvalRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: 'cancelled',
    });
    expect(await db.approvalStep.count({ where: { requestId, status: 'pending' } })).toBe(0);
    // 100 × $1,200.00 a year × 3 years − 8 % = $331,200.00; $110,400.00 a year.
    expect(await db.contract.findUniqueOrThrow({ where: { dealId: opened.dealId } })).toMatchObject({
      quoteVersionId: threeYears.quote.current.id,
      termMonths: 36,
      tcvMinor: 33_120_000n,
      acvMinor: 11_040_000n,
    });
    await opened.journey.terminate('test over').catch(() => undefined);
  });
});

async function eventuallyRow<T>(probe: () => Promise<T | null>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const row = await probe();
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('row did not appear');
}
