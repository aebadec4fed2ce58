import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('mail configuration', () => {
  it('when SMTP_URL is unset, then the embedded mail server runs on 127.0.0.1:2525 with its mailbox in the data dir', () => {
    expect(loadConfig({}).mail).toEqual({
      mode: 'embedded',
      from: 'leadflow <no-reply@leadflow.local>',
      host: '127.0.0.1',
      port: 2525,
      mailboxDir: path.resolve('.data/mailbox'),
    });
    expect(loadConfig({ LEADFLOW_SMTP_PORT: '0', LEADFLOW_DATA_DIR: '/srv/lf' }).mail).toMatchObject({
      port: 0,
      mailboxDir: '/srv/lf/mailbox',
    });
  });

  it.each([
    ['smtp://mail.acme.com', { host: 'mail.acme.com', port: 587, secure: false }],
    ['smtps://mail.acme.com', { host: 'mail.acme.com', port: 465, secure: true }],
    [
      'smtp://apikey:p%40ss%3Aword@smtp.acme.com:2587',
      { host: 'smtp.acme.com', port: 2587, secure: false, auth: { user: 'apikey', pass: 'p@ss:word' } },
    ],
  ])('when SMTP_URL is %s, then mail goes to %j', (url, smtp) => {
    expect(loadConfig({ SMTP_URL: url, MAIL_FROM: 'Acme Sales <sales@acme.com>' }).mail).toEqual({
      mode: 'external',
      from: 'Acme Sales <sales@acme.com>',
      smtp,
      url: expect.any(String),
    });
  });

  it('when SMTP_URL has a password, then the URL kept for logs hides it', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://apikey:secret@smtp.acme.com:587' }).mail).toMatchObject({
      url: 'smtp://apikey:***@smtp.acme.com:587',
    });
  });

  it.each([
    [{ SMTP_URL: 'http://mail.acme.com' }, /SMTP_URL: SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
    [{ SMTP_URL: 'smtp://mail.acme.com:587?tls=off' }, /SMTP_URL takes no path or \?options/],
    [{ SMTP_URL: 'smtp://user@mail.acme.com' }, /needs both a user and a password/],
    [{ SMTP_URL: 'not a url' }, /SMTP_URL is not a valid URL/],
    [
      { LEADFLOW_SMTP_PORT: 'smtp' },
      /LEADFLOW_SMTP_PORT="smtp": must be a port number\. Port of the embedded SMTP server/,
    ],
    [{ MAIL_FROM: 'sales' }, /MAIL_FROM="sales": must be an address like/],
    [{ MAIL_FROM: 'Sales <sales@acme>' }, /MAIL_FROM="Sales <sales@acme>": must be an address like/],
  ])('when the environment is %j, then start-up fails saying what to fix', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
