/**
 * Wall-clock time in IANA time zones, on `Intl.DateTimeFormat` alone (which Temporal's
 * workflow sandbox provides): the UTC offset of a zone at an instant, and conversion
 * between an instant and a zone's local date and time, including around DST changes.
 *
 * Pure and deterministic: the same inputs give the same outputs on every replay (given
 * the same ICU time zone data, which ships with the Node.js build).
 */

/** A date on a zone's wall calendar, e.g. a holiday: month and day are 1-based. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A date and time on a zone's wall clock. */
export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone; constructing them is the expensive part of every call. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone this runtime knows (`"Europe/London"`, `"UTC"`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The instant whose UTC fields are `local` (full year range: no 1900 mapping of years 0–99). */
function utcMsOf(local: LocalDateTime): number {
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, local.millisecond);
  return date.getTime();
}

/** The zone's wall clock at `at`. Throws a RangeError for an unknown zone. */
export function toLocalDateTime(at: Date, timeZone: string): LocalDateTime {
  const ms = at.getTime();
  const fields: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 0,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
    millisecond: ms - Math.floor(ms / 1000) * 1000,
  };
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (New York in winter: −5 h). */
export function timeZoneOffsetMs(at: Date, timeZone: string): number {
  return utcMsOf(toLocalDateTime(at, timeZone)) - at.getTime();
}

/**
 * The instant at which the zone's wall clock shows `local`.
 *
 * Wall times a DST change makes ambiguous or impossible follow the "compatible" rule of
 * java.time and the TC39 Temporal proposal:
 * - in a fall-back overlap (01:30 happens twice in New York), the earlier instant wins;
 * - in a spring-forward gap (02:30 never happens), the time moves forward by the length
 *   of the gap (02:30 becomes 03:30 daylight time).
 * Offsets are sampled a day either side, which covers every real transition (they are
 * months apart); a zone that changes offset twice within two days is out of scope.
 */
export function fromLocalDateTime(local: LocalDateTime, timeZone: string): Date {
  const asUtc = utcMsOf(local);
  const before = timeZoneOffsetMs(new Date(asUtc - MS_PER_DAY), timeZone);
  const after = timeZoneOffsetMs(new Date(asUtc + MS_PER_DAY), timeZone);
  if (before === after) return new Date(asUtc - before);
  const matches = [before, after]
    .map((offset) => asUtc - offset)
    .filter((candidate) => timeZoneOffsetMs(new Date(candidate), timeZone) === asUtc - candidate);
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(asUtc - before);
}

/** The zone's wall-calendar date at `at`. */
export function toLocalDate(at: Date, timeZone: string): LocalDate {
  const { year, month, day } = toLocalDateTime(at, timeZone);
  return { year, month, day };
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(utcMsOf({ ...date, hour: 12, minute: 0, second: 0, millisecond: 0 }) + days * MS_PER_DAY);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Day of the week, 0 = Sunday … 6 = Saturday (as `Date#getUTCDay`). */
export function dayOfWeek(date: LocalDate): number {
  return new Date(utcMsOf({ ...date, hour: 12, minute: 0, second: 0, millisecond: 0 })).getUTCDay();
}

/** `2026-11-26`: the spelling holidays use in the rule files. */
export function formatLocalDate(date: LocalDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Orders two local dates: negative, zero or positive. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}
