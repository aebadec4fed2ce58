/**
 * Durations as RevOps writes them: `2 business hours`, `3 business days`, `48 hours`,
 * `30 days`, `90 seconds` (seconds exist for fast integration-test fixtures).
 *
 * Business durations cannot be converted to milliseconds without a calendar (working
 * days, hours, holidays, time zone), so they stay symbolic; calendar durations carry
 * their exact length. Pure module: workflow code may import it.
 */
import { closest } from './did-you-mean';

export type CalendarUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks';
export type BusinessUnit = 'business-hours' | 'business-days';

/** A parsed duration. `text` is the normalised spelling used in explanations. */
export type Duration =
  | { kind: 'calendar'; amount: number; unit: CalendarUnit; ms: number; text: string }
  | { kind: 'business'; amount: number; unit: BusinessUnit; text: string };

const CALENDAR_MS: Record<CalendarUnit, number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

const UNIT_SPELLINGS: Record<string, CalendarUnit | BusinessUnit> = {
  second: 'seconds', seconds: 'seconds',
  minute: 'minutes', minutes: 'minutes',
  hour: 'hours', hours: 'hours',
  day: 'days', days: 'days',
  week: 'weeks', weeks: 'weeks',
  'business hour': 'business-hours', 'business hours': 'business-hours',
  'business day': 'business-days', 'business days': 'business-days',
};

/** The spellings accepted after the number, for hints and documentation. */
export const DURATION_UNITS = Object.keys(UNIT_SPELLINGS);

/** Loose shape used by the JSON Schema so editors underline obvious mistakes early. */
export const DURATION_PATTERN = '^\\s*-?\\d+(\\.\\d+)?\\s+[a-zA-Z ]+$';

export type DurationParse = { ok: true; duration: Duration } | { ok: false; message: string; hint?: string };

/** Parses `"2 business hours"`; rejects zero, negative and unknown units with a hint. */
export function parseDuration(input: string): DurationParse {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z][a-zA-Z ]*?)\s*$/.exec(input);
  if (!match) {
    return { ok: false, message: `"${input}" is not a duration`, hint: 'write a number and a unit, e.g. "2 business hours", "3 business days" or "48 hours"' };
  }
  const amount = Number(match[1]);
  const spelled = match[2]!.toLowerCase().replace(/\s+/g, ' ');
  const unit = UNIT_SPELLINGS[spelled];
  if (unit === undefined) {
    const near = closest(spelled, DURATION_UNITS);
    return { ok: false, message: `unknown time unit "${match[2]}"`, hint: near ? `did you mean "${near}"?` : 'use seconds, minutes, hours, days, weeks, business hours or business days' };
  }
  if (!(amount > 0)) {
    return { ok: false, message: `duration "${input}" must be greater than zero`, hint: 'a wait of zero or less would fire immediately; remove the step or give it a positive delay' };
  }
  return { ok: true, duration: makeDuration(amount, unit) };
}

function makeDuration(amount: number, unit: CalendarUnit | BusinessUnit): Duration {
  const text = `${amount} ${unitLabel(unit, amount)}`;
  if (unit === 'business-hours' || unit === 'business-days') return { kind: 'business', amount, unit, text };
  return { kind: 'calendar', amount, unit, ms: amount * CALENDAR_MS[unit], text };
}

function unitLabel(unit: CalendarUnit | BusinessUnit, amount: number): string {
  const words = unit.replace('-', ' ');
  return amount === 1 ? words.replace(/s$/, '') : words;
}

/**
 * Parses a duration the schema has already accepted. Throws on invalid input, which
 * would mean the validator and compiler disagree (a programming error, not a user one).
 */
export function mustParseDuration(input: string): Duration {
  const parsed = parseDuration(input);
  if (!parsed.ok) throw new Error(`internal: unvalidated duration "${input}": ${parsed.message}`);
  return parsed.duration;
}
