import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailSink } from '../../src/email/mail-sink';
import { MailDeliveryError, type OutgoingEmail } from '../../src/email/mailer';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { closedPort, startDroppingServer, startSink, startSmtpServer, tempMailboxDir } from './support';

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  messageId: '<0123456789abcdef@leadflow.local>',
  from: 'Grace Hopper <grace@leadflow.local>',
  to: 'ada@analytical.example',
  subject: 'Ada, a quick question about Analytical Engines',
  text: 'Hi Ada,\n\nWould a call help?\n',
  html: '<p>Hi Ada,</p>\n<p>Would a call help?</p>',
  ...overrides,
});

async function failureOf(promise: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  return error as MailDeliveryError;
}

describe('SMTP mailer against the embedded mail server', () => {
  const mailbox = tempMailboxDir();
  let sink: MailSink;
  beforeAll(async () => {
    sink = await startSink(mailbox.dir);
  });
  afterAll(async () => {
    await sink.stop();
    mailbox.remove();
  });

  it('when an email is sent, then it arrives with its subject, bodies, sender, recipient and Message-ID', async () => {
    const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: false });
    const receipt = await mailer.send(email({ headers: { 'List-Unsubscribe': '<https://leadflow.example/u/abc>' } }));

    expect(receipt).toEqual({
      messageId: '<0123456789abcdef@leadflow.local>',
      response: expect.stringMatching(/^250 /),
    });
    const [arrived] = await sink.list({ to: 'ada@analytical.example' });
    expect(arrived).toMatchObject({
      from: '"Grace Hopper" <grace@leadflow.local>',
      to: ['ada@analytical.example'],
      envelope: { from: 'grace@leadflow.local', to: ['ada@analytical.example'] },
      subject: 'Ada, a quick question about Analytical Engines',
      text: 'Hi Ada,\n\nWould a call help?\n',
      html: '<p>Hi Ada,</p>\n<p>Would a call help?</p>',
      messageId: '<0123456789abcdef@leadflow.local>',
    });
    const stored = await sink.get(arrived!.id);
    expect(stored?.raw).toMatch(/^List-Unsubscribe: <https:\/\/leadflow\.example\/u\/abc>$/m);
    await mailer.close();
  });

  it('when the recipient is refused with a 5xx, then the failure is a rejection with the code and nothing arrives', async () => {
    const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: false });
    const failure = await failureOf(mailer.send(email({ to: 'nobody@bounce.invalid' })));
    expect(failure).toMatchObject({ kind: 'rejected', responseCode: 550, code: 'EENVELOPE' });
    expect(await sink.list({ to: 'nobody@bounce.invalid' })).toEqual([]);
  });
});

describe('SMTP mailer when delivery goes wrong', () => {
  it('when no server listens, then the failure is transient (nothing can have been delivered)', async () => {
    const mailer = createSmtpMailer({ host: '127.0.0.1', port: await closedPort(), secure: false });
    const failure = await failureOf(mailer.send(email()));
    expect(failure.kind).toBe('transient');
    expect(failure.code).toMatch(/^(ESOCKET|ECONNECTION)$/);
    expect(failure.message).toMatch(/nothing was delivered/);
  });

  it('when the server answers 451 to the recipient, then the failure is transient', async () => {
    const server = await startSmtpServer({
      authOptional: true,
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 })),
    });
    try {
      const failure = await failureOf(
        createSmtpMailer({ host: '127.0.0.1', port: server.port, secure: false }).send(email()),
      );
      expect(failure).toMatchObject({ kind: 'transient', responseCode: 451 });
    } finally {
      await server.stop();
    }
  });

  it('when the connection drops before the message body, then the failure is transient and no body reached the server', async () => {
    const server = await startDroppingServer('rcpt');
    try {
      const failure = await failureOf(
        createSmtpMailer({ host: '127.0.0.1', port: server.port, secure: false }).send(email()),
      );
      expect(failure.kind).toBe('transient');
      expect(server.bodies()).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('when the connection drops after the whole body reached the server but before its reply, then the outcome is ambiguous', async () => {
    const server = await startDroppingServer('end-of-data');
    try {
      const failure = await failureOf(
        createSmtpMailer({ host: '127.0.0.1', port: server.port, secure: false }).send(email()),
      );
      expect(failure.kind).toBe('ambiguous');
      expect(failure.message).toMatch(/may have been delivered/);
      expect(server.bodies()).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('when the server requires a login, then the configured credentials are used; wrong ones are transient (fix them and retry)', async () => {
    const received: string[] = [];
    const server = await startSmtpServer({
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) =>
        auth.username === 'leadflow' && auth.password === 'p@ss:word'
          ? callback(null, { user: auth.username })
          : callback(new Error('535 5.7.8 bad credentials')),
      onData: (stream, _session, callback) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          received.push('message');
          callback();
        });
      },
    });
    try {
      await createSmtpMailer({
        host: '127.0.0.1',
        port: server.port,
        secure: false,
        auth: { user: 'leadflow', pass: 'p@ss:word' },
      }).send(email());
      expect(received).toEqual(['message']);
      const failure = await failureOf(
        createSmtpMailer({
          host: '127.0.0.1',
          port: server.port,
          secure: false,
          auth: { user: 'leadflow', pass: 'wrong' },
        }).send(email()),
      );
      expect(failure).toMatchObject({ kind: 'transient', code: 'EAUTH' });
      expect(received).toEqual(['message']);
    } finally {
      await server.stop();
    }
  });
});
