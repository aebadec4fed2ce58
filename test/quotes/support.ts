/** Quote content for deal-desk tests: a one-line USD quote for Acme in Germany, with overrides. */
import type { QuoteContent, QuoteLine } from '../../src/domain/quote';

/** A line at its list price unless `listUnitPriceMinor` says otherwise. */
export function quoteLine(overrides: Partial<QuoteLine> = {}): QuoteLine {
  const unitPriceMinor = overrides.unitPriceMinor ?? 100_000;
  return {
    id: 'l1',
    sku: 'PLAT-SEAT',
    name: 'Platform seat (annual)',
    quantity: 1,
    unitPriceMinor,
    listUnitPriceMinor: unitPriceMinor,
    discountBp: 0,
    ...overrides,
  };
}

export function quoteContent(overrides: Partial<QuoteContent> = {}): QuoteContent {
  return {
    currency: 'USD',
    seller: { name: 'Leadflow Inc.', address: '1 Market St\nSan Francisco, CA 94105', taxId: 'US-12-3456789' },
    customer: {
      company: 'Acme GmbH',
      contactName: 'Jana Berg',
      email: 'jana@acme.de',
      address: 'Hauptstr. 1\n10115 Berlin',
      region: 'DE',
    },
    lines: [quoteLine()],
    overallDiscountBp: 0,
    taxRatePpm: 190_000,
    taxRegion: 'DE',
    paymentTerms: 'net-30',
    validUntil: '2026-04-30',
    ...overrides,
  };
}
