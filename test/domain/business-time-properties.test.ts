/**
 * Property-style checks over random moments of 2026 in the shipped calendars, from a seeded
 * generator so a failure names its seed and reproduces exactly. Each property is a promise
 * the SLA and KPI code relies on.
 */
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  businessTimeBetween,
  isWorkingTime,
  nextSendTime,
  nextWorkingMoment,
  sendWindowCalendar,
} from '../../src/domain/business-time';
import { fromLocalDateTime, toLocalDateTime } from '../../src/domain/time-zone';
import { mustParseDuration } from '../../src/rules/duration';
import type { BusinessCalendar } from '../../src/rules/ruleset';
import { rulesetWith } from '../rules/support/rulesets';

/** mulberry32: small, fast and good enough to spread moments over a year. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEED = 4_2026;
const RUNS = 300;
const HOUR = 3_600_000;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_MS = 365 * 24 * HOUR;

const shipped = await rulesetWith();
const calendars = Object.values(shipped.escalation.calendars);

/** A random moment of 2026, rounded to the minute half the time (openings and closings get hit). */
function randomMoment(random: () => number): Date {
  const ms = YEAR_START + Math.floor(random() * YEAR_MS);
  return new Date(random() < 0.5 ? ms - (ms % 60_000) : ms);
}

const dayLengthMs = (calendar: BusinessCalendar) => {
  const minutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
  return (minutes(calendar.to) - minutes(calendar.from)) * 60_000;
};

describe.each(calendars.map((c) => [c.name, c] as const))('in the shipped calendar %s', (_name, calendar) => {
  it(`when N business hours are added to ${RUNS} random moments (seed ${SEED}), then the deadline ends a working minute and exactly N hours of working time pass`, () => {
    const random = seededRandom(SEED);
    for (let i = 0; i < RUNS; i++) {
      const start = randomMoment(random);
      const hours = Math.ceil(random() * 80) / 4; // 0.25 … 20 business hours
      const deadline = addDuration(start, mustParseDuration(`${hours} business hours`), calendar);
      const context = `start ${start.toISOString()}, ${hours} business hours → ${deadline.toISOString()}`;
      expect(isWorkingTime(new Date(deadline.getTime() - 1), calendar), context).toBe(true);
      expect(businessTimeBetween(start, deadline, calendar), context).toBe(hours * HOUR);
      expect(deadline.getTime(), context).toBeGreaterThan(nextWorkingMoment(start, calendar).getTime());
    }
  });

  it(`when N business days are added to ${RUNS} random moments (seed ${SEED}), then the result is working time or a closing time, and N working days of time pass`, () => {
    const random = seededRandom(SEED + 1);
    for (let i = 0; i < RUNS; i++) {
      const start = randomMoment(random);
      const days = 1 + Math.floor(random() * 15);
      const due = addDuration(start, mustParseDuration(`${days} business days`), calendar);
      const context = `start ${start.toISOString()}, ${days} business days → ${due.toISOString()}`;
      expect(isWorkingTime(due, calendar) || isWorkingTime(new Date(due.getTime() - 1), calendar), context).toBe(true);
      expect(businessTimeBetween(start, due, calendar), context).toBe(days * dayLengthMs(calendar));
      if (isWorkingTime(start, calendar)) {
        const [before, after] = [toLocalDateTime(start, calendar.timezone), toLocalDateTime(due, calendar.timezone)];
        expect([after.hour, after.minute, after.second], context).toEqual([before.hour, before.minute, before.second]);
      }
    }
  });

  it(`when business time is measured across 40 random triples of moments (seed ${SEED}), then it adds up and reverses sign`, () => {
    const random = seededRandom(SEED + 2);
    for (let i = 0; i < 40; i++) {
      const [a, b, c] = [randomMoment(random), randomMoment(random), randomMoment(random)].sort(
        (x, y) => x.getTime() - y.getTime(),
      ) as [Date, Date, Date];
      const context = `${a.toISOString()} ≤ ${b.toISOString()} ≤ ${c.toISOString()}`;
      expect(businessTimeBetween(a, c, calendar), context).toBe(
        businessTimeBetween(a, b, calendar) + businessTimeBetween(b, c, calendar),
      );
      expect(businessTimeBetween(c, a, calendar), context).toBe(-businessTimeBetween(a, c, calendar));
    }
  });
});

const SLOT = 15 * 60_000;

describe.each([
  ...calendars.map(
    (c) => [c.name, { timezone: c.timezone, days: c.days, from: c.from, to: c.to, holidays: c.holidays }] as const,
  ),
  [
    'round the clock in Lord Howe (a 30-minute DST change)',
    {
      timezone: 'Australia/Lord_Howe',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      from: '00:00',
      to: '24:00',
      holidays: ['2026-04-04'],
    },
  ],
  [
    'Kathmandu (UTC+05:45)',
    { timezone: 'Asia/Kathmandu', days: ['sun', 'mon', 'tue', 'wed', 'thu'], from: '09:15', to: '18:45', holidays: [] },
  ],
] as const)('business time measured in %s', (_name, calendar) => {
  it(`when 20 random spans of up to 40 days (seed ${SEED}) are measured, then each is the working 15-minute slots it holds`, () => {
    const random = seededRandom(SEED + 5);
    for (let i = 0; i < 20; i++) {
      const start = randomMoment(random).getTime();
      const from = start - (start % SLOT);
      const to = from + Math.floor(random() * 40 * 96) * SLOT;
      let slots = 0;
      for (let at = from; at < to; at += SLOT) if (isWorkingTime(new Date(at), calendar)) slots++;
      const context = `${new Date(from).toISOString()} → ${new Date(to).toISOString()}`;
      expect(businessTimeBetween(new Date(from), new Date(to), calendar), context).toBe(slots * SLOT);
    }
  });

  it('when 10 random spans of up to 40 days around 1 January 1970 are measured, then each is the working 15-minute slots it holds', () => {
    const random = seededRandom(SEED + 6);
    for (let i = 0; i < 10; i++) {
      const from = Date.UTC(1969, 10, 1) + Math.floor(random() * 60 * 96) * SLOT;
      const to = from + Math.floor(random() * 40 * 96) * SLOT;
      let slots = 0;
      for (let at = from; at < to; at += SLOT) if (isWorkingTime(new Date(at), calendar)) slots++;
      const context = `${new Date(from).toISOString()} → ${new Date(to).toISOString()}`;
      expect(businessTimeBetween(new Date(from), new Date(to), calendar), context).toBe(slots * SLOT);
    }
  });

  it(`when 5 random spans of up to 30 years (seed ${SEED}) are measured, then each is the sum of its pieces of at most 3 days`, () => {
    const random = seededRandom(SEED + 7);
    for (let i = 0; i < 5; i++) {
      const from = Date.UTC(1960, 0, 1) + Math.floor(random() * 60 * 365 * 24 * HOUR);
      const to = from + Math.floor(random() * 30 * 365 * 24 * HOUR);
      let pieces = 0;
      for (let at = from; at < to; at = Math.min(at + 3 * 24 * HOUR - 1, to))
        pieces += businessTimeBetween(new Date(at), new Date(Math.min(at + 3 * 24 * HOUR - 1, to)), calendar);
      const context = `${new Date(from).toISOString()} → ${new Date(to).toISOString()}`;
      expect(businessTimeBetween(new Date(from), new Date(to), calendar), context).toBe(pieces);
    }
  });
});

describe('send windows', () => {
  const window = shipped.cadences.cadences['mql-standard']!.sendWindow;

  it.each(['Australia/Sydney', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata'])(
    `when an email is due at ${RUNS} random moments (seed ${SEED}) for a lead in %s, then it goes out at the earliest moment inside the window`,
    (timeZone) => {
      const random = seededRandom(SEED + 3);
      const lead = sendWindowCalendar(window, timeZone);
      for (let i = 0; i < RUNS; i++) {
        const due = randomMoment(random);
        const sent = nextSendTime(due, window, timeZone);
        const context = `due ${due.toISOString()} → ${sent.toISOString()}`;
        expect(sent.getTime(), context).toBeGreaterThanOrEqual(due.getTime());
        expect(isWorkingTime(sent, lead), context).toBe(true);
        expect(businessTimeBetween(due, sent, lead), context).toBe(0); // no window time was skipped
      }
    },
  );
});

describe('wall-clock round trip', () => {
  it.each(['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe'])(
    `when ${RUNS} random instants (seed ${SEED}) are read as wall time in %s and converted back, then they round-trip (the repeated fall-back hour maps to its first occurrence)`,
    (timeZone) => {
      const random = seededRandom(SEED + 4);
      for (let i = 0; i < RUNS; i++) {
        const instant = randomMoment(random);
        const local = toLocalDateTime(instant, timeZone);
        const back = fromLocalDateTime(local, timeZone);
        const context = `${instant.toISOString()} in ${timeZone}`;
        expect(toLocalDateTime(back, timeZone), context).toEqual(local);
        expect([0, HOUR / 2, HOUR], context).toContain(instant.getTime() - back.getTime());
      }
    },
  );
});
