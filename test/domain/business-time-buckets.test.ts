/**
 * workingTimeBuckets: the table the speed report's SQL counts business hours with. Counting on the
 * buckets, as the SQL does, must give businessTimeBetween's result to the millisecond, in zones with
 * DST changes, with half-hour offsets, across the date line, with a day open to midnight (periods
 * that touch) and with holidays; moments are drawn from a seeded generator, so a failure names its
 * seed and reproduces.
 */
import { describe, expect, it } from 'vitest';
import {
  businessTimeBetween,
  WORKING_BUCKET_MS,
  workingTimeBuckets,
  type WorkingBucket,
  type WorkingCalendar,
} from '../../src/domain/business-time';
import { seededRandom } from '../../src/domain/seeded-random';

const HOUR = 3_600_000;
const FROM = Date.UTC(2025, 11, 20);
const TO = Date.UTC(2026, 11, 31);

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const calendars: [string, WorkingCalendar][] = [
  [
    'New York, 09:00–17:00, holidays',
    {
      timezone: 'America/New_York',
      days: weekdays,
      from: '09:00',
      to: '17:00',
      holidays: ['2026-01-01', '2026-11-26', '2026-12-25'],
    },
  ],
  ['Kolkata, 09:30–18:30', { timezone: 'Asia/Kolkata', days: weekdays, from: '09:30', to: '18:30', holidays: [] }],
  [
    'Auckland, 08:00–16:00, Sunday to Thursday',
    {
      timezone: 'Pacific/Auckland',
      days: ['sun', 'mon', 'tue', 'wed', 'thu'],
      from: '08:00',
      to: '16:00',
      holidays: [],
    },
  ],
  [
    'London, every day 00:00–24:00 (periods touch)',
    {
      timezone: 'Europe/London',
      days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      from: '00:00',
      to: '24:00',
      holidays: [],
    },
  ],
  [
    'Shanghai, 00:15–23:45',
    { timezone: 'Asia/Shanghai', days: weekdays, from: '00:15', to: '23:45', holidays: ['2026-10-01'] },
  ],
  ['Chatham, 22:00–24:00', { timezone: 'Pacific/Chatham', days: weekdays, from: '22:00', to: '24:00', holidays: [] }],
];

/** The working time from the table's start to `at`, counted as the SQL counts it. */
function countedTo(at: number, buckets: readonly WorkingBucket[]): number {
  const row = buckets[Math.floor(at / WORKING_BUCKET_MS) - buckets[0]!.bucket];
  if (!row) throw new Error(`${new Date(at).toISOString()} is outside the table`);
  const clamp = (s: number, e: number) => Math.min(Math.max(at - s, 0), e - s);
  return row.before + clamp(row.s1, row.e1) + clamp(row.s2, row.e2);
}

describe.each(calendars)('workingTimeBuckets in %s', (_name, calendar) => {
  const buckets = workingTimeBuckets(calendar, new Date(FROM), new Date(TO));

  it('when the table covers a year, then it has one row per half day, in order, and no segment leaves its bucket', () => {
    expect(buckets[0]!.bucket).toBe(Math.floor(FROM / WORKING_BUCKET_MS));
    expect(buckets.at(-1)!.bucket).toBe(Math.floor(TO / WORKING_BUCKET_MS));
    buckets.forEach((row, i) => {
      expect(row.bucket).toBe(buckets[0]!.bucket + i);
      const start = row.bucket * WORKING_BUCKET_MS;
      for (const [s, e] of [
        [row.s1, row.e1],
        [row.s2, row.e2],
      ] as const) {
        expect(s).toBeGreaterThanOrEqual(start);
        expect(e).toBeGreaterThanOrEqual(s);
        expect(e).toBeLessThanOrEqual(start + WORKING_BUCKET_MS);
      }
    });
  });

  it('when 2,000 random intervals (seed 2026) are counted on the table, then each equals businessTimeBetween to the millisecond', () => {
    const random = seededRandom(2026);
    const span = TO - FROM;
    let nonZero = 0;
    for (let i = 0; i < 2_000; i++) {
      // Half the intervals short (under three days), half long; half the ends on a whole minute.
      const a = FROM + Math.floor(random() * span);
      const length = random() < 0.5 ? Math.floor(random() * 72 * HOUR) : Math.floor(random() * (TO - a));
      const round = (ms: number) => (random() < 0.5 ? ms - (ms % 60_000) : ms);
      const [from, to] = [round(a), round(Math.min(a + length, TO))];
      const expected = businessTimeBetween(new Date(from), new Date(to), calendar);
      if (expected !== 0) nonZero++;
      expect(
        countedTo(to, buckets) - countedTo(from, buckets),
        `${new Date(from).toISOString()} → ${new Date(to).toISOString()}`,
      ).toBe(expected);
    }
    expect(nonZero).toBeGreaterThan(1_000);
  });

  it('when an interval runs backwards, then the count is the negative of the forward one, as businessTimeBetween gives it', () => {
    const [a, b] = [Date.UTC(2026, 2, 6, 20), Date.UTC(2026, 2, 10, 3, 17)];
    expect(countedTo(a, buckets) - countedTo(b, buckets)).toBe(businessTimeBetween(new Date(b), new Date(a), calendar));
  });
});

describe('workingTimeBuckets at the edges', () => {
  const newYork: WorkingCalendar = {
    timezone: 'America/New_York',
    days: weekdays,
    from: '09:00',
    to: '17:00',
    holidays: [],
  };

  it('when the table is asked for one instant, then it is that instant’s bucket alone, with its working time', () => {
    // Monday 2026-03-09 12:00 UTC is 08:00 in New York (after the DST change): its half day from
    // 12:00 to 24:00 UTC holds 13:00–21:00 UTC of work.
    const at = new Date(Date.UTC(2026, 2, 9, 12));
    expect(workingTimeBuckets(newYork, at, at)).toEqual([
      {
        bucket: Date.UTC(2026, 2, 9, 12) / WORKING_BUCKET_MS,
        before: 0,
        s1: Date.UTC(2026, 2, 9, 13),
        e1: Date.UTC(2026, 2, 9, 21),
        s2: Date.UTC(2026, 2, 9, 12),
        e2: Date.UTC(2026, 2, 9, 12),
      },
    ]);
  });

  it('when a half day holds the end of one period and the start of the next, then it carries both', () => {
    // Kolkata 03:00–21:00 works 21:30 (the day before) to 15:30 UTC: the half day from Tuesday 12:00
    // UTC holds the end of Tuesday's period and the start of Wednesday's.
    const calendar: WorkingCalendar = {
      timezone: 'Asia/Kolkata',
      days: weekdays,
      from: '03:00',
      to: '21:00',
      holidays: [],
    };
    const day = Date.UTC(2026, 5, 2, 12); // Tuesday 2026-06-02 12:00 UTC
    const [row] = workingTimeBuckets(calendar, new Date(day), new Date(day));
    expect(row).toMatchObject({
      s1: day,
      e1: Date.UTC(2026, 5, 2, 15, 30),
      s2: Date.UTC(2026, 5, 2, 21, 30),
      e2: day + WORKING_BUCKET_MS,
    });
  });
});

describe('a date the zone skipped', () => {
  // Samoa moved across the date line: 29 December 2011 was followed by 31 December.
  const apia: WorkingCalendar = {
    timezone: 'Pacific/Apia',
    days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    from: '09:00',
    to: '17:00',
    holidays: [],
  };

  it('when an interval crosses it, then it has no working time, and the buckets count as businessTimeBetween does', () => {
    const [from, to] = [new Date('2011-12-30T22:01:00Z'), new Date('2012-01-01T12:24:00Z')];
    // 31 December 09:00–17:00 in Apia (UTC+14) is 30 December 19:00 to 31 December 03:00 UTC, of
    // which 22:01–03:00 is in the interval; 1 January's day (31 December 19:00 to 03:00 UTC) is whole.
    const worked = 4 * HOUR + 59 * 60_000 + 8 * HOUR;
    expect(businessTimeBetween(from, to, apia)).toBe(worked);
    const buckets = workingTimeBuckets(apia, new Date('2011-12-25T00:00:00Z'), new Date('2012-01-05T00:00:00Z'));
    expect(countedTo(to.getTime(), buckets) - countedTo(from.getTime(), buckets)).toBe(worked);
  });
});
