/** Months and quarters as calendar text: the days they span, and what a typo is told. */
import { describe, expect, it } from 'vitest';
import { parseMonth, parsePeriod } from '../../src/domain/periods';

describe('periods', () => {
  it.each([
    ['2026-02', { kind: 'month', key: '2026-02', startsOn: '2026-02-01', endsOn: '2026-02-28' }],
    ['2028-02', { kind: 'month', key: '2028-02', startsOn: '2028-02-01', endsOn: '2028-02-29' }],
    ['2026-12', { kind: 'month', key: '2026-12', startsOn: '2026-12-01', endsOn: '2026-12-31' }],
    ['2026-Q1', { kind: 'quarter', key: '2026-Q1', startsOn: '2026-01-01', endsOn: '2026-03-31' }],
    [' 2026-q4 ', { kind: 'quarter', key: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31' }],
  ])('when "%s" is read, then it spans the right days', (text, period) => {
    expect(parsePeriod(text)).toEqual({ ok: true, period });
  });

  it.each([
    ['2026-13', '"2026-13" is not a month: the month is 01 to 12'],
    ['2026-Q5', '"2026-Q5" is not a period: write a month as YYYY-MM ("2026-03") or a quarter as YYYY-Qn ("2026-Q1")'],
    ['1999-12', '"1999-12": the year must be between 2000 and 2100'],
    ['March', '"March" is not a period: write a month as YYYY-MM ("2026-03") or a quarter as YYYY-Qn ("2026-Q1")'],
  ])('when "%s" is read as a period, then it is refused: %s', (text, message) => {
    expect(parsePeriod(text)).toEqual({ ok: false, message });
  });

  it('when a date is given where a month belongs, then the hint drops the day', () => {
    expect(parseMonth('2026-03-15')).toEqual({
      ok: false,
      message: '"2026-03-15" is not a month: write YYYY-MM, e.g. "2026-03" (without the day: "2026-03")',
    });
    expect(parseMonth('2026-Q1')).toMatchObject({ ok: false });
  });
});
