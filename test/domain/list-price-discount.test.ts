/**
 * Discounts measured against the price book's list price: a unit price below list is a discount,
 * it combines with the line's and the quote's discounts, a price above list is none, and the
 * approval matrix (the shipped approvals.yaml) judges the result. Also the approver's review of
 * those prices (list, quoted, effective discount) and its email text.
 */
import { describe, expect, it } from 'vitest';
import { discountAgainstBp } from '../../src/domain/money';
import { computeQuote, discountForApproval, type QuoteLine } from '../../src/domain/quote';
import { priceReviewText, reviewPrices } from '../../src/domain/quote-pricing';
import { requiredApprovals } from '../../src/rules/evaluate';
import { rulesetWith } from '../rules/support/rulesets';
import { quoteContent, quoteLine } from '../quotes/support';

const shipped = await rulesetWith();
const LIST = 100_000; // USD 1,000.00

/** One line of a product listed at USD 1,000.00, and what the shipped matrix makes of the quote. */
function judge(line: Partial<QuoteLine>, overallDiscountBp = 0) {
  const content = quoteContent({
    lines: [quoteLine({ listUnitPriceMinor: LIST, ...line })],
    overallDiscountBp,
    taxRatePpm: 0,
  });
  const totals = computeQuote(content);
  const discount = discountForApproval(totals, content);
  const outcome = requiredApprovals(shipped, discount).outcome;
  return { totals, discount, tier: outcome.kind === 'out-of-range' ? null : outcome.tier };
}

describe('a unit price below list is a discount', () => {
  it('when a line for a product listed at USD 1,000.00 is quoted at 0, then it is a 100% discount that needs the executive tier, not the rep', () => {
    const { totals, discount, tier } = judge({ unitPriceMinor: 0 });
    expect(totals).toMatchObject({
      listTotalMinor: LIST,
      taxableMinor: 0,
      totalDiscountMinor: LIST,
      effectiveDiscountBp: 10_000,
      lines: [{ listMinor: LIST, grossMinor: 0, netMinor: 0, effectiveDiscountBp: 10_000 }],
    });
    expect(discount).toEqual({
      discountPct: 100,
      discountBp: 10_000,
      dealSize: 1000,
      source: { kind: 'line', lineId: 'l1' },
    });
    expect(tier).toBe('executive-authority');
  });

  it.each([
    ['quoted 10% below list', { unitPriceMinor: 90_000 }, 0, 1000, 'rep-authority'],
    ['quoted 15% below list', { unitPriceMinor: 85_000 }, 0, 1500, 'manager-authority'],
    ['quoted above list', { unitPriceMinor: 120_000 }, 0, 0, 'rep-authority'],
    [
      'quoted above list with 10% typed on the line',
      { unitPriceMinor: 120_000, discountBp: 1000 },
      0,
      1000,
      'rep-authority',
    ],
    [
      'quoted above list with 15% typed on the line',
      { unitPriceMinor: 120_000, discountBp: 1500 },
      0,
      1500,
      'manager-authority',
    ],
    [
      'quoted 10% below list with 10% off the line',
      { unitPriceMinor: 90_000, discountBp: 1000 },
      0,
      1900,
      'manager-authority',
    ],
    [
      'quoted 20% below list with 10% off the line',
      { unitPriceMinor: 80_000, discountBp: 1000 },
      0,
      2800,
      'director-authority',
    ],
    ['quoted 10% below list with 10% off the quote', { unitPriceMinor: 90_000 }, 1000, 1900, 'manager-authority'],
    ['quoted at list with 10% off the line', { unitPriceMinor: LIST, discountBp: 1000 }, 0, 1000, 'rep-authority'],
  ] as const)(
    'when a line is %s, then approvals see %#: the expected discount and tier',
    (_what, line, overall, bp, tier) => {
      const judged = judge(line, overall);
      expect(judged.discount.discountBp).toBe(bp);
      expect(judged.tier).toBe(tier);
    },
  );

  it('when a price is a fraction of a cent past the 10% mark, then it counts as more than 10% (rounded up), and needs the manager', () => {
    // list 49.99; 44.99 is 10.002% below it
    expect(discountAgainstBp(4_999, 4_499, 0)).toBe(1001);
    expect(discountAgainstBp(4_999, 4_500, 0)).toBe(999);
    const { discount, tier } = judge({ listUnitPriceMinor: 4_999, unitPriceMinor: 4_499 });
    expect(discount.discountBp).toBe(1001);
    expect(tier).toBe('manager-authority');
  });

  it('when one line is priced above list, then its markup does not hide another line priced below list', () => {
    const content = quoteContent({
      lines: [
        quoteLine({ id: 'up', listUnitPriceMinor: LIST, unitPriceMinor: 200_000 }),
        quoteLine({ id: 'down', listUnitPriceMinor: LIST, unitPriceMinor: 80_000 }),
      ],
      taxRatePpm: 0,
    });
    const totals = computeQuote(content);
    // the marked-up line counts at its price: 2,000.00 + 1,000.00 list, 2,800.00 net
    expect(totals).toMatchObject({ listTotalMinor: 300_000, taxableMinor: 280_000, effectiveDiscountBp: 667 });
    expect(discountForApproval(totals, content)).toMatchObject({
      discountBp: 2000,
      source: { kind: 'line', lineId: 'down' },
    });
  });

  it('when a large deal is quoted below list, then the deal size is the list value, not the quoted one', () => {
    // 300,000.00 listed, quoted at 225,000.00: 25% on a deal of 300,000 needs the VP as well
    const { discount, tier } = judge({ listUnitPriceMinor: 30_000_000, unitPriceMinor: 22_500_000 });
    expect(discount).toMatchObject({ discountBp: 2500, dealSize: 300_000 });
    expect(tier).toBe('director-authority-large-deal');
  });

  it('when a role approvals.yaml lets override prices set one below list, then only the discounts on top of it are judged, and the totals still show the discount against list', () => {
    const { totals, discount, tier } = judge({
      unitPriceMinor: 50_000,
      discountBp: 1000,
      priceOverride: { by: 'revops@example.com', role: 'revops', withoutApproval: true },
    });
    expect(totals.effectiveDiscountBp).toBe(5500);
    expect(discount).toMatchObject({ discountBp: 1000, dealSize: 500 });
    expect(tier).toBe('rep-authority');
    const needsApproval = judge({
      unitPriceMinor: 50_000,
      discountBp: 1000,
      priceOverride: { by: 'rep@example.com', role: 'rep', withoutApproval: false },
    });
    expect(needsApproval.discount.discountBp).toBe(5500);
    expect(needsApproval.tier).toBe('executive-authority');
  });
});

describe("the approver's review of prices against list", () => {
  it('when a quote has a price override, a line discount and an overall discount, then each line and the total show list, quoted and the effective discount', () => {
    const content = quoteContent({
      lines: [
        quoteLine({
          id: 'L1',
          sku: 'PLAT-1Y',
          name: 'Platinum, 1 year',
          quantity: 2,
          listUnitPriceMinor: LIST,
          unitPriceMinor: 90_000,
          discountBp: 1000,
          priceOverride: { by: 'rep@example.com', role: 'rep', withoutApproval: false },
        }),
        quoteLine({ id: 'L2', sku: 'SEAT', name: 'Seat', quantity: 1, unitPriceMinor: 4_999 }),
      ],
      overallDiscountBp: 500,
    });
    const review = reviewPrices(content, computeQuote(content));
    expect(review.lines[0]).toMatchObject({
      listUnitPriceFormatted: 'USD 1,000.00',
      unitPriceFormatted: 'USD 900.00',
      discount: '10%',
      listFormatted: 'USD 2,000.00',
      netFormatted: 'USD 1,620.00',
      effectiveDiscountBp: 1900,
      effectiveDiscount: '19%',
    });
    expect(review.lines[1]).toMatchObject({ effectiveDiscount: '0%', priceOverride: null });
    // list 2,049.99; net (1,620.00 + 49.99) × 95% = 1,586.4905 → 1,586.49; discount 463.50 = 22.61%
    expect(review.total).toEqual({
      listMinor: 204_999,
      listFormatted: 'USD 2,049.99',
      overallDiscountBp: 500,
      overallDiscount: '5%',
      netMinor: 158_649,
      netFormatted: 'USD 1,586.49',
      discountMinor: 46_350,
      discountFormatted: 'USD 463.50',
      effectiveDiscountBp: 2261,
      effectiveDiscount: '22.61%',
    });
    expect(priceReviewText(review)).toBe(
      [
        'PLAT-1Y Platinum, 1 year × 2: list USD 1,000.00, quoted USD 900.00 (price set by rep@example.com, rep), less 10%, net USD 1,620.00: 19% below list',
        'SEAT Seat × 1: list USD 49.99, quoted USD 49.99, net USD 49.99: 0% below list',
        'Total: list USD 2,049.99, net USD 1,586.49 after 5% off the quote before tax: 22.61% below list',
      ].join('\n'),
    );
  });
});
