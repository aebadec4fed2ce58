/**
 * Report periods in the reporting time zone, the comparison period, trend buckets, and the
 * nearest-rank percentiles every distribution uses.
 */
import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  bucketRanges,
  bucketsOf,
  monthsOf,
  periodDays,
  previousPeriod,
  reportPeriod,
  within,
} from '../../src/domain/analytics/period';
import { distribution, moneyRatios, percentile, ratio, averages } from '../../src/domain/analytics/measures';
import { companySize } from '../../src/domain/analytics/facts';

describe('report periods', () => {
  it('when March is read in New York, then it runs from local midnight to local midnight across the DST change', () => {
    const march = reportPeriod('2026-03-01', '2026-03-31', 'America/New_York');
    expect([march.from, march.to]).toEqual([new Date('2026-03-01T05:00:00Z'), new Date('2026-04-01T04:00:00Z')]);
    expect(periodDays(march)).toBe(31);
    expect(within(new Date('2026-04-01T03:59:59.999Z'), march)).toBe(true);
    expect(within(new Date('2026-04-01T04:00:00Z'), march)).toBe(false);
  });

  it('when the previous period is asked for, then it has the same number of days and ends the day before', () => {
    const march = reportPeriod('2026-03-01', '2026-03-31', 'America/New_York');
    expect(previousPeriod(march)).toMatchObject({ fromDate: '2026-01-29', toDate: '2026-02-28' });
    const leap = reportPeriod('2024-03-01', '2024-03-01', 'UTC');
    expect(previousPeriod(leap)).toMatchObject({ fromDate: '2024-02-29', toDate: '2024-02-29' });
  });

  it('when a period is cut into buckets, then days, Monday weeks and months follow the zone', () => {
    const period = reportPeriod('2026-03-27', '2026-04-02', 'Europe/London');
    expect(bucketsOf(period, 'week')).toEqual(['2026-03-23', '2026-03-30']);
    expect(bucketsOf(period, 'month')).toEqual(['2026-03', '2026-04']);
    expect(monthsOf(period)).toEqual(['2026-04']);
    // 23:30 UTC on 03-29 is already 00:30 on 03-30 in London (BST since 01:00 UTC that day).
    expect(bucketOf(new Date('2026-03-29T23:30:00Z'), 'Europe/London', 'day')).toBe('2026-03-30');
    expect(bucketOf(new Date('2026-03-29T23:30:00Z'), 'UTC', 'day')).toBe('2026-03-29');
  });

  it('when a period is cut into bucket ranges for a query, then they tile it and each instant lies in its own bucket', () => {
    const period = reportPeriod('2026-03-27', '2026-04-02', 'Europe/London');
    expect(bucketRanges(period, 'week')).toEqual([
      { bucket: '2026-03-23', from: new Date('2026-03-27T00:00:00Z'), to: new Date('2026-03-29T23:00:00Z') },
      { bucket: '2026-03-30', from: new Date('2026-03-29T23:00:00Z'), to: new Date('2026-04-02T23:00:00Z') },
    ]);
    for (const grain of ['day', 'week', 'month'] as const) {
      const ranges = bucketRanges(period, grain);
      expect(ranges.map((range) => range.bucket)).toEqual(bucketsOf(period, grain));
      expect([ranges[0]!.from, ranges.at(-1)!.to]).toEqual([period.from, period.to]);
      for (const [index, range] of ranges.entries()) {
        if (index > 0) expect(range.from).toEqual(ranges[index - 1]!.to);
        for (const at of [range.from, new Date(range.to.getTime() - 1)])
          expect(bucketOf(at, period.zone, grain)).toBe(range.bucket);
      }
    }
  });
});

describe('measures', () => {
  it('when percentiles are read by nearest rank, then each is one of the recorded values', () => {
    const sample = [1, 2, 3, 4];
    expect([percentile(sample, 0.5), percentile(sample, 0.75), percentile(sample, 0.9), percentile([], 0.5)]).toEqual([
      2,
      3,
      4,
      null,
    ]);
    expect(
      distribution([
        { id: 'b', value: 3 },
        { id: 'a', value: 1 },
        { id: 'b', value: 2 },
      ]),
    ).toEqual({
      n: 3,
      mean: 2,
      median: 2,
      p75: 3,
      p90: 3,
      ids: ['a', 'b'],
    });
  });

  it('when a share has nothing to divide by, then it has no value instead of 0 or NaN', () => {
    expect(ratio([], []).value).toBeNull();
    expect(ratio(['x', 'x'], ['x', 'y']).value).toBe(0.5);
  });

  it('when amounts are in two currencies, then they are never added together', () => {
    const amounts = [
      { id: 'a', currency: 'USD', amountMinor: 100 },
      { id: 'b', currency: 'EUR', amountMinor: 5 },
      { id: 'c', currency: 'USD', amountMinor: 101 },
    ];
    expect(averages(amounts)).toEqual([
      { currency: 'EUR', averageMinor: 5, totalMinor: 5, count: 1, ids: ['b'] },
      // 201 / 2 = 100.5 → 101 (half away from zero)
      { currency: 'USD', averageMinor: 101, totalMinor: 201, count: 2, ids: ['a', 'c'] },
    ]);
    expect(moneyRatios(amounts.slice(0, 1), amounts).map((r) => [r.currency, r.value])).toEqual([
      ['EUR', 0],
      ['USD', 100 / 201],
    ]);
  });

  it.each([
    [12, '1-49'],
    [50, '50-199'],
    [199, '50-199'],
    [200, '200-999'],
    ['1000', '1000+'],
    [0, 'unknown'],
    ['', 'unknown'],
    ['many', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('when a company has %s employees, then its size band is %s', (employees, band) => {
    expect(companySize(employees)).toBe(band);
  });
});
