/**
 * Password sign-in through the real HTTP API: invitations and reset links read from the embedded
 * SMTP server's mailbox, sessions, sign-out, rate limits, and deactivation. Expiry is checked with
 * an injected clock at a fixed anchor (links and sessions made "then"), never today's date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/auth/tokens';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { describeLink, invitePerson, signIn, type AccountMail } from '../../src/usecases/accounts';
import { SIGN_IN_FAILURES } from '../../src/api/abuse/sign-in-limits';
import { sqliteOnly } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

/** A fixed instant the expiry checks count from (a Monday morning, far from any real "now"). */
const ANCHOR = new Date('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;

describe.each(sqliteOnly)('password sign-in on %s', (provider) => {
  let system: TestSystem;
  let mail: AccountMail;
  const api = (path: string) => `${system.url}${path}`;

  beforeAll(async () => {
    system = await startTestSystem(provider);
    const sink = system.mailbox!;
    mail = {
      mailer: createSmtpMailer({ host: sink.host, port: sink.port, secure: false }),
      from: system.config.mail.from,
      publicUrl: system.url,
    };
  }, 120_000);
  afterAll(async () => {
    await mail?.mailer.close();
    await system?.stop();
  });

  async function addPerson(email: string, role: string, language = 'en') {
    const saved = await http(api(`/api/reps/${email}`), {
      method: 'PUT',
      body: { name: email.split('@')[0], role, language },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
  }

  /** The newest email to `to`, and the one-time link's token in it. */
  async function linkFor(to: string, count = 1): Promise<{ subject: string; text: string; token: string }> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const messages = await system.mailbox!.list({ to });
      if (messages.length >= count) {
        const newest = messages[0]!;
        const token = /\/set-password#(lf_[A-Za-z0-9_-]{43})/.exec(newest.text)?.[1];
        expect(token, newest.text).toBeDefined();
        return { subject: newest.subject, text: newest.text, token: token! };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no email #${count} to ${to}`);
  }

  const signInBody = (email: string, password: string) =>
    http(api('/api/auth/sessions'), { body: { email, password }, anonymous: true });

  it('when revops invites a Chinese-speaking manager, then the email is in Chinese, the link sets a password once, and the password signs in', async () => {
    await addPerson('mei.manager@example.com', 'manager', 'zh-CN');
    const invited = await http(api('/api/people/mei.manager@example.com/invitation'), { method: 'POST' });
    expect(invited.status).toBe(202);
    const email = await linkFor('mei.manager@example.com');
    expect(email.subject).toContain('邀请您加入 leadflow');
    expect(email.text).toContain('请在此设置您的密码');

    const looked = await http(api('/api/auth/links/lookup'), { body: { token: email.token }, anonymous: true });
    expect(looked).toMatchObject({
      status: 200,
      body: { purpose: 'invitation', person: { email: 'mei.manager@example.com', language: 'zh-CN' } },
    });

    const tooShort = await http(api('/api/auth/password'), {
      body: { token: email.token, password: 'short' },
      anonymous: true,
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.fields).toEqual([{ path: 'password', message: expect.stringContaining('12') }]);
    const ownEmail = await http(api('/api/auth/password'), {
      body: { token: email.token, password: 'mei.manager@example.com' },
      anonymous: true,
    });
    expect(ownEmail.status).toBe(422);
    expect(ownEmail.body.error.fields[0]).toMatchObject({
      path: 'password',
      message: expect.stringContaining('email'),
    });

    const set = await http(api('/api/auth/password'), {
      body: { token: email.token, password: 'correct horse battery' },
      anonymous: true,
    });
    expect(set).toMatchObject({ status: 200, body: { person: { email: 'mei.manager@example.com' } } });
    const again = await http(api('/api/auth/password'), {
      body: { token: email.token, password: 'another long password' },
      anonymous: true,
    });
    expect(again.status).toBe(404);

    const session = await signInBody('Mei.Manager@example.com', 'correct horse battery');
    expect(session).toMatchObject({
      status: 201,
      body: { token: expect.stringMatching(/^lf_/), person: { role: 'manager', language: 'zh-CN' } },
    });
    const me = await http(api('/api/me'), { headers: bearer(session.body.token) });
    expect(me.body).toMatchObject({ email: 'mei.manager@example.com', role: 'manager', language: 'zh-CN' });
    expect(Date.parse(session.body.expiresAt) - Date.now()).toBeGreaterThan(11.9 * HOUR);
    expect(Date.parse(session.body.expiresAt) - Date.now()).toBeLessThanOrEqual(12 * HOUR);

    const audit = await system.database.db.auditEvent.findMany({
      where: { tenant: system.config.tenant, subjectId: 'mei.manager@example.com' },
      orderBy: { occurredAt: 'asc' },
    });
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['person.invited', 'person.password-set', 'person.signed-in']),
    );
  }, 60_000);

  it('when the password is wrong or the email unknown, then both get the same 401 and message', async () => {
    await addPerson('wanda.wrong@example.com', 'rep');
    await http(api('/api/people/wanda.wrong@example.com/invitation'), { method: 'POST' });
    const { token } = await linkFor('wanda.wrong@example.com');
    await http(api('/api/auth/password'), { body: { token, password: 'wanda has a long one' }, anonymous: true });

    const wrong = await signInBody('wanda.wrong@example.com', 'not the password at all');
    const unknown = await signInBody('nobody.here@example.com', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  }, 60_000);

  it('when a new invitation is sent, then the older link no longer works', async () => {
    await addPerson('otto.older@example.com', 'rep');
    await http(api('/api/people/otto.older@example.com/invitation'), { method: 'POST' });
    const first = await linkFor('otto.older@example.com', 1);
    await http(api('/api/people/otto.older@example.com/invitation'), { method: 'POST' });
    const second = await linkFor('otto.older@example.com', 2);
    expect(second.token).not.toBe(first.token);
    const old = await http(api('/api/auth/links/lookup'), { body: { token: first.token }, anonymous: true });
    expect(old.status).toBe(404);
    const current = await http(api('/api/auth/links/lookup'), { body: { token: second.token }, anonymous: true });
    expect(current.status).toBe(200);
  }, 60_000);

  it('when an invitation is 72 hours old, then its link is refused; a minute before, it works', async () => {
    await addPerson('ella.expired@example.com', 'rep');
    const tenant = system.config.tenant;
    await invitePerson(system.database.db, {
      tenant,
      email: 'ella.expired@example.com',
      by: { system: 'cli' },
      now: ANCHOR,
      mail,
    });
    const { token } = await linkFor('ella.expired@example.com');
    const at = (hours: number, minutes = 0) => new Date(ANCHOR.getTime() + hours * HOUR + minutes * 60_000);
    await expect(describeLink(system.database.db, { tenant, secret: token, now: at(71, 59) })).resolves.toMatchObject({
      purpose: 'invitation',
    });
    await expect(describeLink(system.database.db, { tenant, secret: token, now: at(72) })).rejects.toThrow(
      /no longer valid/,
    );
    // Over HTTP (the real clock is long past the anchor), the same link is refused.
    const refused = await http(api('/api/auth/password'), {
      body: { token, password: 'too late for this link' },
      anonymous: true,
    });
    expect(refused.status).toBe(404);
  }, 60_000);

  it('when "forgot password" is asked, then known and unknown emails get the same 202, and the known one a 1-hour link that resets the password and ends other sessions', async () => {
    await addPerson('rita.reset@example.com', 'rep');
    await http(api('/api/people/rita.reset@example.com/invitation'), { method: 'POST' });
    const invitation = await linkFor('rita.reset@example.com', 1);
    await http(api('/api/auth/password'), {
      body: { token: invitation.token, password: 'first password here' },
      anonymous: true,
    });
    const before = await signInBody('rita.reset@example.com', 'first password here');
    expect(before.status).toBe(201);

    const known = await http(api('/api/auth/password-resets'), {
      body: { email: 'rita.reset@example.com' },
      anonymous: true,
    });
    const unknown = await http(api('/api/auth/password-resets'), {
      body: { email: 'nobody.else@example.com' },
      anonymous: true,
    });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    const reset = await linkFor('rita.reset@example.com', 2);
    expect(reset.subject).toBe('Reset your leadflow password');
    const looked = await http(api('/api/auth/links/lookup'), { body: { token: reset.token }, anonymous: true });
    const lifetime = Date.parse(looked.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(0.9 * HOUR);
    expect(lifetime).toBeLessThanOrEqual(HOUR);

    const set = await http(api('/api/auth/password'), {
      body: { token: reset.token, password: 'second password here' },
      anonymous: true,
    });
    expect(set).toMatchObject({ status: 200, body: { sessionsEnded: 1 } });
    expect((await http(api('/api/me'), { headers: bearer(before.body.token) })).status).toBe(401);
    expect((await signInBody('rita.reset@example.com', 'first password here')).status).toBe(401);
    expect((await signInBody('rita.reset@example.com', 'second password here')).status).toBe(201);
  }, 60_000);

  it('when a person signs out, then that session stops working; a session made 12 hours ago has expired', async () => {
    await addPerson('sam.session@example.com', 'rep');
    await http(api('/api/people/sam.session@example.com/invitation'), { method: 'POST' });
    const { token } = await linkFor('sam.session@example.com');
    await http(api('/api/auth/password'), { body: { token, password: 'sam signs in and out' }, anonymous: true });

    const session = await signInBody('sam.session@example.com', 'sam signs in and out');
    expect((await http(api('/api/me'), { headers: bearer(session.body.token) })).status).toBe(200);
    const out = await fetch(api('/api/auth/sessions/current'), {
      method: 'DELETE',
      headers: bearer(session.body.token),
    });
    expect(out.status).toBe(204);
    expect((await http(api('/api/me'), { headers: bearer(session.body.token) })).status).toBe(401);

    // An API token is not a session: signing out with it is refused and it keeps working.
    const revops = await fetch(api('/api/auth/sessions/current'), {
      method: 'DELETE',
      headers: bearer(system.revopsToken),
    });
    expect(revops.status).toBe(422);

    const tenant = system.config.tenant;
    const old = await signIn(system.database.db, {
      tenant,
      email: 'sam.session@example.com',
      password: 'sam signs in and out',
      now: ANCHOR,
    });
    const at = (hours: number) => new Date(ANCHOR.getTime() + hours * HOUR);
    expect((await verifyToken(system.database.db, old.token, at(11.99))).kind).toBe('valid');
    expect((await verifyToken(system.database.db, old.token, at(12))).kind).toBe('expired');
    expect((await http(api('/api/me'), { headers: bearer(old.token) })).status).toBe(401);
  }, 60_000);

  it('when a person is deactivated, then their session stops working and they cannot sign in', async () => {
    await addPerson('dan.deactivated@example.com', 'rep');
    await http(api('/api/people/dan.deactivated@example.com/invitation'), { method: 'POST' });
    const { token } = await linkFor('dan.deactivated@example.com');
    await http(api('/api/auth/password'), { body: { token, password: 'dan was here once' }, anonymous: true });
    const session = await signInBody('dan.deactivated@example.com', 'dan was here once');
    expect(session.status).toBe(201);

    await http(api('/api/reps/dan.deactivated@example.com'), { method: 'PUT', body: { active: false } });
    expect((await http(api('/api/me'), { headers: bearer(session.body.token) })).status).toBe(401);
    const refused = await signInBody('dan.deactivated@example.com', 'dan was here once');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('deactivated');
  }, 60_000);

  it('when one email fails to sign in too often, then the next attempt is a 429 with Retry-After, even with the right password', async () => {
    await addPerson('lara.limited@example.com', 'rep');
    await http(api('/api/people/lara.limited@example.com/invitation'), { method: 'POST' });
    const { token } = await linkFor('lara.limited@example.com');
    await http(api('/api/auth/password'), { body: { token, password: 'lara knows it well' }, anonymous: true });
    for (let attempt = 0; attempt < SIGN_IN_FAILURES.perEmail; attempt++)
      expect((await signInBody('lara.limited@example.com', `guess number ${attempt} here`)).status).toBe(401);
    const limited = await signInBody('lara.limited@example.com', 'lara knows it well');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another email from the same address is still let through.
    expect((await signInBody('mei.manager@example.com', 'correct horse battery')).status).toBe(201);
  }, 120_000);

  it('when a person saves their language, then GET /api/me shows it and their next invitation email follows it', async () => {
    await addPerson('lin.language@example.com', 'rep');
    const token = await system.personToken('lin.language@example.com', 'rep');
    const saved = await http(api('/api/me'), { method: 'PATCH', body: { language: 'zh-CN' }, headers: bearer(token) });
    expect(saved).toMatchObject({ status: 200, body: { language: 'zh-CN' } });
    expect((await http(api('/api/me'), { headers: bearer(token) })).body.language).toBe('zh-CN');
    const invalid = await http(api('/api/me'), { method: 'PATCH', body: { language: 'fr' }, headers: bearer(token) });
    expect(invalid.status).toBe(400);
    await http(api('/api/people/lin.language@example.com/invitation'), { method: 'POST' });
    expect((await linkFor('lin.language@example.com')).subject).toContain('邀请');
  }, 60_000);
});
