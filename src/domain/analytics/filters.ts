/**
 * The filters of every analytics report, as the API receives them in the query string:
 * `from` and `to` (local dates, both included), `zone` (the IANA reporting time zone; the tenant's
 * when left out) and `breakdown` (one dimension). Invalid input is a list of field errors, never a
 * report over a guessed period. Routes parse with `parseInput(…, 'query', …)`.
 *
 * The API's contract (docs/api.md, "Errors") tells two kinds of refusal apart, and so do these
 * schemas: what the OpenAPI document describes on each field (a real date from 1900 to 2999 as one
 * pattern, the shape of a zone name, a known dimension) is a 400 when broken; what is well-formed
 * but does not hold (a zone name outside this runtime's database, `to` before `from`, a period over
 * 5 years: relations the document cannot state) is flagged `unprocessable` and answered 422.
 */
import { z } from 'zod';
import { timeZoneName } from '../fields';
import { addLocalDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time-zone';
import { DIMENSIONS } from './facts';
import { parseLocalDate, reportPeriod, type ReportPeriod } from './period';

/** The longest period a report may cover. */
export const MAX_PERIOD_YEARS = 5;

const DATE_MESSAGE = 'must be a date like 2026-03-01 (YYYY-MM-DD, a year from 1900 to 2999)';

/**
 * A real calendar date from 1900-01-01 to 2999-12-31, leap days included (29 February of 2000,
 * 2024, 2400, not of 1900 or 2100): one expression the OpenAPI document publishes as it is.
 */
export const LOCAL_DATE_PATTERN =
  /^(?:(?:(?:19|2\d)(?:0[48]|[2468][048]|[13579][26])|2000|2400|2800)-02-29|(?:19|2\d)\d\d-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))$/;

const localDate = z
  .string({ error: DATE_MESSAGE })
  .regex(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  .meta({ format: 'date', example: '2026-03-01' });

const ZONE_MESSAGE = 'must be an IANA time zone such as "Europe/London" or "UTC"';

/** The last day a period starting on `from` may end on: 5 years of days. */
export function lastAllowedDay(from: LocalDate): LocalDate {
  return addLocalDays(addLocalDays({ ...from, year: from.year + MAX_PERIOD_YEARS }, 0), -1);
}

/** Each filter on its own: what a 400 answers. */
export const AnalyticsFilterFieldsSchema = z.strictObject({
  from: localDate.meta({ description: 'First day of the period (local date in the reporting zone), included.' }),
  to: localDate.meta({
    description: `Last day of the period, included: on or after \`from\`, at most ${MAX_PERIOD_YEARS} years of days.`,
  }),
  zone: timeZoneName(ZONE_MESSAGE).optional().meta({
    description: "IANA reporting time zone; left out, the tenant's (LEADFLOW_REPORTING_ZONE).",
  }),
  breakdown: z
    .enum(DIMENSIONS, { error: `must be one of: ${DIMENSIONS.join(', ')}` })
    .optional()
    .meta({ description: 'Split every figure by this dimension (as well as the whole).' }),
});

export interface FilterProblem {
  /** The field, as the query names it (`to`). */
  path: string;
  message: string;
  /** The message as a code and values, worded in Chinese by the API (src/api/zod-words.ts). */
  code: 'on-or-after-from' | 'period-at-most';
  values: Record<string, string | number>;
}

/** What is wrong with the period `from` and `to` make together (nothing: an empty list). */
export function periodProblems(filters: { from: string; to: string }): FilterProblem[] {
  const from = parseLocalDate(filters.from);
  const to = parseLocalDate(filters.to);
  if (!from || !to) return [];
  if (compareLocalDates(to, from) < 0)
    return [
      {
        path: 'to',
        message: `must be on or after from (${filters.from})`,
        code: 'on-or-after-from',
        values: { from: filters.from },
      },
    ];
  const last = lastAllowedDay(from);
  if (compareLocalDates(to, last) > 0)
    return [
      {
        path: 'to',
        message: `a period may cover at most ${MAX_PERIOD_YEARS} years: from ${filters.from}, the last day is ${formatLocalDate(last)}`,
        code: 'period-at-most',
        values: { years: MAX_PERIOD_YEARS, from: filters.from, last: formatLocalDate(last) },
      },
    ];
  return [];
}

/** Every check at once: each field, then the period they make (flagged `unprocessable`: a 422). */
export const AnalyticsFiltersSchema = AnalyticsFilterFieldsSchema.superRefine((filters, ctx) => {
  for (const problem of periodProblems(filters))
    ctx.addIssue({
      code: 'custom',
      path: [problem.path],
      message: problem.message,
      params: { ...problem.values, unprocessable: true, code: problem.code },
    });
});

export type AnalyticsFilters = z.output<typeof AnalyticsFilterFieldsSchema>;

/** The report period the filters name, in their zone or else `defaultZone` (the tenant's). */
export function periodOf(filters: AnalyticsFilters, defaultZone: string): ReportPeriod {
  return reportPeriod(filters.from, filters.to, filters.zone ?? defaultZone);
}
