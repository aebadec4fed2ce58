/** Quote content for deal-desk tests: a one-line USD quote for Acme in Germany, with overrides. */
import { inflateSync } from 'node:zlib';
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

/**
 * The text drawn on a PDF's pages: pdf-lib deflates each content stream and writes standard-font
 * text as hex strings (`<48656C6C6F> Tj`), so the raw bytes never contain it; inflate and decode.
 */
export function drawnText(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1');
  const shown: string[] = [];
  for (const match of raw.matchAll(/\/FlateDecode[^]*?stream\r?\n([^]*?)\r?\nendstream/g)) {
    const operators = inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    for (const hex of operators.matchAll(/<([0-9A-Fa-f]*)> Tj/g))
      shown.push(Buffer.from(hex[1]!, 'hex').toString('latin1'));
  }
  return shown;
}
