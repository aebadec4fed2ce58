import { describe, expect, it } from 'vitest';
import { startMail } from '../../src/cli/services';
import { loadConfig } from '../../src/config';
import { quietLogger, startSink, tempMailboxDir } from './support';

const email = { messageId: '<start-mail@leadflow.local>', to: 'ada@example.com', subject: 'wired', text: 'wired\n' };

describe('startMail', () => {
  it('when SMTP_URL is unset, then the embedded mail server runs and the mailer delivers into its mailbox in the data dir', async () => {
    const dataDir = tempMailboxDir();
    const mail = await startMail(loadConfig({ LEADFLOW_DATA_DIR: dataDir.dir, LEADFLOW_SMTP_PORT: '0' }), quietLogger);
    try {
      expect(mail.from).toBe('leadflow <no-reply@leadflow.local>');
      await mail.mailer.send({ ...email, from: mail.from });
      expect((await mail.sink?.list())?.map((m) => m.subject)).toEqual(['wired']);
    } finally {
      await mail.stop();
      dataDir.remove();
    }
  });

  it('when SMTP_URL names a server, then no embedded server runs and mail goes to that server', async () => {
    const elsewhere = tempMailboxDir();
    const server = await startSink(elsewhere.dir);
    const mail = await startMail(
      loadConfig({ SMTP_URL: `smtp://127.0.0.1:${server.port}`, MAIL_FROM: 'Acme <sales@acme.example>' }),
      quietLogger,
    );
    try {
      expect(mail.sink).toBeUndefined();
      await mail.mailer.send({ ...email, from: mail.from });
      expect(await server.list({ to: 'ada@example.com' })).toMatchObject([
        { subject: 'wired', envelope: { from: 'sales@acme.example' } },
      ]);
    } finally {
      await mail.stop();
      await server.stop();
      elsewhere.remove();
    }
  });
});
