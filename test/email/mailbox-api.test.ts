import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import type { Actor, AuthenticatedRequest } from '../../src/auth/actor';
import { mailboxRoutes } from '../../src/api/routes/mailbox';
import type { MailSink } from '../../src/email/mail-sink';
import { MailSinkPortInUseError } from '../../src/email/mail-sink';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { quietLogger, startSink, tempMailboxDir } from './support';

async function getJson(url: string) {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as any };
}

describe('GET /api/dev/mailbox on the embedded mail server', () => {
  const mailbox = tempMailboxDir();
  let sink: MailSink;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    sink = await startSink(mailbox.dir);
    const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: false });
    for (const [to, subject] of [
      ['ada@example.com', 'first'],
      ['alan@example.com', 'second'],
      ['ada@example.com', 'third'],
    ] as const) {
      await mailer.send({
        messageId: `<${subject}@leadflow.local>`,
        from: 'leadflow <no-reply@leadflow.local>',
        to,
        subject,
        text: `the ${subject} email\n`,
      });
    }
    const app = express();
    // Who is asking comes from the authentication middleware; test/email/mailbox-access.int.test.ts
    // checks the real one (anonymous 401, other roles 403). Here the caller is revops.
    const revops: Partial<Actor> = { tenant: 'default', email: 'ops@example.com', name: 'Ops', role: 'revops' };
    app.use((req, _res, next) => {
      (req as AuthenticatedRequest).actor = revops as Actor;
      next();
    });
    app.use(mailboxRoutes({ mailbox: sink }));
    app.use(errorHandler(quietLogger));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sink.stop();
    mailbox.remove();
  });

  it('when the mailbox is listed, then every received email shows, newest first', async () => {
    const { status, body } = await getJson(`${base}/api/dev/mailbox`);
    expect(status).toBe(200);
    expect(body.messages.map((m: any) => m.subject)).toEqual(['third', 'second', 'first']);
    expect(body.messages[0]).toMatchObject({
      to: ['ada@example.com'],
      text: 'the third email\n',
      messageId: '<third@leadflow.local>',
    });
  });

  it('when filtered by recipient (any case) with a limit, then only their newest emails show', async () => {
    expect(
      (await getJson(`${base}/api/dev/mailbox?to=ADA@example.com`)).body.messages.map((m: any) => m.subject),
    ).toEqual(['third', 'first']);
    expect(
      (await getJson(`${base}/api/dev/mailbox?to=ada@example.com&limit=1`)).body.messages.map((m: any) => m.subject),
    ).toEqual(['third']);
  });

  it('when one email is opened, then it comes with its raw source', async () => {
    const [newest] = (await getJson(`${base}/api/dev/mailbox`)).body.messages;
    const { status, body } = await getJson(`${base}/api/dev/mailbox/${newest.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: newest.id, subject: 'third' });
    expect(body.raw).toMatch(/^Message-ID: <third@leadflow\.local>\r?$/m);
  });

  it('when the id is unknown or the query is bad, then 404 and 400 say so', async () => {
    expect(await getJson(`${base}/api/dev/mailbox/nope`)).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: expect.stringMatching(/No email with id nope/) } },
    });
    const bad = await getJson(`${base}/api/dev/mailbox?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'limit', message: 'must be 1–500' }]);
  });
});

describe('embedded mail server lifecycle', () => {
  it('when it restarts on the same data dir, then earlier mail is still in the mailbox', async () => {
    const mailbox = tempMailboxDir();
    try {
      const first = await startSink(mailbox.dir);
      await createSmtpMailer({ host: first.host, port: first.port, secure: false }).send({
        messageId: '<kept@leadflow.local>',
        from: 'no-reply@leadflow.local',
        to: 'ada@example.com',
        subject: 'kept',
        text: 'kept\n',
      });
      await first.stop();
      const second = await startSink(mailbox.dir);
      try {
        expect((await second.list()).map((m) => m.subject)).toEqual(['kept']);
      } finally {
        await second.stop();
      }
    } finally {
      mailbox.remove();
    }
  });

  it('when its port is taken, then start-up says which variable to change', async () => {
    const mailbox = tempMailboxDir();
    const first = await startSink(mailbox.dir);
    try {
      const second = startSink(mailbox.dir, first.port);
      await expect(second).rejects.toThrow(MailSinkPortInUseError);
      await expect(second).rejects.toThrow(/port is in use\. Set LEADFLOW_SMTP_PORT/);
    } finally {
      await first.stop();
      mailbox.remove();
    }
  });
});
