import { describe, expect, it } from 'vitest';
import {
  computeQuote,
  contractValueOf,
  discountForApproval,
  termMonthsOf,
  validateQuote,
} from '../../src/domain/quote';
import { diffQuoteVersions } from '../../src/domain/quote-diff';
import { requiredApprovals } from '../../src/rules/evaluate';
import { rulesetWith } from '../rules/support/rulesets';
import { quoteContent, quoteLine } from '../quotes/support';

describe('computeQuote', () => {
  it('when a quote has discounted lines, an overall discount and tax, then every amount matches the hand computation', () => {
    const content = quoteContent({
      lines: [
        quoteLine({ id: 'a', quantity: 3, unitPriceMinor: 100_000, discountBp: 1000 }), // 3 × 1,000.00 = 3,000.00; −10% = −300.00; net 2,700.00
        quoteLine({ id: 'b', quantity: 2, unitPriceMinor: 4_999, discountBp: 1250 }), // 2 × 49.99 = 99.98; −12.5% = −12.4975 → −12.50; net 87.48
        quoteLine({ id: 'c', quantity: 1, unitPriceMinor: 1_999, discountBp: 0 }), // 19.99
      ],
      overallDiscountBp: 500, // 5% of 2,807.47 = 140.3735 → 140.37
      taxRatePpm: 190_000, // 19% of 2,667.10 = 506.749 → 506.75
    });
    expect(computeQuote(content)).toEqual({
      currency: 'USD',
      lines: [
        {
          lineId: 'a',
          listMinor: 300_000,
          grossMinor: 300_000,
          discountMinor: 30_000,
          netMinor: 270_000,
          effectiveDiscountBp: 1000,
        },
        {
          lineId: 'b',
          listMinor: 9_998,
          grossMinor: 9_998,
          discountMinor: 1_250,
          netMinor: 8_748,
          effectiveDiscountBp: 1250,
        },
        { lineId: 'c', listMinor: 1_999, grossMinor: 1_999, discountMinor: 0, netMinor: 1_999, effectiveDiscountBp: 0 },
      ],
      listTotalMinor: 311_997, // 3,000.00 + 99.98 + 19.99
      subtotalMinor: 280_747, // 2,700.00 + 87.48 + 19.99
      overallDiscountMinor: 14_037,
      taxableMinor: 266_710, // 2,807.47 − 140.37
      totalDiscountMinor: 45_287, // 3,119.97 − 2,667.10
      taxMinor: 50_675,
      totalMinor: 317_385, // 2,667.10 + 506.75
      effectiveDiscountBp: 1452, // 452.87 / 3,119.97 = 14.5152% → 1451.52 bp → 1452
      termMonths: 12,
      tcvMinor: 266_710, // the taxable amount: tax is not contract value
      acvMinor: 266_710, // a 12-month term: ACV = TCV
    });
  });

  it('when the currency has no minor unit (JPY), then amounts are whole yen and rounding happens at the yen', () => {
    // 3 × ¥333 = ¥999; 10% = 99.9 → 100; net 899; tax 10% = 89.9 → 90; total 989
    const totals = computeQuote(
      quoteContent({
        currency: 'JPY',
        lines: [quoteLine({ quantity: 3, unitPriceMinor: 333, discountBp: 1000 })],
        taxRatePpm: 100_000,
      }),
    );
    expect(totals).toMatchObject({
      listTotalMinor: 999,
      subtotalMinor: 899,
      taxMinor: 90,
      totalMinor: 989,
      effectiveDiscountBp: 1001,
    });
  });

  it('when the tax rate has three decimals (New York City 8.875%), then tax is exact to the ppm and rounds once', () => {
    // 1,234.56 × 8.875% = 109.5672 → 109.57
    const totals = computeQuote(quoteContent({ lines: [quoteLine({ unitPriceMinor: 123_456 })], taxRatePpm: 88_750 }));
    expect(totals).toMatchObject({ taxableMinor: 123_456, taxMinor: 10_957, totalMinor: 134_413 });
  });

  it('when a discount lands on exactly half a cent, then it rounds away from zero', () => {
    // 1 × 0.10 at 5% = 0.005 → 0.01
    expect(
      computeQuote(quoteContent({ lines: [quoteLine({ unitPriceMinor: 10, discountBp: 500 })], taxRatePpm: 0 }))
        .lines[0],
    ).toMatchObject({ discountMinor: 1, netMinor: 9 });
  });

  it('when every line is free, then the effective discount is 0 rather than a division by zero', () => {
    expect(computeQuote(quoteContent({ lines: [quoteLine({ unitPriceMinor: 0 })] }))).toMatchObject({
      totalMinor: 0,
      effectiveDiscountBp: 0,
    });
  });

  it('when amounts reach 10^15 minor units, then totals stay exact', () => {
    // 10 × 10^14 = 10^15; 19% tax = 1.9 × 10^14; total 1.19 × 10^15 (< 2^53 ≈ 9.007 × 10^15)
    const totals = computeQuote(quoteContent({ lines: [quoteLine({ quantity: 10, unitPriceMinor: 1e14 })] }));
    expect(totals.totalMinor).toBe(1_190_000_000_000_000);
  });
});

describe('discountForApproval', () => {
  it('when a 10% line discount and a 10% overall discount stack, then approvals see the 19% effective discount and need a manager', async () => {
    // 1,000.00 − 10% = 900.00; − 10% = 810.00; (1,000.00 − 810.00) / 1,000.00 = 19%
    const content = quoteContent({
      lines: [quoteLine({ id: 'seats', unitPriceMinor: 100_000, discountBp: 1000 })],
      overallDiscountBp: 1000,
    });
    const approval = discountForApproval(computeQuote(content), content);
    expect(approval).toEqual({ discountPct: 19, discountBp: 1900, dealSize: 1000, source: { kind: 'effective' } });
    const shipped = await rulesetWith();
    expect(requiredApprovals(shipped, approval).outcome).toMatchObject({ kind: 'required', tier: 'manager-authority' });
    expect(requiredApprovals(shipped, { discountPct: 10, dealSize: 1000 }).outcome).toMatchObject({
      kind: 'not-required',
      tier: 'rep-authority',
    });
  });

  it('when one small line has a deep discount, then approvals see that line, not the diluted effective discount', () => {
    // 40% off 10.00 on a 10,010.00 list: effective is 0.04%, but the line gives a product away at 40%
    const content = quoteContent({
      lines: [
        quoteLine({ id: 'big', unitPriceMinor: 1_000_000 }),
        quoteLine({ id: 'addon', unitPriceMinor: 1_000, discountBp: 4000 }),
      ],
    });
    expect(discountForApproval(computeQuote(content), content)).toEqual({
      discountPct: 40,
      discountBp: 4000,
      dealSize: 10_010,
      source: { kind: 'line', lineId: 'addon' },
    });
  });

  it('when only the overall discount is given, then it is the one judged, and the deal size is whole units of the list total', () => {
    const content = quoteContent({
      lines: [quoteLine({ quantity: 2, unitPriceMinor: 12_345_678 })],
      overallDiscountBp: 1550,
    });
    expect(discountForApproval(computeQuote(content), content)).toEqual({
      discountPct: 15.5,
      discountBp: 1550,
      dealSize: 246_913,
      source: { kind: 'overall' },
    });
  });
});

describe('validateQuote', () => {
  const today = '2026-03-01';

  it('when the quote meets every rule, then there are no issues', () => {
    expect(validateQuote(quoteContent(), { today, expectedCurrency: 'USD' })).toEqual([]);
  });

  it('when a quote has no lines, then the lines field says it needs one', () => {
    expect(validateQuote(quoteContent({ lines: [] }), { today })).toEqual([
      { path: 'lines', message: 'a quote needs at least one line' },
    ]);
  });

  it('when lines break the rules, then each issue points at its line and field', () => {
    const lines = [
      quoteLine({ id: 'a', quantity: 0 }),
      quoteLine({ id: 'a', unitPriceMinor: -100, listUnitPriceMinor: 1_000 }),
      quoteLine({ id: 'c', discountBp: 10_001, quantity: 1.5 }),
      quoteLine({ id: 'd', unitPriceMinor: 12.5, listUnitPriceMinor: 1_250 }),
      quoteLine({ id: 'e', listUnitPriceMinor: -1 }),
    ];
    expect(validateQuote(quoteContent({ lines }), { today })).toEqual([
      { path: 'lines.0.quantity', message: 'quantity must be a whole number of at least 1, got 0' },
      {
        path: 'lines.1.unitPriceMinor',
        message: 'the unit price may not be negative, got -100: give a discount instead',
      },
      { path: 'lines.1.id', message: 'line id "a" is already used by line 1: each line needs its own id' },
      { path: 'lines.2.quantity', message: 'quantity must be a whole number of at least 1, got 1.5' },
      {
        path: 'lines.2.discountBp',
        message: 'the line discount must be between 0% and 100% (0–10000 bp), got 10001 bp',
      },
      { path: 'lines.3.unitPriceMinor', message: 'the unit price must be whole minor units (cents), got 12.5' },
      {
        path: 'lines.4.listUnitPriceMinor',
        message: 'the list price must be whole minor units (cents), 0 or more, got -1',
      },
    ]);
  });

  it('when header fields break the rules, then each gets its own issue', () => {
    const content = quoteContent({
      currency: 'EUR',
      overallDiscountBp: 12_000,
      taxRatePpm: -1,
      taxRegion: 'FR',
      validUntil: '2026-02-28',
    });
    expect(validateQuote(content, { today, expectedCurrency: 'USD' })).toEqual([
      {
        path: 'currency',
        message: 'the quote is in EUR but must be in USD, the currency of the deal and its earlier versions',
      },
      {
        path: 'taxRegion',
        message:
          'the tax rate is for region "FR" but the customer is in "DE": resolve the rate for the customer\'s region',
      },
      {
        path: 'overallDiscountBp',
        message: 'the overall discount must be between 0% and 100% (0–10000 bp), got 12000 bp',
      },
      { path: 'taxRatePpm', message: 'the tax rate must be between 0% and 100% (0–1000000 ppm), got -1 ppm' },
      {
        path: 'validUntil',
        message: 'the quote would expire on 2026-02-28, before today (2026-03-01): choose a later date',
      },
    ]);
  });

  it.each([
    ['2026-03-01', []],
    ['2026-02-30', [{ path: 'validUntil', message: '"2026-02-30" is not a date: write YYYY-MM-DD' }]],
    ['01/04/2026', [{ path: 'validUntil', message: '"01/04/2026" is not a date: write YYYY-MM-DD' }]],
  ])('when the quote is valid until %s, then the issues are %j', (validUntil, issues) => {
    expect(validateQuote(quoteContent({ validUntil }), { today })).toEqual(issues);
  });

  it('when the currency is not in the table (stored content), then the issue lists the supported codes', () => {
    const content = { ...quoteContent(), currency: 'XYZ' } as unknown as ReturnType<typeof quoteContent>;
    expect(validateQuote(content, { today })).toEqual([
      { path: 'currency', message: expect.stringMatching(/^unknown currency "XYZ": use one of USD, EUR/) },
    ]);
  });

  it('when the totals would exceed exact integers, then the quote is refused instead of computing wrong cents', () => {
    const content = quoteContent({ lines: [quoteLine({ quantity: 1_000_000, unitPriceMinor: 1e10 })] });
    expect(validateQuote(content, { today })).toEqual([
      { path: 'lines', message: expect.stringContaining('too large to compute exactly') },
    ]);
  });
});

describe('the contract term a quote sells', () => {
  const today = '2026-03-01';

  it('when a quote names no term, then it sells 12 months; a named term is kept', () => {
    expect(termMonthsOf(quoteContent())).toBe(12);
    expect(termMonthsOf(quoteContent({ termMonths: 36 }))).toBe(36);
  });

  it.each([0, 121, 12.5])('when the term is %s months, then validation names termMonths', (termMonths) => {
    expect(validateQuote(quoteContent({ termMonths }), { today, expectedCurrency: 'USD' })).toEqual([
      { path: 'termMonths', message: expect.stringContaining('whole number of months from 1 to 120') },
    ]);
  });

  it('when the term changes between versions, then the diff shows it', () => {
    const diff = diffQuoteVersions(quoteContent({ termMonths: 12 }), quoteContent({ termMonths: 24 }));
    expect(diff.header).toEqual([{ field: 'termMonths', before: 12, after: 24 }]);
  });
});

describe('contract value: a price per year on a term of any length (issue #11, item 13)', () => {
  // 50 seats at USD 1,200.00 per seat per year, NY tax 8.875 %; one-time onboarding USD 2,500.00 where present.
  const seats = quoteLine({ id: 'seats', quantity: 50, unitPriceMinor: 120_000 });
  const onboarding = quoteLine({ id: 'onb', sku: 'ONBOARD', unitPriceMinor: 250_000, billing: 'one-time' });
  it.each([
    // term, lines, gross of the seats, TCV, ACV
    [12, [seats], 6_000_000, 6_000_000, 6_000_000],
    [24, [seats], 12_000_000, 12_000_000, 6_000_000], // the issue's case: two years, not one
    [36, [seats], 18_000_000, 18_000_000, 6_000_000],
    [18, [seats], 9_000_000, 9_000_000, 6_000_000], // a part year pro rata by month
    [6, [seats], 3_000_000, 3_000_000, 3_000_000], // a year or less: ACV = TCV
    [1, [seats], 500_000, 500_000, 500_000],
    [24, [seats, onboarding], 12_000_000, 12_250_000, 6_125_000], // one-time once, spread over the years in ACV
  ] as const)(
    'when the term is %s months, then yearly lines count for the term, tax stays out, and TCV and ACV follow',
    (termMonths, lines, seatsGross, tcv, acv) => {
      const totals = computeQuote(quoteContent({ termMonths, lines: [...lines], taxRatePpm: 88_750 }));
      expect(totals.lines[0]).toMatchObject({ lineId: 'seats', grossMinor: seatsGross });
      expect(totals).toMatchObject({ termMonths, taxableMinor: tcv, tcvMinor: tcv, acvMinor: acv });
      expect(totals.totalMinor).toBe(tcv + totals.taxMinor);
      expect(totals.taxMinor).toBeGreaterThan(0);
    },
  );

  it('when a part-year amount is not whole cents, then it rounds once, half away from zero', () => {
    // 1 × 0.07 a year for 7 months = 0.040833… → 0.04; 1 × 0.03 for 6 months = 0.015 → 0.02
    const line = (id: string, unitPriceMinor: number) => quoteLine({ id, unitPriceMinor });
    expect(computeQuote(quoteContent({ termMonths: 7, lines: [line('a', 7)] })).lines[0]?.grossMinor).toBe(4);
    expect(computeQuote(quoteContent({ termMonths: 6, lines: [line('a', 3)] })).lines[0]?.grossMinor).toBe(2);
  });

  it('when totals were saved before the term was priced, then their one-year amounts are multiplied by the term', () => {
    const content = quoteContent({ termMonths: 24 });
    expect(contractValueOf(content, { taxableMinor: 9_000_000 })).toEqual({
      termMonths: 24,
      tcvMinor: 18_000_000,
      acvMinor: 9_000_000,
    });
    expect(contractValueOf(content, { taxableMinor: 1, termMonths: 24, tcvMinor: 5, acvMinor: 3 })).toEqual({
      termMonths: 24,
      tcvMinor: 5,
      acvMinor: 3,
    });
  });

  it('when a multi-year quote is judged for approval, then the deal size is the list total over the whole term', () => {
    const totals = computeQuote(quoteContent({ termMonths: 36, lines: [seats] }));
    expect(discountForApproval(totals, quoteContent({ termMonths: 36, lines: [seats] })).dealSize).toBe(180_000);
  });

  it('when a line names an unknown billing, then validation names it', () => {
    const content = quoteContent({ lines: [quoteLine({ billing: 'monthly' as never })] });
    expect(validateQuote(content, { today: '2026-03-01', expectedCurrency: 'USD' })).toEqual([
      { path: 'lines.0.billing', message: 'billing must be yearly or one-time, got "monthly"' },
    ]);
  });
});
