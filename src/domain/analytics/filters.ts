/**
 * The filters of every analytics report, as the API receives them in the query string:
 * `from` and `to` (local dates, both included), `zone` (the IANA reporting time zone; the tenant's
 * when left out) and `breakdown` (one dimension). Invalid input is a list of field errors, never a
 * report over a guessed period. Routes parse with `parseInput(AnalyticsFiltersSchema, 'query', …)`,
 * which answers 400 with `query.from`, `query.to`, … field messages.
 */
import { z } from 'zod';
import { timeZoneName } from '../fields';
import { addLocalDays, compareLocalDates, formatLocalDate, type LocalDate } from '../time-zone';
import { DIMENSIONS } from './facts';
import { parseLocalDate, reportPeriod, type ReportPeriod } from './period';

/** The longest period a report may cover. */
export const MAX_PERIOD_YEARS = 5;

const DATE_MESSAGE = 'must be a date like 2026-03-01 (YYYY-MM-DD)';

const localDate = z
  .string({ error: DATE_MESSAGE })
  .refine((text) => parseLocalDate(text) !== null, { message: DATE_MESSAGE });

/** The last day a period starting on `from` may end on: 5 years of days. */
export function lastAllowedDay(from: LocalDate): LocalDate {
  return addLocalDays(addLocalDays({ ...from, year: from.year + MAX_PERIOD_YEARS }, 0), -1);
}

export const AnalyticsFiltersSchema = z
  .strictObject({
    from: localDate,
    to: localDate,
    zone: timeZoneName('must be an IANA time zone such as "Europe/London" or "UTC"').optional(),
    breakdown: z.enum(DIMENSIONS, { error: `must be one of: ${DIMENSIONS.join(', ')}` }).optional(),
  })
  .superRefine((filters, ctx) => {
    const from = parseLocalDate(filters.from);
    const to = parseLocalDate(filters.to);
    if (!from || !to) return;
    if (compareLocalDates(to, from) < 0) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be on or after from (${filters.from})` });
      return;
    }
    const last = lastAllowedDay(from);
    if (compareLocalDates(to, last) > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `a period may cover at most ${MAX_PERIOD_YEARS} years: from ${filters.from}, the last day is ${formatLocalDate(last)}`,
      });
  });

export type AnalyticsFilters = z.output<typeof AnalyticsFiltersSchema>;

/** The report period the filters name, in their zone or else `defaultZone` (the tenant's). */
export function periodOf(filters: AnalyticsFilters, defaultZone: string): ReportPeriod {
  return reportPeriod(filters.from, filters.to, filters.zone ?? defaultZone);
}
