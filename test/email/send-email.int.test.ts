/**
 * Exactly-once email against a real SMTP server (the embedded sink) and a real database of each
 * provider. The activity is called directly for the crash and retry scenarios (a retry is the
 * same call again); the last block runs it in a real worker so Temporal itself does the retrying.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/activity';
import { ActivityFailure, Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmailActivities, type SendEmailInput } from '../../activities/email';
import { renderEmail } from '../../src/domain/email-template';
import type { MailSink } from '../../src/email/mail-sink';
import type { Mailer } from '../../src/email/mailer';
import { messageIdFor } from '../../src/email/message-id';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { unsubscribeLinks } from '../../src/email/unsubscribe-link';
import { loadRulesetFromDir } from '../../src/rules/load-dir';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { quietLogger, startDroppingServer, startSink, tempMailboxDir } from './support';

const FROM = 'Grace Hopper <grace@leadflow.local>';
const links = unsubscribeLinks('send-email-test-link-secret-0123456789', 'https://leadflow.example');
const unique = () => randomBytes(4).toString('hex');

/** A mailer whose process dies right after the server accepted the message: the result is never recorded. */
const crashingAfterSend = (inner: Mailer): Mailer => ({
  async send(email) {
    await inner.send(email);
    throw new Error('worker killed after the SMTP server accepted the message');
  },
  close: () => inner.close(),
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe.each(providers)('sending email exactly once (%s)', (provider) => {
  const mailbox = tempMailboxDir();
  let database: TestDatabase;
  let sink: MailSink;
  const smtp = () => createSmtpMailer({ host: sink.host, port: sink.port, secure: false });
  const activities = (mailer: Mailer = smtp()) =>
    createEmailActivities({ db: database.db, mailer, from: FROM, unsubscribe: links });
  const emailTo = (to: string, overrides: Partial<SendEmailInput> = {}): SendEmailInput => ({
    idempotencyKey: `test:${unique()}:step:0`,
    to,
    subject: `Hello ${to}`,
    text: 'Hi,\n\nA short note.\n',
    ...overrides,
  });
  const row = (key: string) => database.db.outboundEmail.findUniqueOrThrow({ where: { id: key } });
  const arrivedFor = (to: string) => sink.list({ to });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    sink = await startSink(mailbox.dir);
  });
  afterAll(async () => {
    await sink?.stop();
    await database?.drop();
    mailbox.remove();
  });

  it('when a rendered cadence email is sent, then it arrives as rendered, with the Message-ID of its key, and is recorded as sent', async () => {
    const shipped = await loadRulesetFromDir('rules');
    if (!shipped.ok) throw new Error('the shipped rules do not load');
    const leadId = `lead-${unique()}`;
    const to = `ada-${unique()}@analytical.example`;
    await database.db.lead.create({
      data: {
        id: leadId,
        tenant: 'default',
        email: to,
        firstName: 'Ada',
        source: 'ads',
        sourceDetails: {},
        attributes: {},
        journeyId: `journey-${leadId}`,
      },
    });
    const rendered = renderEmail(shipped.ruleset.cadences.templates['mql-intro']!.en, {
      contact: { firstName: 'Ada' },
      company: { name: 'Analytical Engines' },
      owner: { firstName: 'Grace', meetingLink: 'https://cal.example/grace' },
      unsubscribeUrl: links.urlFor(leadId),
    });
    const key = `enrolment-${leadId}:step:0`;

    const result = await activities().sendEmail({
      idempotencyKey: key,
      leadId,
      to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      template: 'mql-intro',
      kind: 'marketing',
    });

    const [arrived, ...more] = await arrivedFor(to);
    expect(more).toEqual([]);
    // Marketing email carries the lead's signed one-click link (RFC 8058), the same as in its body.
    // Headers may be folded onto a second line (RFC 5322); a mail client unfolds them.
    const raw = (await sink.get(arrived!.id))!.raw.replace(/\r\n[ \t]+/g, ' ');
    expect(raw).toContain(`List-Unsubscribe: <${links.urlFor(leadId)}>`);
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(arrived!.text).toContain(`Unsubscribe: ${links.urlFor(leadId)}`);
    expect(arrived).toMatchObject({
      subject: 'Ada, a quick question about Analytical Engines',
      text: rendered.text,
      html: rendered.html,
      messageId: messageIdFor(key, FROM),
      from: '"Grace Hopper" <grace@leadflow.local>',
    });
    expect(result).toEqual({
      status: 'sent',
      idempotencyKey: key,
      messageId: messageIdFor(key, FROM),
      sentAt: expect.any(String),
      duplicate: false,
    });
    expect(await row(key)).toMatchObject({
      status: 'sent',
      leadId,
      template: 'mql-intro',
      messageId: messageIdFor(key, FROM),
      sentAt: new Date(result.status === 'sent' ? result.sentAt : ''),
      error: null,
    });
    expect(
      await database.db.lead.findUniqueOrThrow({ where: { id: leadId }, include: { emails: true } }),
    ).toMatchObject({ emails: [{ id: key, status: 'sent' }] });
  });

  it('when a marketing email names no lead, or the worker cannot sign links, then it fails non-retryably and nothing is sent', async () => {
    const to = `nolink-${unique()}@example.com`;
    const noLead = await failureOf(activities().sendEmail(emailTo(to, { kind: 'marketing' })));
    expect(noLead).toMatchObject({ type: 'UnsubscribeLinkMissing', nonRetryable: true });
    const unsigned = createEmailActivities({ db: database.db, mailer: smtp(), from: FROM });
    const noSecret = await failureOf(unsigned.sendEmail(emailTo(to, { kind: 'marketing', leadId: 'lead-x' })));
    expect(noSecret).toMatchObject({ type: 'UnsubscribeLinkMissing', nonRetryable: true });
    expect(await arrivedFor(to)).toEqual([]);
  });

  it('when sendEmail runs twice with the same key, then one message arrives and the second call reports the first send', async () => {
    const to = `twice-${unique()}@example.com`;
    const input = emailTo(to);
    const first = await activities().sendEmail(input);
    const second = await activities().sendEmail(input);

    expect(await arrivedFor(to)).toHaveLength(1);
    expect(second).toEqual({ ...first, duplicate: true });
  });

  it('when two attempts with the same key race, then one message arrives and the row ends sent', async () => {
    const to = `race-${unique()}@example.com`;
    const input = emailTo(to);
    await Promise.all([activities().sendEmail(input), activities().sendEmail(input)]);

    expect(await arrivedFor(to)).toHaveLength(1);
    expect(await row(input.idempotencyKey)).toMatchObject({ status: 'sent' });
  });

  it('when the worker dies after the server took the message, then the retry does not send it again and marks it unknown', async () => {
    const to = `crash-${unique()}@example.com`;
    const input = emailTo(to);
    await expect(activities(crashingAfterSend(smtp())).sendEmail(input)).rejects.toThrow(/worker killed/);
    expect(await row(input.idempotencyKey)).toMatchObject({ status: 'sending' });

    const retry = await activities().sendEmail(input);

    expect(retry).toMatchObject({
      status: 'unknown',
      messageId: messageIdFor(input.idempotencyKey, FROM),
      reason: expect.stringMatching(/interrupted.*not sent again/),
    });
    expect(await arrivedFor(to)).toHaveLength(1);
    expect(await row(input.idempotencyKey)).toMatchObject({ status: 'unknown' });
    expect(await activities().sendEmail(input)).toMatchObject({ status: 'unknown' });
    expect(await arrivedFor(to)).toHaveLength(1);
  });

  it('when the SMTP server is down, then the failure is retryable and the row pending; when it is back, the retry delivers once', async () => {
    const to = `outage-${unique()}@example.com`;
    const input = emailTo(to);
    const port = sink.port;
    await sink.stop();
    try {
      const failure = await failureOf(
        activities(createSmtpMailer({ host: '127.0.0.1', port, secure: false })).sendEmail(input),
      );
      expect(failure).toMatchObject({
        type: 'EmailServerUnavailable',
        nonRetryable: false,
        message: expect.stringMatching(/nothing was delivered/),
      });
      expect(await row(input.idempotencyKey)).toMatchObject({
        status: 'pending',
        error: expect.stringMatching(/SMTP server 127\.0\.0\.1:\d+/),
      });
    } finally {
      sink = await startSink(mailbox.dir, port);
    }

    const retry = await activities().sendEmail(input);

    expect(retry).toMatchObject({ status: 'sent', duplicate: false });
    expect(await arrivedFor(to)).toHaveLength(1);
    expect(await row(input.idempotencyKey)).toMatchObject({ status: 'sent', error: null });
  });

  it('when the server refuses the recipient (550), then the failure is non-retryable, the row failed, and a later call sends nothing', async () => {
    const to = `nobody-${unique()}@bounce.invalid`;
    const input = emailTo(to);
    const failure = await failureOf(activities().sendEmail(input));
    expect(failure).toMatchObject({ type: 'EmailRejected', nonRetryable: true, details: [{ responseCode: 550 }] });
    expect(await row(input.idempotencyKey)).toMatchObject({ status: 'failed', error: expect.stringMatching(/550/) });

    expect(await failureOf(activities().sendEmail(input))).toMatchObject({ type: 'EmailRejected', nonRetryable: true });
    expect(await arrivedFor(to)).toEqual([]);
  });

  it('when the connection breaks after the message body was sent, then it is marked unknown and never sent again', async () => {
    const dropping = await startDroppingServer('end-of-data');
    try {
      const mailer = createSmtpMailer({ host: '127.0.0.1', port: dropping.port, secure: false });
      const input = emailTo(`maybe-${unique()}@example.com`);
      expect(await activities(mailer).sendEmail(input)).toMatchObject({
        status: 'unknown',
        reason: expect.stringMatching(/may have been delivered/),
      });
      expect(await activities(mailer).sendEmail(input)).toMatchObject({ status: 'unknown' });
      expect(dropping.bodies()).toBe(1);
      expect(await row(input.idempotencyKey)).toMatchObject({ status: 'unknown' });
    } finally {
      await dropping.stop();
    }
  });
});

describe.each(providers)('sendEmail in a Temporal worker (%s)', (provider) => {
  const mailbox = tempMailboxDir();
  let database: TestDatabase;
  let sink: MailSink;
  let workflowBundle: WorkflowBundleWithSourceMap;
  let client: Client;

  beforeAll(async () => {
    installTemporalRuntime(quietLogger);
    [database, sink, workflowBundle] = await Promise.all([
      createTestDatabase(provider),
      startSink(mailbox.dir),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./fixtures/send-email-workflow.ts', import.meta.url)),
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
      }),
    ]);
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  });
  afterAll(async () => {
    await client?.connection.close();
    await sink?.stop();
    await database?.drop();
    mailbox.remove();
  });

  async function withWorker<T>(run: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = `email-${unique()}`;
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    try {
      const mailer = createSmtpMailer({ host: '127.0.0.1', port: sink.port, secure: false });
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowBundle,
        activities: createEmailActivities({ db: database.db, mailer, from: FROM }),
      });
      return await worker.runUntil(run(taskQueue));
    } finally {
      await connection.close();
    }
  }

  it('when the SMTP server is down, then Temporal retries the send until it is back, and the email arrives once', async () => {
    const to = `retry-${unique()}@example.com`;
    const input: SendEmailInput = {
      idempotencyKey: `wf:${unique()}:step:0`,
      to,
      subject: 'After the outage',
      text: 'Hello again.\n',
    };
    const port = sink.port;
    await sink.stop();
    const result = await withWorker(async (taskQueue) => {
      const handle = await client.workflow.start('sendOneEmail', {
        taskQueue,
        workflowId: `send-${unique()}`,
        args: [input],
      });
      await expect
        .poll(
          async () => (await database.db.outboundEmail.findUnique({ where: { id: input.idempotencyKey } }))?.status,
          { timeout: 20_000 },
        )
        .toBe('pending');
      await new Promise((resolve) => setTimeout(resolve, 600)); // a few more failed attempts
      sink = await startSink(mailbox.dir, port);
      return handle.result();
    });

    expect(result).toMatchObject({ status: 'sent', duplicate: false });
    expect(await sink.list({ to })).toHaveLength(1);
  });

  it('when the server refuses the recipient, then the workflow sees EmailRejected after a single attempt', async () => {
    const input: SendEmailInput = {
      idempotencyKey: `wf:${unique()}:step:0`,
      to: `nobody-${unique()}@bounce.invalid`,
      subject: 'Bounce',
      text: 'Bounce.\n',
    };
    const error = await withWorker((taskQueue) =>
      client.workflow.execute('sendOneEmail', { taskQueue, workflowId: `send-${unique()}`, args: [input] }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect(activityFailure.cause).toMatchObject({ type: 'EmailRejected', nonRetryable: true });
  });
});
