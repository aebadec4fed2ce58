/**
 * leadflow's own emails in English and Simplified Chinese: the two catalogues hold the same
 * messages, each recipient reads their language, and the iCalendar an invitation carries follows
 * RFC 5545 (CRLF, folding, escaping) with the meeting's UID and SEQUENCE.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
  invitationEmail,
  meetingCalendar,
  reminderEmail,
  type MeetingFacts,
} from '../../src/domain/meeting-invitation';
import { notificationText } from '../../src/domain/notifications';
import { languageFromAcceptLanguage } from '../../src/domain/languages';
import en from '../../src/email/messages/en.json';
import zhCN from '../../src/email/messages/zh-CN.json';

const keys = (value: unknown, prefix = ''): string[] =>
  typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([key, inner]) => keys(inner, `${prefix}${key}.`))
    : [prefix.slice(0, -1)];
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const at = (object: unknown, path: string) =>
  path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], object) as string;

const meeting: MeetingFacts = {
  meetingId: 'mtg_0123456789abcdef0123',
  kind: 'demo',
  title: 'Demo; pricing, rollout\\plan — a title long enough that its SUMMARY line must fold 演示',
  startsAt: new Date('2026-12-10T15:00:00Z'),
  endsAt: new Date('2026-12-10T16:00:00Z'),
  revision: 1,
  organizer: { name: 'Olivia Owner', email: 'olivia@leadflow.test' },
  attendees: [
    { name: '王伟', email: 'wang.wei@compilers.io' },
    { name: 'Grace Hopper, CTO', email: 'grace@compilers.io' },
  ],
  revisedAt: new Date('2026-12-03T12:00:00Z'),
};

describe('message catalogues', () => {
  it('when the catalogues are compared, then zh-CN has every English message, with the same placeholders', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    for (const key of keys(en)) expect([key, placeholders(at(zhCN, key))]).toEqual([key, placeholders(at(en, key))]);
  });

  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-GB, zh;q=0.5', 'en'],
    ['fr-CH, fr;q=0.9, zh-Hans;q=0.7, en;q=0.5', 'zh-CN'],
    ['de, en;q=0', null],
    ['zh-TW', null],
    ['', null],
  ])('when Accept-Language is "%s", then the language is %s', (header, language) => {
    expect(languageFromAcceptLanguage(header)).toBe(language);
  });
});

describe('internal notifications', () => {
  const facts = {
    leadUrl: 'https://leadflow.example/leads/ld_1',
    leadName: 'Ada',
    company: 'Analytical Engines',
    score: 90,
    ownerName: 'Dana',
    slaDueAt: '2026-12-07T14:00:00.000Z',
  };

  it('when the person reads English, then the notification reads as it always has', () => {
    expect(notificationText('mql', facts)).toEqual({
      subject: 'New MQL: Ada (Analytical Engines), score 90',
      text: 'Ada (Analytical Engines) just became a marketing-qualified lead with a score of 90.\nFirst touch is due by 2026-12-07T14:00:00.000Z.\nOpen the lead: https://leadflow.example/leads/ld_1\n',
    });
    expect(
      notificationText('assigned', { ...facts, stage: 'mql', handover: { by: 'mike@x.test', reason: 'holiday cover' } })
        .text,
    ).toBe(
      'Ada (Analytical Engines) (mql, score 90) is now yours, assigned by mike@x.test: holiday cover.\nFirst touch is due by 2026-12-07T14:00:00.000Z.\nOpen the lead: https://leadflow.example/leads/ld_1\n',
    );
  });

  it('when the person reads Chinese, then it is in Chinese with the deadline in their zone', () => {
    const reader = { language: 'zh-CN' as const, timeZone: 'Asia/Shanghai' };
    expect(notificationText('mql', facts, reader)).toEqual({
      subject: '新的营销合格线索：Ada（Analytical Engines），评分 90',
      text: 'Ada（Analytical Engines） 刚刚成为营销合格线索（MQL），评分 90。\n请在 2026年12月7日星期一 GMT+8 22:00 之前完成首次联系。\n打开线索：https://leadflow.example/leads/ld_1\n',
    });
    expect(notificationText('sla-breach', facts, reader).subject).toBe(
      '违反 SLA：Ada（Analytical Engines） 尚未被联系（负责人：Dana）',
    );
  });
});

describe('meeting invitations', () => {
  it('when the calendar is rendered, then it is RFC 5545: CRLF lines of at most 75 octets, escaped text, UTC times', () => {
    const ics = meetingCalendar(meeting, 'REQUEST');
    expect(ics.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(ics).toContain('METHOD:REQUEST\r\n');
    expect(ics).toContain('DTSTART:20261210T150000Z\r\n');
    expect(ics.replace(/\r\n /g, '')).toContain('SUMMARY:Demo\\; pricing\\, rollout\\\\plan');
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('summary')).toBe(meeting.title);
    expect(event.getFirstPropertyValue('uid')).toBe('mtg_0123456789abcdef0123@leadflow');
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getAllProperties('attendee').map((p) => p.getParameter('cn'))).toEqual(['王伟', 'Grace Hopper, CTO']);
  });

  it('when the meeting is at revision 3 and cancelled, then the calendar is a CANCEL with SEQUENCE 2 and the same UID', () => {
    const event = new ICAL.Component(ICAL.parse(meetingCalendar({ ...meeting, revision: 3 }, 'CANCEL')));
    expect(event.getFirstPropertyValue('method')).toBe('CANCEL');
    const vevent = event.getFirstSubcomponent('vevent')!;
    expect([
      vevent.getFirstPropertyValue('uid'),
      vevent.getFirstPropertyValue('sequence'),
      vevent.getFirstPropertyValue('status'),
    ]).toEqual(['mtg_0123456789abcdef0123@leadflow', 2, 'CANCELLED']);
  });

  it.each([
    ['en', 'America/New_York', 1, 'Invitation: ', 'When: Thursday, December 10, 2026 at 10:00 AM EST to 11:00 AM EST'],
    [
      'zh-CN',
      'Asia/Shanghai',
      1,
      '会议邀请：',
      '时间：2026年12月10日星期四 GMT+8 23:00 至 2026年12月11日星期五 GMT+8 00:00',
    ],
    ['en', 'UTC', 2, 'Updated invitation: ', 'New time: Thursday, December 10, 2026 at 3:00 PM UTC to 4:00 PM UTC'],
    ['zh-CN', 'UTC', 2, '邀请已更新：', '新时间：2026年12月10日星期四 UTC 15:00 至 UTC 16:00'],
  ] as const)(
    'when a %s reader in %s gets revision %d, then the subject starts "%s" and the times read "%s"',
    (language, timeZone, revision, subject, times) => {
      const email = invitationEmail({ ...meeting, revision }, 'REQUEST', { name: 'Reader', language, timeZone });
      expect(email.subject.startsWith(subject)).toBe(true);
      expect(email.text).toContain(times);
    },
  );

  it('when a reminder is written, then it says how far ahead in the reader’s language', () => {
    expect(reminderEmail(meeting, { name: null, language: 'en', timeZone: 'UTC' }, null, 86_400_000).subject).toBe(
      `Reminder: ${meeting.title} in 1 day`,
    );
    expect(reminderEmail(meeting, { name: '王伟', language: 'zh-CN', timeZone: 'UTC' }, null, 3_600_000).subject).toBe(
      `提醒：${meeting.title} 将于1小时后开始`,
    );
  });
});
