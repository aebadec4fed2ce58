/**
 * Wall-clock conversion in IANA zones, the ground business time stands on: offsets, and
 * local times that DST makes impossible (spring forward) or ambiguous (fall back).
 */
import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  dayOfWeek,
  formatLocalDate,
  fromLocalDateTime,
  timeZoneOffsetMs,
  toLocalDateTime,
  type LocalDateTime,
} from '../../src/domain/time-zone';

const HOUR = 3_600_000;
const wall = (text: string): LocalDateTime => {
  const [date = '', time = ''] = text.split(' ');
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return { year, month, day, hour, minute, second: 0, millisecond: 0 };
};

describe('timeZoneOffsetMs', () => {
  it.each([
    ['America/New_York', '2026-01-15T12:00:00Z', -5 * HOUR],
    ['America/New_York', '2026-07-15T12:00:00Z', -4 * HOUR],
    ['Europe/London', '2026-01-15T12:00:00Z', 0],
    ['Europe/London', '2026-07-15T12:00:00Z', HOUR],
    ['Australia/Sydney', '2026-01-15T12:00:00Z', 11 * HOUR],
    ['Australia/Sydney', '2026-07-15T12:00:00Z', 10 * HOUR],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 5.5 * HOUR],
    ['America/St_Johns', '2026-01-15T12:00:00Z', -3.5 * HOUR],
    ['UTC', '2026-07-15T12:00:00Z', 0],
  ])('when the zone is %s at %s, then the wall clock is %i ms ahead of UTC', (zone, iso, offset) => {
    expect(timeZoneOffsetMs(new Date(iso), zone)).toBe(offset);
  });
});

describe('toLocalDateTime, which reads each 15-minute slot of a zone once', () => {
  const intl = (ms: number, zone: string): LocalDateTime => {
    const fields: Record<string, number> = {};
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    for (const part of format.formatToParts(ms)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
    const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = fields;
    return { year, month, day, hour, minute, second, millisecond: ms - Math.floor(ms / 1000) * 1000 };
  };
  it.each([
    // New York falls back at 06:00 UTC; Lord Howe moves by 30 minutes; Kathmandu is 5:45 ahead;
    // Amsterdam in 1937 was 0:19:32 ahead (a slot of seconds, not of 15 minutes).
    ['America/New_York', '2025-11-02T05:30:00Z'],
    ['America/New_York', '2025-03-09T06:30:00Z'],
    ['Australia/Lord_Howe', '2025-04-05T14:30:00Z'],
    ['Asia/Kathmandu', '2025-06-01T00:00:00Z'],
    ['Europe/Amsterdam', '1937-06-30T23:00:00Z'],
  ])('when %s is read every 7 seconds and 1 ms for an hour from %s, then it shows what Intl shows', (zone, iso) => {
    const start = Date.parse(iso);
    for (let ms = start; ms < start + HOUR; ms += 7_001) {
      expect(toLocalDateTime(new Date(ms), zone)).toEqual(intl(ms, zone));
    }
  });
});

describe('fromLocalDateTime around DST changes', () => {
  it.each([
    ['an ordinary New York afternoon', 'America/New_York', '2026-01-13 14:00', '2026-01-13T19:00:00.000Z'],
    [
      '02:30 in the New York spring-forward gap moves forward to 03:30 EDT',
      'America/New_York',
      '2026-03-08 02:30',
      '2026-03-08T07:30:00.000Z',
    ],
    ['03:00 right after the New York gap exists', 'America/New_York', '2026-03-08 03:00', '2026-03-08T07:00:00.000Z'],
    [
      '01:30 in the New York fall-back overlap takes the earlier (EDT) instant',
      'America/New_York',
      '2026-11-01 01:30',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      '01:30 in the London spring-forward gap moves forward to 02:30 BST',
      'Europe/London',
      '2026-03-29 01:30',
      '2026-03-29T01:30:00.000Z',
    ],
    [
      '01:30 in the London fall-back overlap takes the earlier (BST) instant',
      'Europe/London',
      '2026-10-25 01:30',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      '02:30 in the Sydney fall-back overlap takes the earlier (AEDT) instant',
      'Australia/Sydney',
      '2026-04-05 02:30',
      '2026-04-04T15:30:00.000Z',
    ],
    [
      '02:30 in the Sydney spring-forward gap moves forward to 03:30 AEDT',
      'Australia/Sydney',
      '2026-10-04 02:30',
      '2026-10-03T16:30:00.000Z',
    ],
  ])('when the wall time is %s, then the instant is exact', (_what, zone, local, expected) => {
    expect(fromLocalDateTime(wall(local), zone).toISOString()).toBe(expected);
  });

  it('when an instant is read at midnight, then the hour is 0, not 24', () => {
    expect(toLocalDateTime(new Date('2026-01-13T05:00:00Z'), 'America/New_York')).toEqual(wall('2026-01-13 00:00'));
  });
});

describe('local dates', () => {
  it.each([
    ['2026-02-27', 2, '2026-03-01', 0],
    ['2028-02-28', 1, '2028-02-29', 2],
    ['2026-12-31', 1, '2027-01-01', 5],
    ['2026-01-01', -1, '2025-12-31', 3],
  ])('when %s moves by %i days, then it is %s (weekday %i)', (from, days, expected, weekday) => {
    const [year = 0, month = 0, day = 0] = from.split('-').map(Number);
    const moved = addLocalDays({ year, month, day }, days);
    expect([formatLocalDate(moved), dayOfWeek(moved)]).toEqual([expected, weekday]);
  });
});
