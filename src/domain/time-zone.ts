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

/**
 * The zone's offset per UTC day, and per 15-minute slot of UTC on a day its offset changes (NaN
 * for a slot with a change inside it). Reports read thousands of instants in one zone, and
 * `formatToParts` is what costs. An offset read at the first and last millisecond of a day holds
 * for the whole day when they agree (as in fromLocalDateTime, a zone that changes its offset twice
 * within a day and back is out of scope); on a day of change, a slot whose offset read at its first
 * and last millisecond agrees holds it for every instant in it, and a slot with a change inside it
 * (NaN) goes through Intl instant by instant (historical offsets such as Amsterdam's +0:19:32 are
 * not multiples of 15 minutes). A pure cache: the same zone data gives the same
 * results, so workflow replay is unchanged. Bounded, as each zone adds an entry per day read.
 */
const DAY_SLOT_MS = 86_400_000;
const SLOT_MS = 15 * 60_000;
const MAX_CACHED_SLOTS = 200_000;
const zoneOffsets = new Map<string, { days: Map<number, number>; slots: Map<number, number> }>();
let cachedSlots = 0;
/** Instants whose year the cache handles the way `formatToParts` spells it: years 1 to 9999. */
const CACHED_FROM = Date.parse('0001-01-02T00:00:00Z');
const CACHED_TO = Date.parse('9999-12-30T00:00:00Z');

/** The zone's wall clock at `at`, read through Intl. */
function wallClock(ms: number, timeZone: string): LocalDateTime {
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

/** The zone's offset from `first` to `first + length` (excluded), or NaN when it changes in between. */
function offsetThrough(first: number, length: number, timeZone: string): number {
  const last = first + length - 1;
  const atFirst = utcMsOf(wallClock(first, timeZone)) - first;
  const atLast = utcMsOf(wallClock(last, timeZone)) - last;
  return atFirst === atLast ? atFirst : Number.NaN;
}

/** The offset of the zone at `ms` from its day's or slot's, or NaN when it changes inside the slot. */
function slotOffset(ms: number, timeZone: string): number {
  const day = Math.floor(ms / DAY_SLOT_MS);
  const slot = Math.floor(ms / SLOT_MS);
  const known = zoneOffsets.get(timeZone);
  const ofDay = known?.days.get(day);
  if (ofDay !== undefined && !Number.isNaN(ofDay)) return ofDay;
  const ofSlot = known?.slots.get(slot);
  if (ofSlot !== undefined) return ofSlot;
  if (cachedSlots >= MAX_CACHED_SLOTS) {
    zoneOffsets.clear();
    cachedSlots = 0;
  }
  const dayOffset = ofDay ?? offsetThrough(day * DAY_SLOT_MS, DAY_SLOT_MS, timeZone);
  let zone = zoneOffsets.get(timeZone);
  if (!zone) {
    zone = { days: new Map(), slots: new Map() };
    zoneOffsets.set(timeZone, zone);
  }
  if (ofDay === undefined) {
    zone.days.set(day, dayOffset);
    cachedSlots++;
  }
  if (!Number.isNaN(dayOffset)) return dayOffset;
  const offset = offsetThrough(slot * SLOT_MS, SLOT_MS, timeZone);
  zone.slots.set(slot, offset);
  cachedSlots++;
  return offset;
}

/** The zone's wall clock at `at`. Throws a RangeError for an unknown zone. */
export function toLocalDateTime(at: Date, timeZone: string): LocalDateTime {
  const ms = at.getTime();
  if (ms >= CACHED_FROM && ms <= CACHED_TO) {
    const offset = slotOffset(ms, timeZone);
    if (!Number.isNaN(offset)) {
      const wall = new Date(ms + offset);
      return {
        year: wall.getUTCFullYear(),
        month: wall.getUTCMonth() + 1,
        day: wall.getUTCDate(),
        hour: wall.getUTCHours(),
        minute: wall.getUTCMinutes(),
        second: wall.getUTCSeconds(),
        millisecond: wall.getUTCMilliseconds(),
      };
    }
  }
  return wallClock(ms, timeZone);
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (New York in winter: −5 h). */
export function timeZoneOffsetMs(at: Date, timeZone: string): number {
  const ms = at.getTime();
  if (ms >= CACHED_FROM && ms <= CACHED_TO) {
    const offset = slotOffset(ms, timeZone);
    if (!Number.isNaN(offset)) return offset;
  }
  return utcMsOf(wallClock(ms, timeZone)) - ms;
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
