/**
 * Business-time arithmetic against the shipped calendars (rules/escalation.yaml) and send
 * windows (rules/cadences.yaml), as compiled: the same data a workflow receives. Expected
 * instants are worked out by hand from the calendar, never from the code under test.
 */
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  BusinessTimeError,
  businessTimeBetween,
  isValidTimeZone,
  isWorkingTime,
  nextSendTime,
  nextWorkingMoment,
  sendWindowCalendar,
  type WorkingCalendar,
} from '../../src/domain/business-time';
import { mustParseDuration, type Duration } from '../../src/rules/duration';
import type { BusinessCalendar } from '../../src/rules/ruleset';
import type { Weekday } from '../../src/rules/schema/common';
import { rulesetWith } from '../rules/support/rulesets';

const shipped = await rulesetWith();
const calendar = (name: string): BusinessCalendar => {
  const found = shipped.escalation.calendars[name];
  if (!found) throw new Error(`test setup: no calendar ${name} in rules/escalation.yaml`);
  return found;
};
const calendars = { 'north-america': calendar('north-america'), emea: calendar('emea'), apac: calendar('apac') };
const cadence = (name: string) => {
  const found = shipped.cadences.cadences[name];
  if (!found) throw new Error(`test setup: no cadence ${name} in rules/cadences.yaml`);
  return found;
};
type CalendarName = keyof typeof calendars;

const at = (iso: string) => new Date(iso);
const add = (start: string, duration: string, name: CalendarName) =>
  addDuration(at(start), mustParseDuration(duration), calendars[name]).toISOString();
const HOUR = 3_600_000;

describe('the shipped calendars', () => {
  it('when the rules are loaded, then the calendars these tests rely on are the shipped ones', () => {
    expect(calendars['north-america']).toMatchObject({
      timezone: 'America/New_York',
      from: '09:00',
      to: '17:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    });
    expect(calendars['north-america'].holidays).toContain('2026-11-26');
    expect(calendars.emea).toMatchObject({ timezone: 'Europe/London', from: '09:00', to: '17:30' });
    expect(calendars.emea.holidays).toEqual(expect.arrayContaining(['2026-04-03', '2026-04-06']));
    expect(calendars.apac).toMatchObject({ timezone: 'Australia/Sydney', from: '08:30', to: '17:00' });
    expect(calendars.apac.holidays).toContain('2026-01-26');
  });
});

describe('addDuration in business hours (SLA deadlines, escalation steps)', () => {
  it.each<[string, string, string, CalendarName, string]>([
    [
      'an MQL is assigned Friday 16:00 in New York with 2 business hours',
      '2026-01-09T21:00:00Z',
      '2 business hours',
      'north-america',
      '2026-01-12T15:00:00.000Z',
    ], // Mon 10:00 EST
    [
      'an MQL is assigned on Saturday with 2 business hours',
      '2026-01-10T15:00:00Z',
      '2 business hours',
      'north-america',
      '2026-01-12T16:00:00.000Z',
    ], // Mon 11:00 EST
    [
      "the time runs out exactly at Friday's close",
      '2026-01-09T20:00:00Z',
      '2 business hours',
      'north-america',
      '2026-01-09T22:00:00.000Z',
    ], // Fri 17:00, not Mon 09:00
    [
      "the clock starts at Friday's close",
      '2026-01-09T22:00:00Z',
      '1 business hour',
      'north-america',
      '2026-01-12T15:00:00.000Z',
    ], // Mon 10:00
    [
      'an MQL arrives Tuesday evening',
      '2026-01-14T01:00:00Z',
      '1 business hour',
      'north-america',
      '2026-01-14T15:00:00.000Z',
    ], // Wed 10:00
    [
      'an MQL arrives Tuesday before opening',
      '2026-01-13T12:00:00Z',
      '30 minutes',
      'north-america',
      '2026-01-13T12:30:00.000Z',
    ], // calendar units ignore the calendar
    [
      'the deadline would fall on Thanksgiving',
      '2026-11-25T21:00:00Z',
      '2 business hours',
      'north-america',
      '2026-11-27T15:00:00.000Z',
    ], // Wed 16:00 → Fri 10:00 EST
    [
      'a step of 2.5 business hours starts Wednesday 16:00',
      '2026-01-14T21:00:00Z',
      '2.5 business hours',
      'north-america',
      '2026-01-15T15:30:00.000Z',
    ], // Thu 10:30
    [
      'the weekend is the US spring-forward weekend',
      '2026-03-06T21:00:00Z',
      '2 business hours',
      'north-america',
      '2026-03-09T14:00:00.000Z',
    ], // Fri 16:00 EST → Mon 10:00 EDT
    [
      'the weekend is the US fall-back weekend',
      '2026-10-30T20:00:00Z',
      '2 business hours',
      'north-america',
      '2026-11-02T15:00:00.000Z',
    ], // Fri 16:00 EDT → Mon 10:00 EST
    [
      'the weekend is the UK spring-forward weekend',
      '2026-03-27T17:00:00Z',
      '1 business hour',
      'emea',
      '2026-03-30T08:30:00.000Z',
    ], // Fri 17:00 GMT → Mon 09:30 BST
    [
      'the weekend is the UK fall-back weekend',
      '2026-10-23T16:00:00Z',
      '1 business hour',
      'emea',
      '2026-10-26T09:30:00.000Z',
    ], // Fri 17:00 BST → Mon 09:30 GMT
    [
      'Easter in London (Good Friday and Easter Monday)',
      '2026-04-02T16:00:00Z',
      '1 business hour',
      'emea',
      '2026-04-07T08:30:00.000Z',
    ], // Thu 17:00 → Tue 09:30 BST
    [
      'Australia Day follows a Sydney weekend',
      '2026-01-23T05:00:00Z',
      '2 business hours',
      'apac',
      '2026-01-26T22:30:00.000Z',
    ], // Fri 16:00 AEDT → Tue 09:30 AEDT
  ])('when %s, then the deadline is %s + %s → %s', (_what, start, duration, name, expected) => {
    expect(add(start, duration, name)).toBe(expected);
  });
});

describe('addDuration in business days (SLAs, stalled alerts, cadence delays)', () => {
  it.each<[string, string, string, CalendarName, string]>([
    [
      'the clock starts Tuesday 14:00 in New York',
      '2026-01-13T19:00:00Z',
      '3 business days',
      'north-america',
      '2026-01-16T19:00:00.000Z',
    ], // Fri 14:00
    [
      'the clock starts Thursday 14:00 and runs over a weekend',
      '2026-01-15T19:00:00Z',
      '2 business days',
      'north-america',
      '2026-01-19T19:00:00.000Z',
    ], // Mon 14:00
    [
      "the clock starts at Tuesday's opening",
      '2026-01-13T14:00:00Z',
      '1 business day',
      'north-america',
      '2026-01-14T14:00:00.000Z',
    ], // Wed 09:00
    [
      'the clock starts on Saturday',
      '2026-01-10T15:00:00Z',
      '1 business day',
      'north-america',
      '2026-01-12T22:00:00.000Z',
    ], // Mon 17:00
    [
      'the clock starts Tuesday evening',
      '2026-01-14T01:00:00Z',
      '1 business day',
      'north-america',
      '2026-01-14T22:00:00.000Z',
    ], // Wed 17:00
    [
      'the clock starts Tuesday before opening',
      '2026-01-13T12:00:00Z',
      '1 business day',
      'north-america',
      '2026-01-13T22:00:00.000Z',
    ], // Tue 17:00
    [
      'Thanksgiving falls inside the wait',
      '2026-11-25T16:00:00Z',
      '1 business day',
      'north-america',
      '2026-11-27T16:00:00.000Z',
    ], // Wed 11:00 → Fri 11:00
    [
      'the wait spans the US spring-forward weekend',
      '2026-03-06T15:00:00Z',
      '1 business day',
      'north-america',
      '2026-03-09T14:00:00.000Z',
    ], // Fri 10:00 EST → Mon 10:00 EDT
    [
      'the wait spans the UK fall-back weekend',
      '2026-10-23T09:00:00Z',
      '1 business day',
      'emea',
      '2026-10-26T10:00:00.000Z',
    ], // Fri 10:00 BST → Mon 10:00 GMT
    [
      'half a business day starts Tuesday 15:00',
      '2026-01-13T20:00:00Z',
      '0.5 business days',
      'north-america',
      '2026-01-14T16:00:00.000Z',
    ], // 2 h + 2 h → Wed 11:00
    [
      "1.5 business days start at Tuesday's opening",
      '2026-01-13T14:00:00Z',
      '1.5 business days',
      'north-america',
      '2026-01-14T18:00:00.000Z',
    ], // Wed 09:00 + 4 h
    [
      'a stalled deal waits 10 business days from a Monday',
      '2026-01-05T15:00:00Z',
      '10 business days',
      'north-america',
      '2026-01-19T15:00:00.000Z',
    ], // Mon 10:00 → Mon 10:00, 2 weeks
  ])('when %s, then %s + %s → %s', (_what, start, duration, name, expected) => {
    expect(add(start, duration, name)).toBe(expected);
  });
});

describe('addDuration in calendar units', () => {
  it.each([
    ['48 hours start Friday 16:00', '2026-01-09T21:00:00Z', '48 hours', '2026-01-11T21:00:00.000Z'],
    [
      '1 day spans the US spring-forward night (exact elapsed time: 12:00 EST → 13:00 EDT)',
      '2026-03-07T17:00:00Z',
      '1 day',
      '2026-03-08T17:00:00.000Z',
    ],
    ['14 days start on a holiday', '2026-11-26T15:00:00Z', '14 days', '2026-12-10T15:00:00.000Z'],
  ])('when %s, then the result is exact elapsed time', (_what, start, duration, expected) => {
    expect(add(start, duration, 'north-america')).toBe(expected);
  });
});

describe('zero, negative and invalid inputs', () => {
  const start = at('2026-01-10T15:00:00Z'); // Saturday
  const literal = (amount: number, kind: 'business' | 'calendar'): Duration =>
    kind === 'business'
      ? { kind, amount, unit: 'business-hours', text: `${amount} business hours` }
      : { kind, amount, unit: 'hours', ms: amount * HOUR, text: `${amount} hours` };

  it.each(['business', 'calendar'] as const)(
    'when a %s duration is zero, then the result is the start itself (no wait), even outside working time',
    (kind) => {
      expect(addDuration(start, literal(0, kind), calendars['north-america']).toISOString()).toBe(start.toISOString());
    },
  );

  it.each([
    ['a business duration is negative', literal(-1, 'business')],
    ['a calendar duration is negative', literal(-2, 'calendar')],
    ['a duration is not a number', literal(Number.NaN, 'business')],
  ])('when %s, then it is rejected with code invalid-duration', (_what, duration) => {
    expect(() => addDuration(start, duration, calendars['north-america'])).toThrow(
      expect.objectContaining({ code: 'invalid-duration' }) as Error,
    );
  });

  it.each<[string, () => unknown, string]>([
    [
      'a calendar names an unknown time zone',
      () => isWorkingTime(start, { ...calendars.emea, timezone: 'Europe/Londn' }),
      'unknown-time-zone',
    ],
    [
      'a calendar has no working days',
      () => nextWorkingMoment(start, { ...calendars.emea, days: [] }),
      'no-working-time',
    ],
    [
      'working hours end before they start',
      () => nextWorkingMoment(start, { ...calendars.emea, from: '18:00', to: '09:00' }),
      'invalid-hours',
    ],
    [
      'a working hour is not HH:MM',
      () => nextWorkingMoment(start, { ...calendars.emea, from: '9am' }),
      'invalid-hours',
    ],
    [
      'the start is an invalid date',
      () => addDuration(new Date('not a date'), mustParseDuration('1 business hour'), calendars.emea),
      'invalid-instant',
    ],
  ])('when %s, then a BusinessTimeError with code %s explains it', (_what, call, code) => {
    expect(call).toThrow(BusinessTimeError);
    expect(call).toThrow(expect.objectContaining({ code }) as Error);
  });

  it('when the only working day is a holiday for weeks, then the search still finds the next one', () => {
    const mondaysOnly: WorkingCalendar = {
      timezone: 'UTC',
      days: ['mon'],
      from: '09:00',
      to: '17:00',
      holidays: ['2026-01-12', '2026-01-19'],
    };
    expect(nextWorkingMoment(at('2026-01-10T00:00:00Z'), mondaysOnly).toISOString()).toBe('2026-01-26T09:00:00.000Z');
  });
});

describe('isWorkingTime and nextWorkingMoment', () => {
  it.each<[string, string, CalendarName, boolean, string]>([
    ['Tuesday 10:00 in New York', '2026-01-13T15:00:00Z', 'north-america', true, '2026-01-13T15:00:00.000Z'],
    ['Tuesday 09:00 sharp (opening counts)', '2026-01-13T14:00:00Z', 'north-america', true, '2026-01-13T14:00:00.000Z'],
    [
      'Tuesday 17:00 sharp (closing does not)',
      '2026-01-13T22:00:00Z',
      'north-america',
      false,
      '2026-01-14T14:00:00.000Z',
    ],
    ['Thanksgiving 11:00', '2026-11-26T16:00:00Z', 'north-america', false, '2026-11-27T14:00:00.000Z'],
    ['Sunday of the UK spring-forward weekend', '2026-03-29T12:00:00Z', 'emea', false, '2026-03-30T08:00:00.000Z'],
    ['Monday 08:45 in Sydney', '2026-01-18T21:45:00Z', 'apac', true, '2026-01-18T21:45:00.000Z'],
    ['Australia Day 10:00 in Sydney', '2026-01-25T23:00:00Z', 'apac', false, '2026-01-26T21:30:00.000Z'],
  ])(
    'when it is %s, then working time is %s and the next working moment is %s',
    (_what, moment, name, working, next) => {
      expect(isWorkingTime(at(moment), calendars[name])).toBe(working);
      expect(nextWorkingMoment(at(moment), calendars[name]).toISOString()).toBe(next);
    },
  );
});

describe('businessTimeBetween (KPIs: response time in business hours)', () => {
  it.each<[string, string, string, CalendarName, number]>([
    [
      'an MQL assigned Friday 16:00 is touched Monday 10:00',
      '2026-01-09T21:00:00Z',
      '2026-01-12T15:00:00Z',
      'north-america',
      2 * HOUR,
    ],
    [
      'an MQL assigned Saturday is touched Monday 09:30',
      '2026-01-10T15:00:00Z',
      '2026-01-12T14:30:00Z',
      'north-america',
      HOUR / 2,
    ],
    ['a whole Thanksgiving week passes', '2026-11-23T14:00:00Z', '2026-11-30T14:00:00Z', 'north-america', 4 * 8 * HOUR],
    [
      'the whole of 2026 passes (261 weekdays, 6 weekday holidays)',
      '2026-01-01T05:00:00Z',
      '2027-01-01T05:00:00Z',
      'north-america',
      255 * 8 * HOUR,
    ],
    ['the interval is reversed', '2026-01-12T15:00:00Z', '2026-01-09T21:00:00Z', 'north-america', -2 * HOUR],
    ['both ends are in the same weekend', '2026-01-10T15:00:00Z', '2026-01-11T15:00:00Z', 'north-america', 0],
  ])('when %s, then the business time is %i ms', (_what, from, to, name, expected) => {
    expect(businessTimeBetween(at(from), at(to), calendars[name])).toBe(expected);
  });

  it('when a calendar object is changed after it was used, then the next interval is measured in the changed calendar', () => {
    // Friday 16:00 New York (21:00Z) to Monday 10:00 New York: 2 h there. The same object, moved to
    // London, opens 09:00–17:00 London: Friday 21:00Z is after hours, Monday 15:00Z is 15:00 London.
    const changing: WorkingCalendar = { ...calendars['north-america'], holidays: [] };
    expect(businessTimeBetween(at('2026-01-09T21:00:00Z'), at('2026-01-12T15:00:00Z'), changing)).toBe(2 * HOUR);
    changing.timezone = 'Europe/London';
    expect(businessTimeBetween(at('2026-01-09T21:00:00Z'), at('2026-01-12T15:00:00Z'), changing)).toBe(6 * HOUR);
    changing.from = '12:00';
    expect(businessTimeBetween(at('2026-01-09T21:00:00Z'), at('2026-01-12T15:00:00Z'), changing)).toBe(3 * HOUR);
    changing.holidays = ['2026-01-12'];
    expect(businessTimeBetween(at('2026-01-09T21:00:00Z'), at('2026-01-12T15:00:00Z'), changing)).toBe(0);
  });

  it("when a calendar's lists are changed in place after it was used, then the next interval sees the change", () => {
    // Friday 16:00 to Monday 10:00 New York: 1 h on Friday, 1 h on Monday.
    const holidays: string[] = [];
    const days: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
    const changing: WorkingCalendar = { timezone: 'America/New_York', days, from: '09:00', to: '17:00', holidays };
    const friToMon = () => businessTimeBetween(at('2026-01-09T21:00:00Z'), at('2026-01-12T15:00:00Z'), changing);
    expect(friToMon()).toBe(2 * HOUR);
    holidays.push('2026-01-12'); // Monday off: Friday's hour only
    expect(friToMon()).toBe(HOUR);
    holidays.pop();
    days.splice(0, 1); // Mondays no longer worked: Friday's hour only
    expect(friToMon()).toBe(HOUR);
  });
});

describe("nextSendTime (send windows in the lead's time zone)", () => {
  const standard = cadence('mql-standard').sendWindow; // mon–fri 08:00–17:30
  const sydney = 'Australia/Sydney';

  it.each<[string, string, readonly string[], string]>([
    [
      'a Sydney lead becomes MQL Monday 09:00 New York time (Tuesday 01:00 in Sydney)',
      '2026-01-19T14:00:00Z',
      [],
      '2026-01-19T21:00:00.000Z',
    ], // Tue 08:00 AEDT
    ['a Sydney lead becomes MQL during its working day', '2026-01-20T23:00:00Z', [], '2026-01-20T23:00:00.000Z'], // Wed 10:00 AEDT
    ['the window has just closed (17:30 sharp in Sydney)', '2026-01-21T06:30:00Z', [], '2026-01-21T21:00:00.000Z'], // Thu 08:00 AEDT
    ['the email is due Saturday 07:00 in Sydney', '2026-01-23T20:00:00Z', [], '2026-01-25T21:00:00.000Z'], // Mon 26 08:00 AEDT
    [
      'that Monday is Australia Day, a holiday for the lead',
      '2026-01-23T20:00:00Z',
      calendars.apac.holidays,
      '2026-01-26T21:00:00.000Z',
    ], // Tue 27 08:00 AEDT
    ['Sydney leaves daylight time over the weekend', '2026-04-03T07:00:00Z', [], '2026-04-05T22:00:00.000Z'], // Fri 18:00 AEDT → Mon 08:00 AEST
    ['Sydney enters daylight time over the weekend', '2026-10-02T08:00:00Z', [], '2026-10-04T21:00:00.000Z'], // Fri 18:00 AEST → Mon 08:00 AEDT
  ])('when %s, then the email goes out at %s', (_what, due, holidays, expected) => {
    expect(nextSendTime(at(due), standard, sydney, holidays).toISOString()).toBe(expected);
  });

  it('when a window names no days, then every day of the week is a sending day', () => {
    expect(
      nextSendTime(at('2026-01-10T12:00:00Z'), { from: '08:00', to: '17:30' }, 'America/New_York').toISOString(),
    ).toBe('2026-01-10T13:00:00.000Z'); // Sat 08:00 EST
  });

  it('when a window closes at 24:00, then it is open until midnight, also on the night clocks change', () => {
    const allDay = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as Weekday[], from: '00:00', to: '24:00' };
    const ny = 'America/New_York';
    // Sat 23:59:30 EST: still inside the window, so the email goes now.
    expect(nextSendTime(at('2026-01-11T04:59:30Z'), allDay, ny).toISOString()).toBe('2026-01-11T04:59:30.000Z');
    // Sun 2026-03-08 23:59 EDT, the evening after New York sprang forward (a 23-hour day).
    expect(nextSendTime(at('2026-03-09T03:59:00Z'), allDay, ny).toISOString()).toBe('2026-03-09T03:59:00.000Z');
    // Weekdays only: Friday 23:59 stays Friday; Saturday 00:30 waits for Monday 00:00.
    const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[], from: '00:00', to: '24:00' };
    expect(nextSendTime(at('2026-01-10T04:59:00Z'), weekdays, ny).toISOString()).toBe('2026-01-10T04:59:00.000Z');
    expect(nextSendTime(at('2026-01-10T05:30:00Z'), weekdays, ny).toISOString()).toBe('2026-01-12T05:00:00.000Z');
  });

  it("when the lead's time zone is unknown, then isValidTimeZone says so before any send is planned", () => {
    expect([
      isValidTimeZone(sydney),
      isValidTimeZone('UTC'),
      isValidTimeZone('Australia/Sidney'),
      isValidTimeZone(''),
    ]).toEqual([true, true, false, false]);
  });
});

describe('a whole cadence in business days (rules/cadences.yaml mql-standard: 0, 2, 2, 3, 3 business days)', () => {
  /** Each step: the delay from the previous one in the lead's send-window days, then the window. */
  const schedule = (enrolledAt: string, timeZone: string, name: string): string[] => {
    const { sendWindow, steps } = cadence(name);
    const lead = sendWindowCalendar(sendWindow, timeZone);
    let due = at(enrolledAt);
    return steps.map((step) => {
      due = nextSendTime(step.after ? addDuration(due, step.after, lead) : due, sendWindow, timeZone);
      return due.toISOString();
    });
  };

  it.each([
    [
      'a Chicago lead enrolled Monday 10:00 in February',
      '2026-02-02T16:00:00Z',
      'America/Chicago',
      [
        '2026-02-02T16:00:00.000Z',
        '2026-02-04T16:00:00.000Z',
        '2026-02-06T16:00:00.000Z',
        '2026-02-11T16:00:00.000Z',
        '2026-02-16T16:00:00.000Z',
      ],
    ],
    [
      'a Chicago lead enrolled Monday 10:00 across the spring-forward weekend (10:00 CST → 10:00 CDT)',
      '2026-03-02T16:00:00Z',
      'America/Chicago',
      [
        '2026-03-02T16:00:00.000Z',
        '2026-03-04T16:00:00.000Z',
        '2026-03-06T16:00:00.000Z',
        '2026-03-11T15:00:00.000Z',
        '2026-03-16T15:00:00.000Z',
      ],
    ],
    [
      'a London lead enrolled on Saturday (first email Monday 08:00)',
      '2026-01-10T12:00:00Z',
      'Europe/London',
      [
        '2026-01-12T08:00:00.000Z',
        '2026-01-14T08:00:00.000Z',
        '2026-01-16T08:00:00.000Z',
        '2026-01-21T08:00:00.000Z',
        '2026-01-26T08:00:00.000Z',
      ],
    ],
  ])(
    'when %s, then the five touches span 14 calendar days at the same local time',
    (_what, enrolledAt, timeZone, expected) => {
      expect(schedule(enrolledAt, timeZone, 'mql-standard')).toEqual(expected);
    },
  );
});
