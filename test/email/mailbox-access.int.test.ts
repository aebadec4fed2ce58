/**
 * The development mailbox holds every email leadflow sent (leads' names and addresses, links meant
 * for one person): it exists only with the embedded mail server, and only RevOps may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { closedPort } from './support';

describe('who may read the development mailbox', () => {
  let system: TestSystem;
  let emailId: string;
  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    const sink = system.mailbox!;
    await createSmtpMailer({ host: sink.host, port: sink.port, secure: false }).send({
      messageId: '<private@leadflow.local>',
      from: 'leadflow <no-reply@leadflow.local>',
      to: 'ada@example.com',
      subject: 'Your private link',
      text: 'https://leadflow.example/sign/secret\n',
    });
    emailId = (await sink.list())[0]!.id;
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when nobody signs in, then listing and opening emails is a 401', async () => {
    for (const path of ['/api/dev/mailbox?limit=500', `/api/dev/mailbox/${emailId}`]) {
      const response = await http(`${system.url}${path}`, { anonymous: true });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
      expect(JSON.stringify(response.body)).not.toContain('ada@example.com');
    }
  });

  it('when a rep or a manager asks, then it is a 403 naming the role that may', async () => {
    for (const role of ['rep', 'manager'] as const) {
      const token = await system.personToken(`${role}@example.com`, role);
      for (const path of ['/api/dev/mailbox', `/api/dev/mailbox/${emailId}`]) {
        const response = await http(`${system.url}${path}`, { headers: bearer(token) });
        expect(response.status).toBe(403);
        expect(response.body.error.message).toBe(
          `Reading the development mailbox needs one of the roles revops; ${role}@example.com is ${role}.`,
        );
      }
    }
  });

  it('when revops asks, then they see the emails and can open one', async () => {
    const token = await system.personToken('ops@example.com', 'revops');
    const listed = await http(`${system.url}/api/dev/mailbox`, { headers: bearer(token) });
    expect(listed.status).toBe(200);
    expect(listed.body.messages).toEqual([
      expect.objectContaining({ id: emailId, to: ['ada@example.com'], subject: 'Your private link' }),
    ]);
    const opened = await http(`${system.url}/api/dev/mailbox/${emailId}`, { headers: bearer(token) });
    expect(opened).toMatchObject({ status: 200, body: { id: emailId, subject: 'Your private link' } });
  });
});

describe('the development mailbox with a real SMTP server', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when SMTP_URL is set, then there is no mailbox, even for revops', async () => {
    const token = await system.personToken('ops@example.com', 'revops');
    const response = await http(`${system.url}/api/dev/mailbox`, { headers: bearer(token) });
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe('No route GET /api/dev/mailbox.');
  });
});
