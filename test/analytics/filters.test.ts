/**
 * The analytics filters as a route parses them (`parseInput(AnalyticsFiltersSchema, 'query', …)`):
 * a bad filter is a 400-class LeadflowError with one message per field, never a report over a
 * guessed period.
 */
import { describe, expect, it } from 'vitest';
import { parseInput } from '../../src/api/input';
import { LeadflowError } from '../../src/domain/errors';
import {
  AnalyticsFilterFieldsSchema,
  AnalyticsFiltersSchema,
  LOCAL_DATE_PATTERN,
  periodOf,
  periodProblems,
} from '../../src/domain/analytics/filters';

function fieldsOf(query: Record<string, unknown>): Array<{ path: string; message: string }> {
  try {
    parseInput(AnalyticsFiltersSchema, 'query', query, 'The query');
  } catch (error) {
    expect(error).toBeInstanceOf(LeadflowError);
    expect((error as LeadflowError).code).toBe('validation_failed');
    return (error as LeadflowError).details as Array<{ path: string; message: string }>;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('analytics filters', () => {
  it('when the filters are valid, then they parse and name a period in their zone', () => {
    const filters = parseInput(
      AnalyticsFiltersSchema,
      'query',
      { from: '2026-03-01', to: '2026-03-31', zone: 'America/New_York', breakdown: 'campaign' },
      'The query',
    );
    expect(filters).toEqual({ from: '2026-03-01', to: '2026-03-31', zone: 'America/New_York', breakdown: 'campaign' });
    expect(periodOf(filters, 'UTC')).toMatchObject({
      from: new Date('2026-03-01T05:00:00Z'),
      to: new Date('2026-04-01T04:00:00Z'),
    });
  });

  it('when no zone is given, then the tenant reporting zone passed in applies', () => {
    const filters = parseInput(AnalyticsFiltersSchema, 'query', { from: '2026-03-01', to: '2026-03-01' }, 'The query');
    expect(periodOf(filters, 'Europe/London')).toMatchObject({
      zone: 'Europe/London',
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-02T00:00:00Z'),
    });
  });

  it.each([
    [
      'a missing from',
      { to: '2026-03-31' },
      'query.from',
      'must be a date like 2026-03-01 (YYYY-MM-DD, a year from 1900 to 2999)',
    ],
    [
      'a date that does not exist',
      { from: '2026-02-30', to: '2026-03-31' },
      'query.from',
      'must be a date like 2026-03-01 (YYYY-MM-DD, a year from 1900 to 2999)',
    ],
    [
      'a timestamp instead of a date',
      { from: '2026-03-01T00:00:00Z', to: '2026-03-31' },
      'query.from',
      'must be a date like 2026-03-01 (YYYY-MM-DD, a year from 1900 to 2999)',
    ],
    [
      'a repeated parameter',
      { from: ['2026-03-01', '2026-03-02'], to: '2026-03-31' },
      'query.from',
      'must be a date like 2026-03-01 (YYYY-MM-DD, a year from 1900 to 2999)',
    ],
    [
      'an end before the start',
      { from: '2026-03-31', to: '2026-03-01' },
      'query.to',
      'must be on or after from (2026-03-31)',
    ],
    [
      'a period over 5 years',
      { from: '2021-01-01', to: '2026-01-01' },
      'query.to',
      'a period may cover at most 5 years: from 2021-01-01, the last day is 2025-12-31',
    ],
    [
      'an unknown zone',
      { from: '2026-03-01', to: '2026-03-31', zone: 'Mars/Olympus' },
      'query.zone',
      'must be an IANA time zone such as "Europe/London" or "UTC"; "Mars/Olympus" is not in the time zone database',
    ],
    [
      'an unknown dimension',
      { from: '2026-03-01', to: '2026-03-31', breakdown: 'planet' },
      'query.breakdown',
      'must be one of: team, rep, source, campaign, industry, size, region',
    ],
    ['an unknown filter', { from: '2026-03-01', to: '2026-03-31', form: 'x' }, 'query', 'unknown field(s): form'],
  ])('when the query has %s, then the field says what is wrong', (_case, query, path, message) => {
    expect(fieldsOf(query)).toEqual([expect.objectContaining({ path, message })]);
  });

  it('when several fields are wrong, then each is reported', () => {
    expect(fieldsOf({ from: 'yesterday', to: '2026-13-01', zone: '' }).map((field) => field.path)).toEqual([
      'query.from',
      'query.to',
      'query.zone',
    ]);
  });

  it('when the period is exactly 5 years, then it is accepted, also from a 29 February', () => {
    expect(() =>
      parseInput(AnalyticsFiltersSchema, 'query', { from: '2021-01-01', to: '2025-12-31' }, 'q'),
    ).not.toThrow();
    expect(() =>
      parseInput(AnalyticsFiltersSchema, 'query', { from: '2024-02-29', to: '2029-02-28' }, 'q'),
    ).not.toThrow();
    // Each date is well-formed: the period they make is what does not hold (a 422 over HTTP).
    expect(fieldsOf({ from: '2024-02-29', to: '2029-03-01' })).toEqual([
      {
        path: 'query.to',
        message: 'a period may cover at most 5 years: from 2024-02-29, the last day is 2029-02-28',
        unprocessable: true,
      },
    ]);
  });

  it.each([
    ['2000-02-29', true],
    ['2024-02-29', true],
    ['1900-01-01', true],
    ['2999-12-31', true],
    ['1900-02-29', false],
    ['2100-02-29', false],
    ['2026-04-31', false],
    ['1899-12-31', false],
    ['3000-01-01', false],
    ['26-03-01', false],
  ])('when a date is %s, then its pattern (the one the OpenAPI document publishes) accepts it: %s', (date, valid) => {
    expect(LOCAL_DATE_PATTERN.test(date)).toBe(valid);
    expect(AnalyticsFilterFieldsSchema.safeParse({ from: date, to: date }).success).toBe(valid);
  });

  it('when from and to do not make a period, then periodProblems says why, and nothing for a good one', () => {
    expect(periodProblems({ from: '2026-03-31', to: '2026-03-01' })).toEqual([
      {
        path: 'to',
        message: 'must be on or after from (2026-03-31)',
        code: 'on-or-after-from',
        values: { from: '2026-03-31' },
      },
    ]);
    expect(periodProblems({ from: '2026-03-01', to: '2026-03-31' })).toEqual([]);
  });
});
