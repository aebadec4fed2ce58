import { describe, expect, it } from 'vitest';
import {
  anchorAt,
  anchorWeekday,
  isWorkingDay,
  nextWorkingDay,
  scenarioAnchor,
  zoneNearHour,
  type Weekday,
} from './anchor';
import { toLocalDateTime } from '../../src/domain/time-zone';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const iso = (at: Date) => at.toISOString();

describe('test anchors: the next chosen weekday and time in a zone, whatever day the suite runs', () => {
  // 2027-03-01 is a Monday; New York is on EST (UTC−5) all that week.
  it.each([
    ['Monday 08:00 (same day, still ahead)', '2027-03-01T13:00:00Z', '2027-03-01T14:00:00.000Z'],
    ['Monday 12:00 (same day, passed)', '2027-03-01T17:00:00Z', '2027-03-08T14:00:00.000Z'],
    ['Tuesday', '2027-03-02T17:00:00Z', '2027-03-08T14:00:00.000Z'],
    ['Wednesday', '2027-03-03T17:00:00Z', '2027-03-08T14:00:00.000Z'],
    ['Thursday', '2027-03-04T17:00:00Z', '2027-03-08T14:00:00.000Z'],
    ['Friday', '2027-03-05T17:00:00Z', '2027-03-08T14:00:00.000Z'],
    ['Saturday', '2027-03-06T17:00:00Z', '2027-03-08T14:00:00.000Z'],
    ['Sunday', '2027-03-07T17:00:00Z', '2027-03-08T14:00:00.000Z'],
  ])('when the suite runs on %s, then the anchor is the next Monday 09:00 in New York', (_, from, expected) => {
    expect(iso(anchorAt(new Date(from), { weekday: 'monday', time: '09:00', zone: NY }))).toBe(expected);
  });

  it.each<[Weekday, string]>([
    ['monday', '2027-03-08T14:00:00.000Z'],
    ['tuesday', '2027-03-09T14:00:00.000Z'],
    ['wednesday', '2027-03-03T14:00:00.000Z'],
    ['thursday', '2027-03-04T14:00:00.000Z'],
    ['friday', '2027-03-05T14:00:00.000Z'],
    ['saturday', '2027-03-06T14:00:00.000Z'],
    ['sunday', '2027-03-07T14:00:00.000Z'],
  ])('when a %s 09:00 is asked for on Tuesday afternoon, then it is the next one', (weekday, expected) => {
    expect(iso(anchorAt(new Date('2027-03-02T20:00:00Z'), { weekday, time: '09:00', zone: NY }))).toBe(expected);
  });

  describe('DST changes', () => {
    it.each([
      // New York springs forward on Sunday 2027-03-14 and falls back on Sunday 2027-11-07.
      ['New York, spring, the week of the change', NY, '2027-03-03T17:00:00Z', 0, '2027-03-08T14:00:00.000Z'],
      ['New York, spring, a quiet week wanted', NY, '2027-03-03T17:00:00Z', 7, '2027-03-15T13:00:00.000Z'],
      ['New York, spring, the Monday after', NY, '2027-03-10T17:00:00Z', 7, '2027-03-15T13:00:00.000Z'],
      ['New York, autumn, the week of the change', NY, '2027-10-27T16:00:00Z', 0, '2027-11-01T13:00:00.000Z'],
      ['New York, autumn, a quiet week wanted', NY, '2027-10-27T16:00:00Z', 7, '2027-11-08T14:00:00.000Z'],
      // Berlin springs forward on Sunday 2027-03-28 and falls back on Sunday 2027-10-31.
      ['Berlin, spring, the week of the change', BERLIN, '2027-03-17T11:00:00Z', 0, '2027-03-22T08:00:00.000Z'],
      ['Berlin, spring, a quiet week wanted', BERLIN, '2027-03-17T11:00:00Z', 7, '2027-03-29T07:00:00.000Z'],
      ['Berlin, autumn, the week of the change', BERLIN, '2027-10-20T10:00:00Z', 0, '2027-10-25T07:00:00.000Z'],
      ['Berlin, autumn, a quiet week wanted', BERLIN, '2027-10-20T10:00:00Z', 7, '2027-11-01T08:00:00.000Z'],
    ])('when %s, then the Monday 09:00 is local time on the right day', (_, zone, from, quietDays, expected) => {
      expect(iso(anchorAt(new Date(from), { weekday: 'monday', time: '09:00', zone, quietDays }))).toBe(expected);
    });
  });

  describe('year end and holidays', () => {
    it('when the suite runs on 31 December, then the anchor is the first Monday of the new year', () => {
      expect(iso(anchorAt(new Date('2027-12-31T17:00:00Z'), { weekday: 'monday', time: '09:00', zone: NY }))).toBe(
        '2028-01-03T14:00:00.000Z',
      );
    });

    it('when it is already the new year in UTC but still 31 December in New York, then the zone decides', () => {
      // 2026-12-31 23:30 in New York (a Thursday) is 2027-01-01 04:30 UTC.
      expect(iso(anchorAt(new Date('2027-01-01T04:30:00Z'), { weekday: 'monday', time: '09:00', zone: NY }))).toBe(
        '2027-01-04T14:00:00.000Z',
      );
    });

    it('when a quiet week may hold no holiday, then the week with New Year is skipped', () => {
      const holidays = ['2027-12-24', '2027-12-31', '2028-01-01', '2028-01-03'];
      const options = { weekday: 'monday', time: '09:00', zone: NY, quietDays: 5, holidays } as const;
      expect(iso(anchorAt(new Date('2027-12-22T17:00:00Z'), options))).toBe('2028-01-10T14:00:00.000Z');
    });

    it('when no day can be quiet, then it says so instead of running the test on a bad day', () => {
      expect(() =>
        anchorAt(new Date('2027-03-01T12:00:00Z'), { weekday: 'monday', time: '09:00', zone: NY, quietDays: 400 }),
      ).toThrow(/no monday 09:00 in America\/New_York within 800 days/);
    });
  });

  describe('the weekday of weekday-agnostic scenarios', () => {
    it('when LEADFLOW_TEST_ANCHOR_WEEKDAY is unset, then scenarios start on Monday', () => {
      expect(anchorWeekday({})).toBe('monday');
    });

    it.each([
      ['wednesday', 'wednesday'],
      ['Thu', 'thursday'],
      [' SUNDAY ', 'sunday'],
    ])('when LEADFLOW_TEST_ANCHOR_WEEKDAY=%j, then scenarios start on %s', (value, expected) => {
      expect(anchorWeekday({ LEADFLOW_TEST_ANCHOR_WEEKDAY: value })).toBe(expected);
    });

    it('when LEADFLOW_TEST_ANCHOR_WEEKDAY is not a weekday, then it says how to fix it', () => {
      expect(() => anchorWeekday({ LEADFLOW_TEST_ANCHOR_WEEKDAY: 'someday' })).toThrow(
        /use a weekday such as "wednesday"/,
      );
    });

    it('when a scenario asks for its anchor, then it gets the configured weekday at 09:00 by default', () => {
      const from = new Date('2027-03-02T20:00:00Z');
      expect(iso(scenarioAnchor(from, { zone: NY }, {}))).toBe('2027-03-08T14:00:00.000Z');
      const env = { LEADFLOW_TEST_ANCHOR_WEEKDAY: 'wednesday' };
      expect(iso(scenarioAnchor(from, { zone: NY }, env))).toBe('2027-03-03T14:00:00.000Z');
      expect(iso(scenarioAnchor(from, { zone: BERLIN, time: '10:30' }, env))).toBe('2027-03-03T09:30:00.000Z');
    });
  });

  describe('working days', () => {
    it('when a day is a weekend or a holiday, then the next working day follows it', () => {
      expect(isWorkingDay({ year: 2027, month: 3, day: 6 })).toBe(false);
      expect(nextWorkingDay({ year: 2027, month: 3, day: 6 })).toEqual({ year: 2027, month: 3, day: 8 });
      expect(nextWorkingDay({ year: 2027, month: 3, day: 6 }, ['2027-03-08'])).toEqual({
        year: 2027,
        month: 3,
        day: 9,
      });
      expect(nextWorkingDay({ year: 2027, month: 3, day: 3 })).toEqual({ year: 2027, month: 3, day: 3 });
    });
  });
});

describe('zoneNearHour: a zone where it is about noon, whatever the hour the suite runs', () => {
  it.each([
    '2027-03-01T00:00:00Z',
    '2027-03-01T05:40:00Z',
    '2027-03-01T12:00:00Z',
    '2027-03-01T18:29:00Z',
    '2027-03-01T23:59:00Z',
  ])('when the suite runs at %s, then the zone reads within half an hour of 12:00', (at) => {
    const when = new Date(at);
    const local = toLocalDateTime(when, zoneNearHour(when));
    expect(Math.abs(local.hour + local.minute / 60 - 12)).toBeLessThanOrEqual(0.5);
  });
});
