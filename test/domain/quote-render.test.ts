import { describe, expect, it } from 'vitest';
import { computeQuote, type QuoteContent } from '../../src/domain/quote';
import {
  describePaymentTerms,
  formatQuoteDate,
  renderQuoteHtml,
  type QuoteRenderInput,
} from '../../src/domain/quote-render';
import { quoteContent, quoteLine } from '../quotes/support';

function renderInput(content: QuoteContent): QuoteRenderInput {
  return {
    quoteNumber: 'Q-2026-0042',
    version: 3,
    content,
    totals: computeQuote(content),
    status: 'pending-approval',
    issuedAt: '2026-03-05T10:00:00.000Z',
  };
}

/** The page's text, tags removed and whitespace collapsed, as a reader (or a screen reader) gets it. */
const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('renderQuoteHtml', () => {
  const content = quoteContent({
    lines: [
      quoteLine({ id: 'a', quantity: 3, unitPriceMinor: 100_000, discountBp: 1000 }),
      quoteLine({ id: 'b', sku: 'SUP-1', name: 'Support', unitPriceMinor: 1_999 }),
    ],
    overallDiscountBp: 500,
    notes: 'Prices exclude onboarding.',
  });
  const html = renderQuoteHtml(renderInput(content));
  const text = visibleText(html);

  it('when a quote is rendered, then it is a complete, self-contained document with A4 page rules', () => {
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('@page { size: A4;');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<(?:link|script|img)\b|src=|url\(/);
  });

  it('when a quote is rendered, then it shows number, version, status, parties, lines, totals, terms and validity', () => {
    // lines: 3,000.00 − 300.00 = 2,700.00; 19.99. subtotal 2,719.99; 5% = 136.00 (135.9995); taxable 2,583.99; 19% = 490.96 (490.9581); total 3,074.95
    for (const shown of [
      'Quote Q-2026-0042',
      'Version 3',
      'Pending approval',
      'Issued 5 March 2026',
      'Valid until 30 April 2026',
      'Leadflow Inc.',
      'Tax ID: US-12-3456789',
      'Acme GmbH',
      'Jana Berg',
      'Tax region: DE',
      'Platform seat (annual) PLAT-SEAT 3 1,000.00 per year for 12 months 10% -300.00 2,700.00',
      'Support SUP-1 1 19.99 per year for 12 months 19.99',
      'Subtotal USD 2,719.99',
      'Discount 5% USD -136.00',
      'Tax 19% (DE) USD 490.96',
      'Total USD 3,074.95',
      'Total contract value (TCV), excluding tax USD 2,583.99',
      'Annual contract value (ACV), excluding tax USD 2,583.99',
      'for a term of a year or less, ACV equals TCV',
      'Payment terms Net 30 days',
      'Prices exclude onboarding.',
    ])
      expect(text).toContain(shown);
  });

  it('when a quote sells a 30-month term with a one-time line, then yearly prices run for the term, the one-time price once, and the contract value excludes tax', () => {
    // 10 × 1,000.00 × 30/12 = 25,000.00 − 10% = 22,500.00; setup 500.00 once; TCV 23,000.00; ACV × 12/30 = 9,200.00
    const multiYear = quoteContent({
      termMonths: 30,
      lines: [
        quoteLine({ id: 'a', quantity: 10, unitPriceMinor: 100_000, discountBp: 1000 }),
        quoteLine({ id: 'b', sku: 'SETUP', name: 'Setup', unitPriceMinor: 50_000, billing: 'one-time' }),
      ],
    });
    const shown = visibleText(renderQuoteHtml(renderInput(multiYear)));
    for (const part of [
      'PLAT-SEAT 10 1,000.00 per year for 30 months 10% -2,500.00 22,500.00',
      'SETUP 1 500.00 one-time 500.00',
      'Tax 19% (DE) USD 4,370.00',
      'Total USD 27,370.00',
      'Total contract value (TCV), excluding tax USD 23,000.00',
      'Annual contract value (ACV), excluding tax USD 9,200.00',
      'Prices per year apply for each year of the 30-month term, a part year pro rata by month; one-time prices apply once.',
      'ACV is the value per year of the term (TCV × 12 / 30)',
      'Term 30 months',
    ])
      expect(shown).toContain(part);
  });

  it('when user text contains markup, then every piece of it is escaped', () => {
    const hostile = '<script>alert("x")</script>';
    const evil = quoteContent({
      seller: { name: `Seller ${hostile}` },
      customer: { company: hostile, contactName: '"><img src=x onerror=alert(1)>', region: 'DE' },
      lines: [quoteLine({ name: `Widget ${hostile}`, sku: "O'Brien & Sons" })],
      paymentTerms: `net <b>30</b>`,
      notes: hostile,
    });
    const rendered = renderQuoteHtml({ ...renderInput(evil), quoteNumber: '<Q>', status: '<draft>' });
    expect(rendered).not.toContain('<script');
    expect(rendered).not.toContain('<img');
    expect(rendered).not.toContain('<b>');
    expect(rendered).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(rendered).toContain('O&#39;Brien &amp; Sons');
    expect(rendered).toContain('Quote &lt;Q&gt;');
  });

  it('when there is no overall discount and no notes, then neither row is shown', () => {
    const rendered = renderQuoteHtml(renderInput(quoteContent()));
    expect(rendered).not.toContain('class="overall-discount"');
    expect(rendered).not.toContain('class="notes"');
    expect(visibleText(rendered)).toContain('Subtotal USD 1,000.00 Tax 19% (DE) USD 190.00 Total USD 1,190.00');
  });
});

describe('renderQuoteHtml in Simplified Chinese', () => {
  const content = quoteContent({
    currency: 'JPY',
    customer: { company: '北京编译器科技有限公司', contactName: '王伟', region: 'CN' },
    lines: [quoteLine({ quantity: 1200, unitPriceMinor: 15_000, discountBp: 1250 })],
    taxRatePpm: 88_750,
    termMonths: 30,
    paymentTerms: 'due-on-receipt',
  });
  const html = renderQuoteHtml({ ...renderInput(content), language: 'zh-CN' });
  const text = visibleText(html);

  it('when the quote is in zh-CN, then the page says so and every label, date and amount reads as a Chinese customer expects', () => {
    // 1,200 × 15,000 yen = 18,000,000 − 12.5% = 15,750,000 a year; × 30/12 = 39,375,000; 8.875% tax = 3,494,531 (.25 rounded)
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    for (const shown of [
      '报价单 Q-2026-0042',
      '第 3 版',
      '待审批',
      '签发日期：2026年3月5日',
      '有效期至：2026年4月30日',
      '报价方',
      '税号：US-12-3456789',
      '客户 北京编译器科技有限公司 王伟 税务地区：DE',
      '项目 数量 单价 折扣 金额（JPY）',
      'Platform seat (annual) PLAT-SEAT 1,200 15,000 每年，共 30 个月 12.5% -5,625,000 39,375,000',
      '小计 JPY 39,375,000',
      '税费 8.875%（DE） JPY 3,494,531',
      '总计 JPY 42,869,531',
      '年度合同金额（ACV），不含税 JPY 15,750,000',
      '合同总金额（TCV），不含税 JPY 39,375,000',
      'ACV 为合同期内每年的金额（TCV × 12 / 30）',
      '付款条件 见票即付',
      '报价单 Q-2026-0042，第 3 版',
    ])
      expect(text).toContain(shown);
  });
});

describe('display helpers', () => {
  it.each([
    ['2026-03-05', '5 March 2026'],
    ['2026-12-31T23:00:00Z', '31 December 2026'],
    ['soon', 'soon'],
  ])('when the date is %j, then it reads %j', (iso, shown) => {
    expect(formatQuoteDate(iso)).toBe(shown);
  });

  it.each([
    ['2026-03-05', '2026年3月5日'],
    ['2026-12-31T23:00:00Z', '2026年12月31日'],
    ['2026-13-01', '2026-13-01'],
  ])('when the date is %j in zh-CN, then it reads %j', (iso, shown) => {
    expect(formatQuoteDate(iso, 'zh-CN')).toBe(shown);
  });

  it.each([
    ['net-30', 'Net 30 days'],
    ['NET45', 'Net 45 days'],
    ['due-on-receipt', 'Due on receipt'],
    ['50% upfront', '50% upfront'],
  ])('when the terms are %j, then they read %j', (terms, shown) => {
    expect(describePaymentTerms(terms)).toBe(shown);
  });

  it.each([
    ['net-30', '30 天内付款'],
    ['due-on-receipt', '见票即付'],
    ['50% upfront', '50% upfront'],
  ])('when the terms are %j in zh-CN, then they read %j', (terms, shown) => {
    expect(describePaymentTerms(terms, 'zh-CN')).toBe(shown);
  });
});
