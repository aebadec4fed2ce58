import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { computeQuote, type QuoteContent } from '../../src/domain/quote';
import type { QuoteRenderInput } from '../../src/domain/quote-render';
import { renderQuotePdf } from '../../src/quotes/quote-pdf';
import { readerText } from './pdf-text';
import { drawnText, quoteContent, quoteLine } from './support';

function renderInput(content: QuoteContent): QuoteRenderInput {
  return {
    quoteNumber: 'Q-2026-0042',
    version: 3,
    content,
    totals: computeQuote(content),
    status: 'sent',
    issuedAt: '2026-03-05T10:00:00.000Z',
  };
}

describe('renderQuotePdf', () => {
  const content = quoteContent({
    lines: [quoteLine({ quantity: 3, unitPriceMinor: 100_000, discountBp: 1000 })],
    overallDiscountBp: 500,
  });

  it('when a quote is rendered, then it is a PDF that pdf-lib loads back with one page and the quote title', async () => {
    const pdf = await renderQuotePdf(renderInput(content));
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const loaded = await PDFDocument.load(pdf);
    expect(loaded.getPageCount()).toBe(1);
    expect(loaded.getTitle()).toBe('Quote Q-2026-0042 (Version 3)');
  });

  it('when a quote is rendered, then its pages show the number, version, lines, totals and terms', async () => {
    // 3 × 1,000.00 = 3,000.00 − 10% = 2,700.00; 5% = 135.00; taxable 2,565.00; 19% = 487.35; total 3,052.35
    const shown = drawnText(await renderQuotePdf(renderInput(content)));
    expect(shown).toEqual(
      expect.arrayContaining([
        'Quote Q-2026-0042',
        'Version 3',
        'SENT',
        'Valid until 30 April 2026',
        'Acme GmbH',
        'Platform seat (annual)',
        '10%',
        '-300.00',
        '2,700.00',
        'Subtotal',
        'USD 2,700.00',
        'Discount 5%',
        'USD -135.00',
        'Tax 19% (DE)',
        'USD 487.35',
        'Total',
        'USD 3,052.35',
        'Net 30 days',
      ]),
    );
  });

  it('when the same version is rendered twice, then the bytes are identical', async () => {
    expect(await renderQuotePdf(renderInput(content))).toEqual(await renderQuotePdf(renderInput(content)));
  });

  it('when text is outside every font (an emoji), then it prints as "?" instead of failing the document, and the rest is drawn', async () => {
    // Noto Sans SC is embedded for the Chinese, so the text is read back as a viewer reads it (PDF.js).
    const [page] = await readerText(
      await renderQuotePdf(renderInput(quoteContent({ customer: { company: 'Ünïcödé 日本 🚀', region: 'DE' } }))),
    );
    expect(page).toContain('Ünïcödé 日本 ?');
  });

  it('when a quote has more lines than a page holds, then it continues on further pages with numbered footers', async () => {
    const many = quoteContent({
      lines: Array.from({ length: 60 }, (_, i) => quoteLine({ id: `l${i}`, name: `Item ${i + 1}` })),
    });
    const pdf = await renderQuotePdf(renderInput(many));
    const pages = (await PDFDocument.load(pdf)).getPageCount();
    expect(pages).toBeGreaterThan(1);
    const shown = drawnText(pdf);
    expect(shown).toContain('Item 60');
    expect(shown).toContain(`Quote Q-2026-0042 - Version 3 - Page ${pages} of ${pages}`);
    expect(shown.filter((t) => t === 'ITEM')).toHaveLength(pages);
  });
});
