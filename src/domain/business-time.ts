/**
 * Business-time arithmetic for SLA deadlines, escalation delays, cadence delays and send
 * windows: what "2 business hours" or "3 business days" after a moment is, in a business
 * calendar from `escalation.yaml` (time zone, working days, working hours, holidays).
 *
 * Pure and deterministic, so Temporal workflow code calls it directly and replay gives the
 * same deadlines. The semantics for RevOps readers are in docs/business-time.md.
 *
 * Working time on a working day is the half-open interval [from, to) of local wall time.
 * A deadline that uses up working time exactly at a closing time is that closing time
 * (Friday 15:00 + 2 business hours = Friday 17:00, not Monday 09:00).
 */
import type { Duration } from '../rules/duration';
import type { Weekday } from '../rules/schema/common';
import {
  addLocalDays,
  compareLocalDates,
  dayOfWeek,
  formatLocalDate,
  fromLocalDateTime,
  isValidTimeZone,
  toLocalDate,
  toLocalDateTime,
  type LocalDate,
} from './time-zone';

export { isValidTimeZone } from './time-zone';

/**
 * What business time needs from a calendar. The compiled `BusinessCalendar` of
 * `escalation.yaml` (src/rules/ruleset.ts) fits as it is; `from`/`to` are `HH:MM` wall
 * times in `timezone`, and holidays are local dates (`2026-11-26`).
 */
export interface WorkingCalendar {
  name?: string;
  timezone: string;
  days: readonly Weekday[];
  from: string;
  to: string;
  holidays: readonly string[];
}

/** A send window as `cadences.yaml` writes it; without `days`, every day of the week. */
export interface SendWindowHours {
  from: string;
  to: string;
  days?: readonly Weekday[];
}

export type BusinessTimeErrorCode =
  'invalid-duration' | 'invalid-instant' | 'unknown-time-zone' | 'invalid-hours' | 'no-working-time';

/** A business-time input that cannot be computed with; the message says how to fix it. */
export class BusinessTimeError extends Error {
  override readonly name = 'BusinessTimeError';
  readonly code: BusinessTimeErrorCode;
  constructor(code: BusinessTimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.code = code;
  }
}

const WEEKDAY_INDEX: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const EVERY_DAY = Object.keys(WEEKDAY_INDEX) as Weekday[];
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

interface ClockTime {
  hour: number;
  minute: number;
}

/** A calendar checked once per call, in the shape the arithmetic uses. */
interface PreparedCalendar {
  label: string;
  timeZone: string;
  workingWeekdays: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  open: ClockTime;
  close: ClockTime;
  /** Wall-clock length of a working day: what a fraction of a business day is a fraction of. */
  dayLengthMs: number;
  /** Each local date's working time once computed (`YYYY-MM-DD` → period or null): days repeat across calls. */
  days: Map<string, WorkingPeriod | null>;
  /** Blocks of BLOCK_DAYS days' working time by block number, once computed (businessTimeBetween). */
  blocks: Map<number, WorkingBlock>;
}

/**
 * The working time of BLOCK_DAYS consecutive local dates, block `n` holding day numbers
 * n × BLOCK_DAYS … (n + 1) × BLOCK_DAYS − 1 (a day number counts local dates from 1970-01-01).
 */
interface WorkingBlock {
  /** Each day's opening instant (0 on a day without working time). */
  starts: Float64Array;
  /** Each day's working time (0 on a day off or a holiday). */
  lengths: Float64Array;
  /** The working time of the block's days before each day. */
  before: Float64Array;
  /** The working time of the whole block. */
  total: number;
}

/** One working day's working time, as instants: [start, end). */
interface WorkingPeriod {
  date: LocalDate;
  start: number;
  end: number;
}

function parseClock(text: string, label: string, key: 'from' | 'to'): ClockTime {
  // A closing time of 24:00 is midnight at the end of the day: open until the day ends.
  if (key === 'to' && text === '24:00') return { hour: 24, minute: 0 };
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match)
    throw new BusinessTimeError(
      'invalid-hours',
      `${label}: "${key}: ${text}" is not a 24-hour time; write it like "09:00"`,
    );
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * Prepared calendars by content, so that a report measuring thousands of intervals in one calendar
 * checks it once and computes each day's working time once (converting local opening and closing
 * times to instants is what costs). A pure cache: the same calendar always prepares the same way,
 * so results, and workflow replay, are unchanged. Bounded, as calendars come from rule files and
 * people's time zones (a few dozen), not from unbounded input.
 */
const preparedCalendars = new Map<string, PreparedCalendar>();
const MAX_PREPARED_CALENDARS = 256;
const MAX_CACHED_DAYS = 20_000;
const BLOCK_DAYS = 64;
const MAX_CACHED_BLOCKS = Math.ceil(MAX_CACHED_DAYS / BLOCK_DAYS);
const MS_PER_DAY = 86_400_000;
/** The instants businessTimeBetween reads from blocks: 3 January of year 1 to 30 December 9999, UTC. */
const FIRST_BLOCKED_INSTANT = -62_135_424_000_000;
const LAST_BLOCKED_INSTANT = 253_402_128_000_000;

/**
 * The calendar each calendar object was last prepared as, with a copy of the fields it had then: a
 * report asks for the same object for each of 100 000 intervals, and the content key costs more
 * than the interval. Every field is compared with the copy, the lists item by item (they may be
 * changed in place), so a changed calendar is prepared again.
 */
const preparedObjects = new WeakMap<WorkingCalendar, { seen: WorkingCalendar; prepared: PreparedCalendar }>();

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item, index) => item === b[index]);

const unchanged = (a: WorkingCalendar, b: WorkingCalendar) =>
  a.name === b.name &&
  a.timezone === b.timezone &&
  a.from === b.from &&
  a.to === b.to &&
  sameList(a.days, b.days) &&
  sameList(a.holidays, b.holidays);

function prepare(calendar: WorkingCalendar): PreparedCalendar {
  const last = preparedObjects.get(calendar);
  if (last !== undefined && unchanged(last.seen, calendar)) return last.prepared;
  const prepared = preparedByContent(calendar);
  preparedObjects.set(calendar, {
    seen: { ...calendar, days: [...calendar.days], holidays: [...calendar.holidays] },
    prepared,
  });
  return prepared;
}

function preparedByContent(calendar: WorkingCalendar): PreparedCalendar {
  const key = JSON.stringify([
    calendar.name,
    calendar.timezone,
    calendar.days,
    calendar.from,
    calendar.to,
    calendar.holidays,
  ]);
  const known = preparedCalendars.get(key);
  if (known) return known;
  const prepared = prepareAnew(calendar);
  if (preparedCalendars.size >= MAX_PREPARED_CALENDARS) preparedCalendars.clear();
  preparedCalendars.set(key, prepared);
  return prepared;
}

function prepareAnew(calendar: WorkingCalendar): PreparedCalendar {
  const label = calendar.name ? `calendar ${calendar.name}` : `business hours in ${calendar.timezone}`;
  if (!isValidTimeZone(calendar.timezone)) {
    throw new BusinessTimeError(
      'unknown-time-zone',
      `${label}: unknown time zone "${calendar.timezone}"; use an IANA name such as "America/New_York"`,
    );
  }
  const open = parseClock(calendar.from, label, 'from');
  const close = parseClock(calendar.to, label, 'to');
  const dayLengthMs = ((close.hour - open.hour) * 60 + close.minute - open.minute) * MS_PER_MINUTE;
  if (dayLengthMs <= 0)
    throw new BusinessTimeError(
      'invalid-hours',
      `${label}: working hours end (${calendar.to}) must be after they start (${calendar.from})`,
    );
  return {
    label,
    timeZone: calendar.timezone,
    open,
    close,
    dayLengthMs,
    workingWeekdays: new Set(calendar.days.map((day) => WEEKDAY_INDEX[day])),
    holidays: new Set(calendar.holidays),
    days: new Map(),
    blocks: new Map(),
  };
}

function assertInstant(at: Date, what: string): number {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new BusinessTimeError('invalid-instant', `${what} is not a valid date`);
  return ms;
}

function atClock(date: LocalDate, clock: ClockTime, timeZone: string): number {
  return fromLocalDateTime({ ...date, ...clock, second: 0, millisecond: 0 }, timeZone).getTime();
}

/** The working time of `date`, or null on a non-working day or a holiday. */
function workingPeriodOn(date: LocalDate, calendar: PreparedCalendar): WorkingPeriod | null {
  const key = formatLocalDate(date);
  const known = calendar.days.get(key);
  if (known !== undefined) return known;
  const period = computeWorkingPeriod(date, key, calendar);
  if (calendar.days.size >= MAX_CACHED_DAYS) calendar.days.clear();
  calendar.days.set(key, period);
  return period;
}

function computeWorkingPeriod(date: LocalDate, key: string, calendar: PreparedCalendar): WorkingPeriod | null {
  if (!calendar.workingWeekdays.has(dayOfWeek(date)) || calendar.holidays.has(key)) return null;
  const start = atClock(date, calendar.open, calendar.timeZone);
  // A date the zone skipped (Samoa's 30 December 2011, crossing the date line) has no working time:
  // its opening would land on the next date, and count that date's hours twice.
  if (compareLocalDates(toLocalDate(new Date(start), calendar.timeZone), date) !== 0) return null;
  const end =
    calendar.close.hour === 24
      ? atClock(addLocalDays(date, 1), { hour: 0, minute: 0 }, calendar.timeZone)
      : atClock(date, calendar.close, calendar.timeZone);
  return end > start ? { date, start, end } : null;
}

/**
 * Working periods in time order, from the one containing `at` (or the next one). Stops with
 * an error when a whole week plus every holiday passes without working time, which only a
 * calendar without working days can cause.
 */
function* workingPeriodsFrom(at: number, calendar: PreparedCalendar): Generator<WorkingPeriod, never> {
  // Each holiday can stretch the longest run of idle days by up to a week.
  const patience = 7 * (calendar.holidays.size + 1) + 1;
  let date = toLocalDate(new Date(at), calendar.timeZone);
  let idle = 0;
  for (;;) {
    const period = workingPeriodOn(date, calendar);
    if (period && period.end > at) {
      idle = 0;
      yield period;
    } else if (++idle > patience) {
      throw new BusinessTimeError(
        'no-working-time',
        `${calendar.label} has no working time after ${new Date(at).toISOString()}; give it working days`,
      );
    }
    date = addLocalDays(date, 1);
  }
}

function firstPeriod(at: number, calendar: PreparedCalendar): WorkingPeriod {
  return workingPeriodsFrom(at, calendar).next().value;
}

/** True when `at` is inside working hours on a working day that is not a holiday. */
export function isWorkingTime(at: Date, calendar: WorkingCalendar): boolean {
  const ms = assertInstant(at, 'the moment to check');
  return firstPeriod(ms, prepare(calendar)).start <= ms;
}

/** `at` itself when it is working time, otherwise the next opening of working hours. */
export function nextWorkingMoment(at: Date, calendar: WorkingCalendar): Date {
  const ms = assertInstant(at, 'the moment to start from');
  return new Date(Math.max(ms, firstPeriod(ms, prepare(calendar)).start));
}

/** Uses up `workingMs` of working time from `start`; lands on a closing time when it runs out there. */
function addWorkingMs(start: number, workingMs: number, calendar: PreparedCalendar): number {
  let remaining = workingMs;
  for (const period of workingPeriodsFrom(start, calendar)) {
    const begin = Math.max(start, period.start);
    if (remaining <= period.end - begin) return begin + remaining;
    remaining -= period.end - begin;
  }
  throw new Error('unreachable: workingPeriodsFrom never ends');
}

/** The period `count` working days after `period` (0: itself). */
function periodAfter(period: WorkingPeriod, count: number, calendar: PreparedCalendar): WorkingPeriod {
  let current = period;
  const following = workingPeriodsFrom(period.end, calendar);
  for (let i = 0; i < count; i++) current = following.next().value;
  return current;
}

/**
 * Whole business days. From inside working hours: the same local time of day on the Nth
 * following working day (Tuesday 14:00 + 1 = Wednesday 14:00). From outside them (night,
 * weekend, holiday, or a closing time): the close of the Nth working day, counting the one
 * the clock starts on (Saturday + 1 = Monday 17:00, Tuesday 20:00 + 1 = Wednesday 17:00).
 * Either way exactly N working days' worth of working time passes.
 */
function addWholeBusinessDays(start: number, days: number, calendar: PreparedCalendar): number {
  const period = firstPeriod(start, calendar);
  if (start < period.start) return periodAfter(period, days - 1, calendar).end;
  const target = periodAfter(period, days, calendar);
  const timeOfDay = toLocalDateTime(new Date(start), calendar.timeZone);
  const sameTime = fromLocalDateTime(
    {
      ...target.date,
      hour: timeOfDay.hour,
      minute: timeOfDay.minute,
      second: timeOfDay.second,
      millisecond: timeOfDay.millisecond,
    },
    calendar.timeZone,
  ).getTime();
  return Math.min(Math.max(sameTime, target.start), target.end);
}

function addBusinessDays(start: number, amount: number, calendar: PreparedCalendar): number {
  const whole = Math.floor(amount);
  const fractionMs = Math.round((amount - whole) * calendar.dayLengthMs);
  const afterWholeDays = whole > 0 ? addWholeBusinessDays(start, whole, calendar) : start;
  return fractionMs > 0 ? addWorkingMs(afterWholeDays, fractionMs, calendar) : afterWholeDays;
}

/**
 * The moment `duration` after `start`: an SLA deadline, an escalation step, a cadence delay.
 *
 * - Calendar units (`48 hours`, `14 days`) add exact elapsed time: `1 day` is 24 hours even
 *   across a DST change, and the calendar is not consulted.
 * - `business-hours` count working time only. A clock that starts outside working time
 *   starts at the next opening; the result is the instant the last working minute is
 *   used up, so it may be a closing time.
 * - `business-days` count working days. From inside working hours: the same local time of
 *   day on the Nth following working day. From outside them: the close of the Nth working
 *   day, counting the day of the next opening (Saturday + 1 business day = Monday 17:00).
 *   A fraction of a business day is that fraction of the working day's length, counted as
 *   business hours after the whole days (0.5 day of 09:00–17:00 = 4 business hours).
 *
 * A zero duration returns `start` unchanged. Negative or non-finite amounts are rejected
 * (`BusinessTimeError` code `invalid-duration`), as the rule files reject them at load.
 */
export function addDuration(start: Date, duration: Duration, calendar: WorkingCalendar): Date {
  const from = assertInstant(start, 'the start of the duration');
  if (!Number.isFinite(duration.amount) || duration.amount < 0) {
    throw new BusinessTimeError(
      'invalid-duration',
      `duration "${duration.text}" must be zero or more; the rule files only accept positive durations`,
    );
  }
  if (duration.amount === 0) return new Date(from);
  switch (duration.kind) {
    case 'calendar':
      return new Date(from + duration.ms);
    case 'business': {
      const prepared = prepare(calendar);
      switch (duration.unit) {
        case 'business-hours':
          return new Date(addWorkingMs(from, Math.round(duration.amount * MS_PER_HOUR), prepared));
        case 'business-days':
          return new Date(addBusinessDays(from, duration.amount, prepared));
      }
    }
  }
}

/**
 * Working milliseconds between `from` and `to` (negative when `to` is earlier): lead
 * response time or time to breach in business hours. For any positive business-hours
 * duration, `businessTimeBetween(start, addDuration(start, d, c), c)` is exactly its length.
 */
export function businessTimeBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  const a = assertInstant(from, 'the start of the interval');
  const b = assertInstant(to, 'the end of the interval');
  if (b < a) return -businessTimeBetween(to, from, calendar);
  const prepared = prepare(calendar);
  // A calendar without working days has no next period: the walk says so with its error. Outside
  // the years 1–9999 local dates lose their era or run out, and only the walk keeps its answer.
  if (prepared.workingWeekdays.size === 0 || a < FIRST_BLOCKED_INSTANT || b > LAST_BLOCKED_INSTANT)
    return walkedBusinessTime(a, b, prepared);
  // The days the walk would visit, from a's local date to the day after b's. Every working period
  // lies within a day of its own date (an opening or closing moves by a DST change at most), so
  // only the first two and the last three days can be cut by a or b; the days between count whole,
  // read from the blocks' running totals.
  const first = dayNumberOf(a, prepared);
  const last = dayNumberOf(b, prepared) + 1;
  let total = 0;
  const overlapOn = (day: number) => {
    const { block, index } = blockDay(day, prepared);
    const start = block.starts[index]!;
    const end = start + block.lengths[index]!;
    return Math.max(0, Math.min(end, b) - Math.max(start, a));
  };
  if (last - first < 5) {
    for (let day = first; day <= last; day++) total += overlapOn(day);
    return total;
  }
  for (const day of [first, first + 1, last - 2, last - 1, last]) total += overlapOn(day);
  return total + workingTimeOfDays(first + 2, last - 2, prepared);
}

/** Working time from `a` to `b` (a ≤ b), period by period: the reference businessTimeBetween keeps. */
function walkedBusinessTime(a: number, b: number, calendar: PreparedCalendar): number {
  let total = 0;
  for (const period of workingPeriodsFrom(a, calendar)) {
    if (period.start >= b) break;
    total += Math.min(period.end, b) - Math.max(period.start, a);
  }
  return total;
}

/** The day number (local dates counted from 1970-01-01) of `at` on the calendar's wall clock. */
function dayNumberOf(at: number, calendar: PreparedCalendar): number {
  const { year, month, day } = toLocalDate(new Date(at), calendar.timeZone);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  return Math.round(utc.getTime() / MS_PER_DAY);
}

/** Block `n` of the calendar's working time (WorkingBlock), computed once. */
function workingBlock(n: number, calendar: PreparedCalendar): WorkingBlock {
  const known = calendar.blocks.get(n);
  if (known) return known;
  const block: WorkingBlock = {
    starts: new Float64Array(BLOCK_DAYS),
    lengths: new Float64Array(BLOCK_DAYS),
    before: new Float64Array(BLOCK_DAYS),
    total: 0,
  };
  for (let index = 0; index < BLOCK_DAYS; index++) {
    const utc = new Date((n * BLOCK_DAYS + index) * MS_PER_DAY);
    const date = { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
    const period = workingPeriodOn(date, calendar);
    block.before[index] = block.total;
    if (period) {
      block.starts[index] = period.start;
      block.lengths[index] = period.end - period.start;
      block.total += period.end - period.start;
    }
  }
  if (calendar.blocks.size >= MAX_CACHED_BLOCKS) calendar.blocks.clear();
  calendar.blocks.set(n, block);
  return block;
}

/** Day number `day`'s block (WorkingBlock), its number `n`, and the day's index in it. */
function blockDay(day: number, calendar: PreparedCalendar): { block: WorkingBlock; n: number; index: number } {
  const n = Math.floor(day / BLOCK_DAYS);
  return { block: workingBlock(n, calendar), n, index: day - n * BLOCK_DAYS };
}

/** The working time of the days numbered `from` … `to` − 1, whole. */
function workingTimeOfDays(from: number, to: number, calendar: PreparedCalendar): number {
  if (to <= from) return 0;
  const first = blockDay(from, calendar);
  const last = blockDay(to, calendar);
  if (first.n === last.n) return last.block.before[last.index]! - first.block.before[first.index]!;
  let total = first.block.total - first.block.before[first.index]!;
  for (let n = first.n + 1; n < last.n; n++) total += workingBlock(n, calendar).total;
  return total + last.block.before[last.index]!;
}

/**
 * The length of a bucket of workingTimeBuckets: half a UTC day. A bucket meets at most two working
 * periods (merged where one ends as the next begins): each period lies within its local date, a
 * local date lasts 22 hours at least, and a date a zone skipped has no working time.
 */
export const WORKING_BUCKET_MS = 43_200_000;

/**
 * The working time of one bucket of WORKING_BUCKET_MS (bucket `b` holds the instants from
 * b × WORKING_BUCKET_MS on), so that a query can count business time by equality joins on the
 * bucket number: the working time from the table's first instant to an instant t of bucket b is
 * `before + clamp(t − s1, 0, e1 − s1) + clamp(t − s2, 0, e2 − s2)`, and businessTimeBetween(a, b)
 * is that of b less that of a.
 */
export interface WorkingBucket {
  bucket: number;
  /** The working time from the first bucket's start to this bucket's start, in milliseconds. */
  before: number;
  /** The working time inside the bucket, as up to two intervals [s, e); an absent one is s = e = the bucket's start. */
  s1: number;
  e1: number;
  s2: number;
  e2: number;
}

/**
 * The working time of `calendar` in buckets (WorkingBucket), from the bucket of `from` to the bucket
 * of `to`, both included: the periods businessTimeBetween counts, so that a count on the buckets
 * gives its results to the millisecond (test/domain/business-time-buckets.test.ts).
 */
export function workingTimeBuckets(calendar: WorkingCalendar, from: Date, to: Date): WorkingBucket[] {
  const prepared = prepare(calendar);
  const first = Math.floor(assertInstant(from, 'the start of the buckets') / WORKING_BUCKET_MS);
  const last = Math.floor(assertInstant(to, 'the end of the buckets') / WORKING_BUCKET_MS);
  const start = first * WORKING_BUCKET_MS;
  const end = (last + 1) * WORKING_BUCKET_MS;
  // Every working period that meets [start, end), in time order, from the local date before
  // start's to the one after end's; a period that begins where the last one ended extends it.
  const periods: { start: number; end: number }[] = [];
  const lastDate = toLocalDate(new Date(end + MS_PER_DAY), prepared.timeZone);
  for (
    let date = toLocalDate(new Date(start - MS_PER_DAY), prepared.timeZone);
    compareLocalDates(date, lastDate) <= 0;
    date = addLocalDays(date, 1)
  ) {
    const period = workingPeriodOn(date, prepared);
    if (!period || period.end <= start || period.start >= end) continue;
    const previous = periods[periods.length - 1];
    if (previous && previous.end === period.start) previous.end = period.end;
    else periods.push({ start: period.start, end: period.end });
  }
  const buckets: WorkingBucket[] = [];
  let before = 0;
  let next = 0;
  for (let bucket = first; bucket <= last; bucket++) {
    const from_ = bucket * WORKING_BUCKET_MS;
    const to_ = from_ + WORKING_BUCKET_MS;
    while (next < periods.length && periods[next]!.end <= from_) next++;
    const row: WorkingBucket = { bucket, before, s1: from_, e1: from_, s2: from_, e2: from_ };
    let inside = 0;
    for (let i = next; i < periods.length && periods[i]!.start < to_; i++, inside++) {
      const s = Math.max(periods[i]!.start, from_);
      const e = Math.min(periods[i]!.end, to_);
      if (inside === 0) [row.s1, row.e1] = [s, e];
      else if (inside === 1) [row.s2, row.e2] = [s, e];
      else
        throw new Error(
          `${prepared.label}: more than two working periods meet ${new Date(from_).toISOString()}'s half day`,
        );
      before += e - s;
    }
    buckets.push(row);
  }
  return buckets;
}

/**
 * The working calendar of a send window in the lead's time zone, for cadence delays in
 * business days ("2 business days" between emails count the window's days, skipping the
 * lead's holidays).
 */
export function sendWindowCalendar(
  window: SendWindowHours,
  timeZone: string,
  holidays: readonly string[] = [],
): WorkingCalendar {
  return {
    name: `send window ${window.from}–${window.to} in ${timeZone}`,
    timezone: timeZone,
    days: window.days ?? EVERY_DAY,
    from: window.from,
    to: window.to,
    holidays,
  };
}

/**
 * The earliest instant at or after `at` inside the send window, on the lead's wall clock
 * (`timeZone`): `at` itself when it is inside, otherwise the window's next opening. The
 * window's end is exclusive: at 17:30 sharp a 08:00–17:30 window is closed.
 */
export function nextSendTime(
  at: Date,
  window: SendWindowHours,
  timeZone: string,
  holidays: readonly string[] = [],
): Date {
  return nextWorkingMoment(at, sendWindowCalendar(window, timeZone, holidays));
}
