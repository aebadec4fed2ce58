/**
 * A quote version's prices against the price book, as an approver reviews them: per line the list
 * price, the price quoted, the line discount and the effective discount against list, and the same
 * for the whole quote. Shown in the approval request's API view, its audit entry and the approval
 * email. Pure: money is formatted as the rest of the API formats it ("USD 1,000.00", "12.5%").
 */
import { messagesFor } from '../email/i18n';
import type { Language } from './languages';
import { formatBasisPoints, formatMoney } from './money';
import type { PriceOverride, QuoteContent, QuoteTotals } from './quote';

/** One line: what the price book asks, what was quoted, and how far below list it ends up. */
export interface LinePriceReview {
  lineId: string;
  sku: string;
  name: string;
  quantity: number;
  listUnitPriceMinor: number;
  listUnitPriceFormatted: string;
  unitPriceMinor: number;
  unitPriceFormatted: string;
  /** The percentage typed on the line. */
  discountBp: number;
  discount: string;
  /** quantity × list unit price, over the term (see QuoteLineTotals) */
  listMinor: number;
  listFormatted: string;
  /** After the line discount. */
  netMinor: number;
  netFormatted: string;
  /** The price override and the line discount together, against list; 0 when priced above list. */
  effectiveDiscountBp: number;
  effectiveDiscount: string;
  /** Who set a price below list, and whether their role needs no approval for it. */
  priceOverride: PriceOverride | null;
}

/** The whole quote: list total against what remains after every discount (before tax). */
export interface QuotePriceReview {
  currency: string;
  lines: LinePriceReview[];
  total: {
    listMinor: number;
    listFormatted: string;
    overallDiscountBp: number;
    overallDiscount: string;
    /** After line discounts, price overrides and the overall discount; tax is not a discount. */
    netMinor: number;
    netFormatted: string;
    discountMinor: number;
    discountFormatted: string;
    effectiveDiscountBp: number;
    effectiveDiscount: string;
  };
}

/** The review of a version's stored content and totals. */
export function reviewPrices(content: QuoteContent, totals: QuoteTotals): QuotePriceReview {
  const money = (amount: number) => formatMoney(amount, content.currency);
  const lines = content.lines.map((line): LinePriceReview => {
    const amounts = totals.lines.find((l) => l.lineId === line.id);
    const listMinor = amounts?.listMinor ?? 0;
    const netMinor = amounts?.netMinor ?? 0;
    const effectiveDiscountBp = amounts?.effectiveDiscountBp ?? 0;
    return {
      lineId: line.id,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      listUnitPriceMinor: line.listUnitPriceMinor,
      listUnitPriceFormatted: money(line.listUnitPriceMinor),
      unitPriceMinor: line.unitPriceMinor,
      unitPriceFormatted: money(line.unitPriceMinor),
      discountBp: line.discountBp,
      discount: formatBasisPoints(line.discountBp),
      listMinor,
      listFormatted: money(listMinor),
      netMinor,
      netFormatted: money(netMinor),
      effectiveDiscountBp,
      effectiveDiscount: formatBasisPoints(effectiveDiscountBp),
      priceOverride: line.priceOverride ?? null,
    };
  });
  return {
    currency: content.currency,
    lines,
    total: {
      listMinor: totals.listTotalMinor,
      listFormatted: money(totals.listTotalMinor),
      overallDiscountBp: content.overallDiscountBp,
      overallDiscount: formatBasisPoints(content.overallDiscountBp),
      netMinor: totals.taxableMinor,
      netFormatted: money(totals.taxableMinor),
      discountMinor: totals.totalDiscountMinor,
      discountFormatted: money(totals.totalDiscountMinor),
      effectiveDiscountBp: totals.effectiveDiscountBp,
      effectiveDiscount: formatBasisPoints(totals.effectiveDiscountBp),
    },
  };
}

/**
 * The review as plain text for an email, in the reader's language (src/email/messages), one line
 * per quote line and one for the total:
 *
 *     PLAT-1Y Platinum, 1 year × 1: list USD 1,000.00, quoted USD 0.00 (price set by rep@example.com, rep), net USD 0.00: 100% below list
 *     Total: list USD 1,000.00, net USD 0.00 before tax: 100% below list
 */
export function priceReviewText(review: QuotePriceReview, language: Language = 'en'): string {
  const t = messagesFor(language);
  const p = (key: string, values: Record<string, unknown> = {}) => t(`approval.pricing.${key}`, values);
  const lines = review.lines.map((line) => {
    const discount = line.discountBp === 0 ? '' : p('lineDiscount', { discount: line.discount });
    const override = line.priceOverride
      ? p(line.priceOverride.withoutApproval ? 'overrideFree' : 'override', {
          by: line.priceOverride.by,
          role: line.priceOverride.role,
        })
      : '';
    return p('line', {
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      list: line.listUnitPriceFormatted,
      quoted: line.unitPriceFormatted,
      override,
      discount,
      net: line.netFormatted,
      effective: line.effectiveDiscount,
    });
  });
  const { total } = review;
  const overall = total.overallDiscountBp === 0 ? '' : p('overall', { discount: total.overallDiscount });
  lines.push(
    p('total', { list: total.listFormatted, net: total.netFormatted, overall, effective: total.effectiveDiscount }),
  );
  return lines.join('\n');
}
