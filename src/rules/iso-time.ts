/**
 * ISO 8601 instants on the scoring hot path, without the general-purpose date parser and
 * formatter: a lead's behaviours are stored as `2025-03-10T14:00:00.000Z` (or without the
 * milliseconds), and a score names when its decay next changes. Anything else goes to
 * `Date.parse`, so the results are always exactly Date.parse's and toISOString's. Pure module.
 */

const ZERO = 48;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
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
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    const ms = length === 24 ? digits(text, 20, 3) : 0;
    if (
      year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) &&
      hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && ms >= 0
    )
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  }
  return Date.parse(text);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** `new Date(ms).toISOString()`, for the years 1000–9999 without the general formatter. */
export function formatInstant(ms: number): string {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return date.toISOString();
  return `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}Z`;
}
