/**
 * ISO 8601 instants on the scoring hot path, without the general-purpose date parser and
 * formatter: a lead's behaviours are stored as `2025-03-10T14:00:00.000Z` (or without the
 * milliseconds), and a score names when its decay next changes. Anything else goes to
 * `Date.parse`, so the results are always exactly Date.parse's and toISOString's. Pure module.
 */

const ZERO = 48;

/** The value of the decimal digit at `at`, or a value far out of every range checked when it is not one. */
function digit(text: string, at: number): number {
  const value = text.charCodeAt(at) - ZERO;
  return value >= 0 && value <= 9 ? value : -1e6;
}

/** Milliseconds since the epoch, as `Date.parse(text)` gives them (NaN when it is not a time). */
export function parseInstant(text: string): number {
  const length = text.length;
  if (
    (length === 24 || length === 20) &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(length - 1) === 90 && // Z
    (length === 20 || text.charCodeAt(19) === 46) // .
  ) {
    // A non-digit anywhere makes its field hugely negative, so the range checks below reject it.
    const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
    const month = digit(text, 5) * 10 + digit(text, 6);
    const day = digit(text, 8) * 10 + digit(text, 9);
    const hour = digit(text, 11) * 10 + digit(text, 12);
    const minute = digit(text, 14) * 10 + digit(text, 15);
    const second = digit(text, 17) * 10 + digit(text, 18);
    const ms = length === 24 ? digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22) : 0;
    if (
      year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) &&
      hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && ms >= 0
    )
      return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  }
  return Date.parse(text);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DAY_MS = 86_400_000;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1–12), as Date.UTC counts them:
 * H. Hinnant's days_from_civil, without building a Date.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** `00`–`99` and `000`–`999`: the fields of a time, written once. */
const PAD2 = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : `${n}`));
const PAD3 = Array.from({ length: 1000 }, (_, n) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`));

/**
 * `2025-06-01T` by days since the epoch, for the days most recently written: the times a run of
 * decisions names fall on a few hundred days (the events' and their decay steps'), so each day's
 * text is worked out once.
 */
const dayTexts = new Map<number, string>();
const KEPT_DAYS = 4096;

/**
 * `new Date(ms).toISOString()`, for the years 1000–9999 without the general formatter or a Date
 * (H. Hinnant's civil_from_days); other years, and what is not a whole number of ms, go to toISOString.
 */
export function formatInstant(ms: number): string {
  if (!(ms >= MIN_FAST_MS && ms <= MAX_FAST_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const millisecond = rest % 1000;
  rest = (rest - millisecond) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  let date = dayTexts.get(days);
  if (date === undefined) {
    date = dayText(days);
    if (dayTexts.size >= KEPT_DAYS) dayTexts.clear();
    dayTexts.set(days, date);
  }
  return `${date}${PAD2[hour]!}:${PAD2[minute]!}:${PAD2[second]!}.${PAD3[millisecond]!}Z`;
}

/** `2025-06-01T` for a day since 1970-01-01 (H. Hinnant's civil_from_days). */
function dayText(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${PAD2[month]!}-${PAD2[day]!}T`;
}

/** 1000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years formatInstant writes itself. */
const MIN_FAST_MS = -30_610_224_000_000;
const MAX_FAST_MS = 253_402_300_799_999;
