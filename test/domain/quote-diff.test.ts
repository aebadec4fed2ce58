import { describe, expect, it } from 'vitest';
import { diffQuoteVersions } from '../../src/domain/quote-diff';
import { quoteContent, quoteLine } from '../quotes/support';

describe('diffQuoteVersions', () => {
  const v1 = quoteContent({
    lines: [
      quoteLine({ id: 'seats', quantity: 10, unitPriceMinor: 10_000 }),
      quoteLine({ id: 'support', name: 'Support', unitPriceMinor: 50_000 }),
    ],
    taxRatePpm: 0,
  });

  it('when nothing changed, then the diff is empty and says so', () => {
    const diff = diffQuoteVersions(v1, structuredClone(v1));
    expect(diff).toMatchObject({
      unchanged: true,
      header: [],
      lines: { added: [], removed: [], changed: [], reordered: false },
    });
    expect(diff.totals.total).toEqual({ before: 150_000, after: 150_000, delta: 0 });
  });

  it('when lines are added, removed and changed, then each is listed with field-level before and after, and totals show the delta', () => {
    const v2 = quoteContent({
      lines: [
        quoteLine({
          id: 'seats',
          name: 'Platform seat (2-year)',
          quantity: 12,
          unitPriceMinor: 9_500,
          listUnitPriceMinor: 10_000,
          discountBp: 1000,
        }),
        quoteLine({ id: 'training', sku: 'TRAIN', name: 'Training day', unitPriceMinor: 20_000 }),
      ],
      overallDiscountBp: 500,
      taxRatePpm: 0,
      validUntil: '2026-05-31',
      customer: { ...v1.customer, contactName: undefined },
    });
    const diff = diffQuoteVersions(v1, v2);
    expect(diff.lines.added.map((l) => l.id)).toEqual(['training']);
    expect(diff.lines.removed.map((l) => l.id)).toEqual(['support']);
    expect(diff.lines.changed).toEqual([
      {
        lineId: 'seats',
        changes: [
          { field: 'name', before: 'Platform seat (annual)', after: 'Platform seat (2-year)' },
          { field: 'quantity', before: 10, after: 12 },
          { field: 'unitPriceMinor', before: 10_000, after: 9_500 },
          { field: 'discountBp', before: 0, after: 1000 },
        ],
      },
    ]);
    expect(diff.header).toEqual([
      { field: 'customer.contactName', before: 'Jana Berg', after: null },
      { field: 'overallDiscountBp', before: 0, after: 500 },
      { field: 'validUntil', before: '2026-04-30', after: '2026-05-31' },
    ]);
    // v1: 10 × 100.00 + 500.00 = 1,500.00, no discount.
    // v2: 12 × 95.00 = 1,140.00 − 10% = 1,026.00; + 200.00 = 1,226.00 subtotal; 5% = 61.30; total 1,164.70.
    // v2 discount: 60.00 below the 100.00 list price on 12 seats + 114.00 + 61.30 = 235.30.
    expect(diff.totals).toEqual({
      subtotal: { before: 150_000, after: 122_600, delta: -27_400 },
      discount: { before: 0, after: 23_530, delta: 23_530 },
      tax: { before: 0, after: 0, delta: 0 },
      total: { before: 150_000, after: 116_470, delta: -33_530 },
    });
    expect(diff.unchanged).toBe(false);
  });

  it('when the tax rate and terms change, then the header lists them and the tax delta follows', () => {
    const v2 = { ...v1, taxRatePpm: 190_000, paymentTerms: 'net-60' };
    const diff = diffQuoteVersions(v1, v2);
    expect(diff.header).toEqual([
      { field: 'taxRatePpm', before: 0, after: 190_000 },
      { field: 'paymentTerms', before: 'net-30', after: 'net-60' },
    ]);
    expect(diff.totals.tax).toEqual({ before: 0, after: 28_500, delta: 28_500 }); // 19% of 1,500.00
  });

  it("when only the price book's price changed, then the line shows its list price before and after", () => {
    const raised = {
      ...v1,
      lines: v1.lines.map((line) => ({ ...line, listUnitPriceMinor: line.listUnitPriceMinor + 500 })),
    };
    const diff = diffQuoteVersions(v1, raised);
    expect(diff.lines.changed[0]).toEqual({
      lineId: 'seats',
      changes: [{ field: 'listUnitPriceMinor', before: 10_000, after: 10_500 }],
    });
    expect(diff.unchanged).toBe(false);
  });

  it('when only the line order changes, then the diff reports a reorder and no line changes', () => {
    const diff = diffQuoteVersions(v1, { ...v1, lines: [...v1.lines].reverse() });
    expect(diff.lines).toEqual({ added: [], removed: [], changed: [], reordered: true });
    expect(diff.unchanged).toBe(false);
  });
});
