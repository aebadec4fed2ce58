/**
 * Meeting invitations as attendees receive them: the real system over HTTP, its embedded SMTP
 * server, and each received iCalendar parsed with ical.js. A stakeholder who reads Chinese, the
 * lead and a colleague are invited; a reschedule sends an update and a cancellation a cancel, with
 * the same UID and a higher SEQUENCE; reminders reach the owner and the attendees (approvals.yaml
 * `meetings.remind`); a held demo's thank-you reaches the people who attended, not the lead who
 * did not come. A retried send sends nothing twice.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../activities/email';
import { createMeetingActivities } from '../../activities/meetings';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { openDeal } from '../quotes/deal-fixture';
import { sqliteOnly } from '../support/database';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { inbox } from '../support/calendar-mail';

const LEAD = 'grace@compilers.io';
const CEO = 'wang.wei@compilers.io';
const COLLEAGUE = 'sam.engineer@leadflow.test';
const HOUR = 3_600_000;

describe.each(sqliteOnly)('meeting invitations (%s)', (provider) => {
  const rulesDir = rulesFixture({ cadences: fastJourneyRules.cadences });
  let system: TestSystem;
  let owner: string;
  let ownerEmail: string;
  let dealId: string;
  let ceoId: string;

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
    const revops = await system.personToken('revops@example.com', 'revops');
    ({ dealId, ownerEmail } = await openDeal(system, revops, LEAD));
    owner = await system.personToken(ownerEmail, 'rep', { name: 'Olivia Owner' });
    await system.personToken(COLLEAGUE, 'rep', { name: 'Sam Engineer', timeZone: 'Europe/Berlin' });
    const ceo = await call('POST', `/api/deals/${dealId}/stakeholders`, {
      name: '王伟',
      email: CEO,
      role: 'decision-maker',
      language: 'zh-CN',
    });
    expect(ceo.status, JSON.stringify(ceo.body)).toBe(201);
    expect(ceo.body.language).toBe('zh-CN');
    ceoId = ceo.body.id;
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    http(`${system.url}${path}`, { method, body, headers: { ...bearer(owner), ...headers } });
  const mailCount = async (address: string) => (await system.mailbox!.list({ to: address })).length;
  const until = async (address: string, count: number) =>
    expect(await eventually(async () => (await mailCount(address)) >= count, 30_000)).toBe(true);

  const startsAt = new Date(Date.now() + 10 * 24 * HOUR);
  startsAt.setUTCHours(9, 0, 0, 0);
  const endsAt = new Date(startsAt.getTime() + HOUR);
  let meetingId: string;
  let uid: string;

  it('when a demo is scheduled, then each attendee gets one invitation (METHOD:REQUEST, SEQUENCE 0, the times, the owner as organizer) in their language', async () => {
    const scheduled = await call('POST', `/api/deals/${dealId}/meetings`, {
      kind: 'demo',
      title: 'Platform demo',
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      attendees: [
        { name: '王伟', contactId: ceoId },
        { name: 'Grace Hopper', email: LEAD },
        { name: 'Sam Engineer', email: COLLEAGUE },
      ],
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    expect(scheduled.body).toMatchObject({ revision: 1, meetingId: expect.stringMatching(/^mtg_/) });
    expect(scheduled.headers.get('etag')).toBe('"1"');
    meetingId = scheduled.body.meetingId;
    uid = `${meetingId}@leadflow`;

    for (const address of [CEO, LEAD, COLLEAGUE]) await until(address, 1);
    const everyone = [`mailto:${CEO}`, `mailto:${LEAD}`, `mailto:${COLLEAGUE}`];
    for (const address of [CEO, LEAD, COLLEAGUE]) {
      const [invitation, ...more] = await inbox(system, address);
      expect(more).toEqual([]);
      expect(invitation!.calendarType).toMatch(/^text\/calendar;.*method=REQUEST/i);
      expect(invitation!.calendar).toEqual({
        method: 'REQUEST',
        uid,
        sequence: 0,
        start: startsAt.toISOString(),
        end: endsAt.toISOString(),
        status: 'CONFIRMED',
        organizer: `mailto:${ownerEmail}`,
        attendees: everyone,
      });
    }
    const [chinese] = await inbox(system, CEO);
    expect(chinese!.subject).toMatch(/^会议邀请：Platform demo，\d{4}年\d{1,2}月\d{1,2}日星期./);
    expect(chinese!.text).toContain('王伟，您好：');
    expect(chinese!.text).toContain('Olivia Owner 诚邀您参加产品演示：Platform demo。');
    const [english] = await inbox(system, LEAD);
    expect(english!.subject).toMatch(/^Invitation: Platform demo, \w+day, /);
    expect(english!.text).toContain('Hello Grace Hopper,');
    // The colleague reads the time in their own zone (Europe/Berlin: UTC+1 in winter, +2 in summer).
    const [colleague] = await inbox(system, COLLEAGUE);
    expect(colleague!.text).toMatch(/When: .* GMT\+[12] to /);
  });

  it('when the invitation activity runs again (a retry), then nothing more is sent', async () => {
    const activities = createMeetingActivities({
      db: system.database.db,
      outbox: createOutbox({
        db: system.database.db,
        mailer: createSmtpMailer({ host: system.mailbox!.host, port: system.mailbox!.port, secure: false }),
        from: system.config.mail.from,
      }),
      registry: {
        active: () => {
          throw new Error('not needed');
        },
      } as never,
      publicUrl: system.url,
    });
    expect(await activities.sendMeetingInvitations({ meetingId, revision: 1 })).toEqual({
      status: 'sent',
      to: [CEO, LEAD, COLLEAGUE],
    });
    for (const address of [CEO, LEAD, COLLEAGUE]) expect(await mailCount(address)).toBe(1);
  });

  it('when the meeting is moved without naming the revision read, then it is refused (428); with a stale one, 409', async () => {
    const times = {
      startsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
      endsAt: new Date(endsAt.getTime() + HOUR).toISOString(),
    };
    expect(await call('PATCH', `/api/deals/${dealId}/meetings/${meetingId}`, times)).toMatchObject({
      status: 428,
      body: { error: { code: 'precondition_required' } },
    });
    expect(await call('PATCH', `/api/deals/${dealId}/meetings/${meetingId}`, { ...times, revision: 2 })).toMatchObject({
      status: 409,
      body: { error: { code: 'stale_revision', fields: [{ path: 'revision', message: 'the current revision is 1' }] } },
    });
    expect(
      await call('PATCH', `/api/deals/${dealId}/meetings/${meetingId}`, {
        ...times,
        endsAt: times.startsAt,
        revision: 1,
      }),
    ).toMatchObject({
      status: 422,
    });
  });

  it('when the meeting is moved, then each attendee gets the update: same UID, SEQUENCE 1, the new times', async () => {
    const newStart = new Date(startsAt.getTime() + 2 * HOUR);
    const newEnd = new Date(newStart.getTime() + 90 * 60_000);
    const moved = await call(
      'PATCH',
      `/api/deals/${dealId}/meetings/${meetingId}`,
      { startsAt: newStart.toISOString(), endsAt: newEnd.toISOString() },
      { 'If-Match': '"1"' },
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ meetingId, revision: 2, status: 'scheduled', startsAt: newStart.toISOString() });
    expect(moved.headers.get('etag')).toBe('"2"');
    for (const address of [CEO, LEAD, COLLEAGUE]) {
      await until(address, 2);
      const [, update] = await inbox(system, address);
      expect(update!.calendar).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 1,
        start: newStart.toISOString(),
        end: newEnd.toISOString(),
      });
    }
    expect((await inbox(system, LEAD))[1]!.subject).toMatch(/^Updated invitation: Platform demo, now /);
    expect((await inbox(system, CEO))[1]!.subject).toMatch(/^邀请已更新：Platform demo/);
  });

  it('when the meeting is cancelled, then each attendee gets METHOD:CANCEL with the same UID and SEQUENCE 2, and it cannot change again', async () => {
    const cancelled = await call('POST', `/api/deals/${dealId}/meetings/${meetingId}/cancel`, {
      revision: 2,
      reason: 'The CEO is travelling',
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ revision: 3, status: 'cancelled', remindAt: [] });
    for (const address of [CEO, LEAD, COLLEAGUE]) {
      await until(address, 3);
      const [, , cancellation] = await inbox(system, address);
      expect(cancellation!.calendarType).toMatch(/method=CANCEL/i);
      expect(cancellation!.calendar).toMatchObject({ method: 'CANCEL', uid, sequence: 2, status: 'CANCELLED' });
    }
    expect(await call('POST', `/api/deals/${dealId}/meetings/${meetingId}/cancel`, { revision: 3 })).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict' } },
    });
    const deal = await call('GET', `/api/deals/${dealId}`);
    expect(deal.body.meetings.find((m: { id: string }) => m.id === meetingId)).toMatchObject({
      status: 'cancelled',
      revision: 3,
      attendees: [
        { name: '王伟', contactId: ceoId },
        { name: 'Grace Hopper', email: LEAD },
        { name: 'Sam Engineer', email: COLLEAGUE },
      ],
    });
  });

  it('when a meeting names a contact of another account, then it is refused (422) naming the attendee', async () => {
    const refused = await call('POST', `/api/deals/${dealId}/meetings`, {
      kind: 'meeting',
      title: 'Call',
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      attendees: [{ name: 'Nobody', contactId: 'ct_unknown' }],
    });
    expect(refused).toMatchObject({ status: 422, body: { error: { fields: [{ path: 'attendees.0.contactId' }] } } });
  });

  it('when a reminder falls due, then the owner (with the deal page link) and each attendee get it, in their language', async () => {
    const before = { owner: await mailCount(ownerEmail), ceo: await mailCount(CEO), lead: await mailCount(LEAD) };
    // The "1 hour" reminder falls due a few seconds from now; the "1 day" one has passed already.
    const soon = new Date(Date.now() + HOUR + 6_000);
    const scheduled = await call('POST', `/api/deals/${dealId}/meetings`, {
      kind: 'meeting',
      title: 'Pricing call',
      startsAt: soon.toISOString(),
      endsAt: new Date(soon.getTime() + HOUR).toISOString(),
      attendees: [
        { name: '王伟', contactId: ceoId },
        { name: 'Grace Hopper', email: LEAD },
      ],
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.remindAt).toEqual([new Date(soon.getTime() - HOUR).toISOString()]);
    // Each attendee: the invitation, then the reminder; the owner: the reminder.
    await until(ownerEmail, before.owner + 1);
    await until(CEO, before.ceo + 2);
    await until(LEAD, before.lead + 2);
    const ownerReminder = (await inbox(system, ownerEmail)).at(-1)!;
    expect(ownerReminder.subject).toBe('Reminder: Pricing call in 1 hour');
    expect(ownerReminder.text).toContain(`Deal: ${system.config.publicUrl}/deals/${dealId}`);
    expect((await inbox(system, CEO)).at(-1)!.subject).toBe('提醒：Pricing call 将于1小时后开始');
    expect((await inbox(system, LEAD)).at(-1)!.text).not.toContain('/deals/');
  });

  it("when a demo is held, then the thank-you goes to the customer's people who attended, not to the lead who did not come", async () => {
    const demoStart = new Date(Date.now() + 3 * 24 * HOUR);
    const demo = await call('POST', `/api/deals/${dealId}/meetings`, {
      kind: 'demo',
      title: 'Executive demo',
      startsAt: demoStart.toISOString(),
      endsAt: new Date(demoStart.getTime() + HOUR).toISOString(),
      attendees: [
        { name: 'Wang Wei', contactId: ceoId },
        { name: 'Grace Hopper', email: LEAD },
        { name: 'Sam Engineer', email: COLLEAGUE },
      ],
    });
    expect(demo.status).toBe(201);
    const held = await call('POST', `/api/deals/${dealId}/meetings/${demo.body.meetingId}/outcome`, {
      status: 'held',
      attendance: [
        { name: 'Wang Wei', contactId: ceoId, attended: true },
        { name: 'Grace Hopper', attended: false },
        { name: 'Sam Engineer', attended: true },
      ],
    });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    const thanked = async (address: string) =>
      (await system.mailbox!.list({ to: address })).filter(
        (m) => m.subject.startsWith('Thank you for your time today') || m.subject.includes('感谢您今天抽出时间'),
      );
    expect(await eventually(async () => (await thanked(CEO)).length > 0, 30_000)).toBe(true);
    // The CEO reads Chinese (their contact's language): the template's zh-CN text.
    expect((await thanked(CEO)).map((m) => m.subject)).toEqual(['Wang，感谢您今天抽出时间']);
    expect((await thanked(CEO))[0]!.text).not.toContain('/u/');
    expect(await thanked(LEAD)).toEqual([]);
    expect(await thanked(COLLEAGUE)).toEqual([]);
  });
});
