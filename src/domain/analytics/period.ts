/**
 * Report periods: a range of whole days on the wall calendar of the tenant's reporting time zone
 * (an IANA zone), as instants [from, to). A day is local midnight to local midnight, so a period
 * across a DST change has a 23- or 25-hour day, and "March" in New York starts at 05:00 UTC.
 * The comparison period is the same number of days immediately before.
 */
import {
  addLocalDays,
  compareLocalDates,
  dayOfWeek,
  formatLocalDate,
  fromLocalDateTime,
  toLocalDate,
  type LocalDate,
} from '../time-zone';

export interface ReportPeriod {
  zone: string;
  /** First day, `YYYY-MM-DD`. */
  fromDate: string;
  /** Last day (included), `YYYY-MM-DD`. */
  toDate: string;
  /** The first instant of the first day. */
  from: Date;
  /** The first instant after the last day. */
  to: Date;
}

/** A half-open range of instants [from, to). */
export interface Interval {
  from: Date;
  to: Date;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2026-03-01` as a local date, or null when it is not a real calendar date. */
export function parseLocalDate(text: string): LocalDate | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  // addLocalDays(…, 0) normalises 2026-02-30 into March: a real date survives it unchanged.
  return compareLocalDates(addLocalDays(date, 0), date) === 0 ? date : null;
}

function localMidnight(date: LocalDate, zone: string): Date {
  return fromLocalDateTime({ ...date, hour: 0, minute: 0, second: 0, millisecond: 0 }, zone);
}

function requireDate(text: string): LocalDate {
  const date = parseLocalDate(text);
  if (!date) throw new RangeError(`"${text}" is not a date like 2026-03-01`);
  return date;
}

/** The days `fromDate` to `toDate` (both included) in `zone`. Inputs are checked by the filters. */
export function reportPeriod(fromDate: string, toDate: string, zone: string): ReportPeriod {
  const first = requireDate(fromDate);
  const last = requireDate(toDate);
  return {
    zone,
    fromDate: formatLocalDate(first),
    toDate: formatLocalDate(last),
    from: localMidnight(first, zone),
    to: localMidnight(addLocalDays(last, 1), zone),
  };
}

/** How many calendar days the period covers. */
export function periodDays(period: ReportPeriod): number {
  const first = requireDate(period.fromDate);
  const last = requireDate(period.toDate);
  let count = 1;
  for (let day = first; compareLocalDates(day, last) < 0; day = addLocalDays(day, 1)) count++;
  return count;
}

/** The same number of days, ending the day before `period` starts. */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  const first = requireDate(period.fromDate);
  const length = periodDays(period);
  return reportPeriod(
    formatLocalDate(addLocalDays(first, -length)),
    formatLocalDate(addLocalDays(first, -1)),
    period.zone,
  );
}

/** True when `at` is within [from, to). */
export function within(at: Date | null | undefined, interval: Interval): at is Date {
  return (
    at !== null && at !== undefined && at.getTime() >= interval.from.getTime() && at.getTime() < interval.to.getTime()
  );
}

/** `YYYY-MM`: the local month of `at` in `zone`. */
export function monthOf(at: Date, zone: string): string {
  return formatLocalDate(toLocalDate(at, zone)).slice(0, 7);
}

/** The months (`YYYY-MM`) whose first day lies in the period: the months monthly figures count. */
export function monthsOf(period: ReportPeriod): string[] {
  const months: string[] = [];
  const last = requireDate(period.toDate);
  for (let day = requireDate(period.fromDate); compareLocalDates(day, last) <= 0; day = addLocalDays(day, 1))
    if (day.day === 1) months.push(formatLocalDate(day).slice(0, 7));
  return months;
}

export type Grain = 'day' | 'week' | 'month';

/** The trend bucket of `at`: its local day, the Monday of its week, or its month. */
export function bucketOf(at: Date, zone: string, grain: Grain): string {
  const date = toLocalDate(at, zone);
  switch (grain) {
    case 'day':
      return formatLocalDate(date);
    case 'week':
      return formatLocalDate(addLocalDays(date, -((dayOfWeek(date) + 6) % 7)));
    case 'month':
      return formatLocalDate(date).slice(0, 7);
  }
}

/** Every bucket the period touches, in order (a week or month may start before the period). */
export function bucketsOf(period: ReportPeriod, grain: Grain): string[] {
  const buckets = new Set<string>();
  const last = requireDate(period.toDate);
  for (let day = requireDate(period.fromDate); compareLocalDates(day, last) <= 0; day = addLocalDays(day, 1))
    buckets.add(bucketOf(localMidnight(day, period.zone), period.zone, grain));
  return [...buckets];
}

/** One trend bucket as a range of instants: the part of the period whose local date falls in it. */
export interface BucketRange extends Interval {
  bucket: string;
}

/**
 * The period cut into its trend buckets, as ranges of instants that tile it in order: every
 * instant of the period lies in the range of `bucketOf(at)`. A query can bucket timestamps by
 * these bounds without time-zone arithmetic of its own.
 */
export function bucketRanges(period: ReportPeriod, grain: Grain): BucketRange[] {
  const ranges: BucketRange[] = [];
  const last = requireDate(period.toDate);
  for (let day = requireDate(period.fromDate); compareLocalDates(day, last) <= 0; day = addLocalDays(day, 1)) {
    const start = localMidnight(day, period.zone);
    const bucket = bucketOf(start, period.zone, grain);
    const open = ranges.at(-1);
    if (open?.bucket === bucket) continue;
    if (open) open.to = start;
    ranges.push({ bucket, from: ranges.length === 0 ? period.from : start, to: period.to });
  }
  return ranges;
}
