/**
 * `leadflow people invite <email>` and `leadflow people set-password <email>`, run as the real
 * executable against a real database and a real SMTP server (the embedded sink, as SMTP_URL).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '../../src/email/mail-sink';
import { createLogger } from '../../src/logger';
import { signIn } from '../../src/usecases/accounts';
import { createTestDatabase, sqliteOnly, type TestDatabase } from '../support/database';
import { runLeadflow } from '../support/leadflow-process';

describe.each(sqliteOnly)('leadflow people invite and set-password on %s', (provider) => {
  let database: TestDatabase;
  let sink: MailSink;
  let dir: string;
  let env: Record<string, string>;
  const leadflow = (args: string[], stdin?: string) => runLeadflow(args, env, stdin);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-cli-mail-'));
    sink = await startMailSink({ host: '127.0.0.1', port: 0, dir, logger: createLogger('silent') });
    env = {
      DATABASE_URL: database.target.url,
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
      SMTP_URL: sink.url,
      LEADFLOW_PUBLIC_URL: 'https://leadflow.example.com',
    };
    const added = await leadflow([
      'people',
      'add',
      '--email',
      'zhang.wei@example.com',
      '--name',
      'Zhang Wei',
      '--role',
      'rep',
      '--language',
      'zh-CN',
    ]);
    expect(added.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await sink?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when an operator invites a person, then they get the link in their language, valid 72 hours', async () => {
    const invited = await leadflow(['people', 'invite', 'zhang.wei@example.com']);
    expect(invited.stderr).toBe('');
    expect(invited).toMatchObject({ code: 0, stdout: expect.stringContaining('invited zhang.wei@example.com') });
    const [email] = await sink.list({ to: 'zhang.wei@example.com' });
    expect(email?.subject).toBe('leadflow 邀请您加入 leadflow');
    expect(email?.text).toMatch(/https:\/\/leadflow\.example\.com\/set-password#lf_[A-Za-z0-9_-]{43}/);
  }, 60_000);

  it('when an operator sets a password from stdin, then it signs in; a short one or one on the command line is refused', async () => {
    const short = await leadflow(['people', 'set-password', 'zhang.wei@example.com'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 12 characters');
    const argv = await leadflow(['people', 'set-password', 'zhang.wei@example.com', 'a password on argv']);
    expect(argv.code).toBe(2);
    const set = await leadflow(['people', 'set-password', 'zhang.wei@example.com'], 'a long enough password\n');
    expect(set).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('set the password of zhang.wei@example.com'),
    });
    const session = await signIn(database.db, {
      tenant: env.LEADFLOW_TENANT!,
      email: 'zhang.wei@example.com',
      password: 'a long enough password',
      now: new Date('2026-03-02T09:00:00Z'),
    });
    expect(session.person).toMatchObject({ email: 'zhang.wei@example.com', language: 'zh-CN' });
  }, 60_000);
});
