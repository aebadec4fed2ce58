/**
 * Dates for calendar-dependent tests, chosen by the test instead of inherited from the day the
 * suite happens to run on. A scenario asks for "the next Monday 09:00 in New York whose week has
 * no DST change and no public holiday", computed from the (test) server's clock, and so behaves
 * the same on a Wednesday, in March, in the week of a DST change or on 31 December.
 *
 * `LEADFLOW_TEST_ANCHOR_WEEKDAY` (test-only) moves the anchor of every scenario that asks through
 * `scenarioAnchor` to another weekday, to show that a scenario does not depend on its weekday.
 */
import {
  addLocalDays,
  dayOfWeek,
  formatLocalDate,
  fromLocalDateTime,
  timeZoneOffsetMs,
  toLocalDate,
  type LocalDate,
} from '../../src/domain/time-zone';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface AnchorOptions {
  /** The weekday of the anchor. */
  weekday: Weekday;
  /** The local time of the anchor, `HH:MM`. */
  time: string;
  /** The IANA zone the weekday and time are read in. */
  zone: string;
  /**
   * Days from the anchor's date (that day included) that must be quiet: no UTC-offset change
   * (DST) in `zone` and none of `holidays`. 0 (the default) checks nothing.
   */
  quietDays?: number;
  /** Local dates (`2026-12-25`) that may not fall within the quiet days. */
  holidays?: readonly string[];
}

const SEARCH_LIMIT_DAYS = 800;

/**
 * The first instant strictly after `from` that falls on `weekday` at `time` in `zone` and whose
 * following `quietDays` days are quiet. Throws when no such day exists within two years (for
 * example when every week of the list has a holiday), so a test never silently runs on a bad day.
 */
export function anchorAt(from: Date, options: AnchorOptions): Date {
  const { hour, minute } = parseTime(options.time);
  const target = WEEKDAYS.indexOf(options.weekday);
  if (target < 0) throw new Error(`anchorAt: unknown weekday "${String(options.weekday)}"`);
  const holidays = new Set(options.holidays ?? []);
  const quietDays = options.quietDays ?? 0;
  let day = toLocalDate(from, options.zone);
  for (let step = 0; step <= SEARCH_LIMIT_DAYS; step++, day = addLocalDays(day, 1)) {
    if (dayOfWeek(day) !== target) continue;
    const at = fromLocalDateTime({ ...day, hour, minute, second: 0, millisecond: 0 }, options.zone);
    if (at.getTime() <= from.getTime()) continue;
    if (isQuiet(day, quietDays, options.zone, holidays)) return at;
  }
  throw new Error(
    `anchorAt: no ${options.weekday} ${options.time} in ${options.zone} within ${SEARCH_LIMIT_DAYS} days of ${from.toISOString()} has ${quietDays} quiet days`,
  );
}

/**
 * The anchor of a weekday-agnostic scenario: by default the next quiet Monday 09:00 in `zone`;
 * `LEADFLOW_TEST_ANCHOR_WEEKDAY=wednesday` moves it to the next quiet Wednesday 09:00.
 */
export function scenarioAnchor(
  from: Date,
  options: Omit<AnchorOptions, 'weekday' | 'time'> & { time?: string },
  env: Record<string, string | undefined> = process.env,
): Date {
  return anchorAt(from, { time: '09:00', ...options, weekday: anchorWeekday(env) });
}

/** The weekday `scenarioAnchor` uses: `LEADFLOW_TEST_ANCHOR_WEEKDAY`, or Monday. */
export function anchorWeekday(env: Record<string, string | undefined> = process.env): Weekday {
  const wanted = env.LEADFLOW_TEST_ANCHOR_WEEKDAY?.trim().toLowerCase();
  if (!wanted) return 'monday';
  const weekday = WEEKDAYS.find((name) => name === wanted || name.slice(0, 3) === wanted);
  if (!weekday) throw new Error(`LEADFLOW_TEST_ANCHOR_WEEKDAY="${wanted}": use a weekday such as "wednesday"`);
  return weekday;
}

/** True when a local date is a working day: Monday to Friday and not one of `holidays`. */
export function isWorkingDay(day: LocalDate, holidays: readonly string[] = []): boolean {
  const weekday = dayOfWeek(day);
  return weekday >= 1 && weekday <= 5 && !holidays.includes(formatLocalDate(day));
}

/** The first working day on or after `day`. */
export function nextWorkingDay(day: LocalDate, holidays: readonly string[] = []): LocalDate {
  let candidate = day;
  while (!isWorkingDay(candidate, holidays)) candidate = addLocalDays(candidate, 1);
  return candidate;
}

function isQuiet(first: LocalDate, days: number, zone: string, holidays: ReadonlySet<string>): boolean {
  if (days <= 0) return true;
  const midnight = (day: LocalDate) =>
    fromLocalDateTime({ ...day, hour: 0, minute: 0, second: 0, millisecond: 0 }, zone);
  const offset = timeZoneOffsetMs(midnight(first), zone);
  for (let index = 0; index < days; index++) {
    const day = addLocalDays(first, index);
    if (holidays.has(formatLocalDate(day))) return false;
    // The offset at the next midnight differs when the zone changed its clocks during `day`.
    if (timeZoneOffsetMs(midnight(addLocalDays(day, 1)), zone) !== offset) return false;
  }
  return true;
}

function parseTime(text: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`anchorAt: time "${text}" is not HH:MM`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * A fixed-offset zone (`Etc/GMT-5` is UTC+5) whose wall clock at `at` reads within half an hour
 * of `hour`:00. A scenario about "today" in a person's zone then has hours of that day on both
 * sides of the moment it runs, at whatever time of day (or date) the suite happens to run.
 */
export function zoneNearHour(at: Date, hour = 12): string {
  const utcHours = at.getUTCHours() + at.getUTCMinutes() / 60;
  let offset = Math.round(hour - utcHours);
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  if (offset === 0) return 'Etc/UTC';
  // The Etc/GMT names invert the sign: Etc/GMT-5 is five hours ahead of UTC.
  return `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
