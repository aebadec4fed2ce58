/**
 * Reporting periods as calendar text, with no time zone: a month "2026-03" and a quarter "2026-Q1"
 * (calendar quarters). Quotas are set per month or quarter, marketing spend per month; both are
 * calendar facts, so they are stored as text and compared as text ("2026-03-01" ≤ d ≤ "2026-03-31").
 * Pure module.
 */

export type PeriodKind = 'month' | 'quarter';

export interface Period {
  kind: PeriodKind;
  /** "2026-03" or "2026-Q1" */
  key: string;
  /** First and last calendar day, YYYY-MM-DD. */
  startsOn: string;
  endsOn: string;
}

export type PeriodParse = { ok: true; period: Period } | { ok: false; message: string };

/** Years a period may fall in: wide enough for history and plans, narrow enough to catch typos. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

const MONTH = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})-[Qq]([1-4])$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** Days in a month of the Gregorian calendar (month 1–12). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function yearProblem(year: number): string | null {
  return year < FIRST_YEAR || year > LAST_YEAR ? `the year must be between ${FIRST_YEAR} and ${LAST_YEAR}` : null;
}

function monthOf(year: number, month: number): Period {
  const key = `${year}-${pad(month)}`;
  return { kind: 'month', key, startsOn: `${key}-01`, endsOn: `${key}-${pad(daysIn(year, month))}` };
}

/** "2026-03" → March 2026. */
export function parseMonth(text: string): PeriodParse {
  const match = MONTH.exec(text.trim());
  if (!match) {
    const hint = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? ` (without the day: "${text.trim().slice(0, 7)}")` : '';
    return { ok: false, message: `"${text}" is not a month: write YYYY-MM, e.g. "2026-03"${hint}` };
  }
  const [year, month] = [Number(match[1]), Number(match[2])];
  if (month < 1 || month > 12) return { ok: false, message: `"${text}" is not a month: the month is 01 to 12` };
  const problem = yearProblem(year);
  return problem ? { ok: false, message: `"${text}": ${problem}` } : { ok: true, period: monthOf(year, month) };
}

/** "2026-03" (a month) or "2026-Q1" (a calendar quarter). */
export function parsePeriod(text: string): PeriodParse {
  const quarter = QUARTER.exec(text.trim());
  if (!quarter) {
    const month = parseMonth(text);
    if (month.ok || MONTH.test(text.trim())) return month;
    return {
      ok: false,
      message: `"${text}" is not a period: write a month as YYYY-MM ("2026-03") or a quarter as YYYY-Qn ("2026-Q1")`,
    };
  }
  const [year, q] = [Number(quarter[1]), Number(quarter[2])];
  const problem = yearProblem(year);
  if (problem) return { ok: false, message: `"${text}": ${problem}` };
  const first = monthOf(year, q * 3 - 2);
  const last = monthOf(year, q * 3);
  return { ok: true, period: { kind: 'quarter', key: `${year}-Q${q}`, startsOn: first.startsOn, endsOn: last.endsOn } };
}
