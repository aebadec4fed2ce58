/**
 * The quote PDF in Simplified Chinese: what a Chinese customer reads in it (Chinese words, Chinese
 * dates, their company's Chinese name), that the embedded font is a small subset whose every
 * glyph has its outline (fontkit's broken subsets drew blanks), that an English quote naming a
 * Chinese customer embeds it too, and that an all-Latin English quote is unchanged: Helvetica,
 * nothing embedded.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFDict, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { computeQuote, type QuoteContent } from '../../src/domain/quote';
import type { QuoteRenderInput } from '../../src/domain/quote-render';
import { renderQuotePdf } from '../../src/quotes/quote-pdf';
import { readerText } from './pdf-text';
import { quoteContent, quoteLine } from './support';

const COMPANY = '北京编译器科技有限公司';

function renderInput(content: QuoteContent, language: QuoteRenderInput['language']): QuoteRenderInput {
  return {
    quoteNumber: 'Q-2026-0042',
    version: 3,
    content,
    totals: computeQuote(content),
    status: 'sent',
    issuedAt: '2026-03-05T10:00:00.000Z',
    language,
  };
}

const content = quoteContent({
  customer: { company: COMPANY, contactName: '王伟', email: 'wang.wei@bianyiqi.cn', region: 'CN' },
  lines: [
    quoteLine({ quantity: 3, unitPriceMinor: 100_000, discountBp: 1000, name: '平台席位（年度）' }),
    quoteLine({ id: 'l2', sku: 'ONB-WS', name: 'Onboarding workshop', unitPriceMinor: 250_000, billing: 'one-time' }),
  ],
  overallDiscountBp: 500,
  taxRegion: 'CN',
  taxRatePpm: 60_000,
  notes: '价格含首年技术支持。',
});

/** The embedded font programs (FontFile2 streams) of a PDF, decoded. */
async function embeddedFonts(pdf: Uint8Array): Promise<{ name: string; bytes: Uint8Array }[]> {
  const loaded = await PDFDocument.load(pdf);
  return loaded.context
    .enumerateIndirectObjects()
    .flatMap(([, object]) => (object instanceof PDFDict && object.get(PDFName.of('FontFile2')) ? [object] : []))
    .map((descriptor) => {
      const stream = loaded.context.lookup(descriptor.get(PDFName.of('FontFile2')));
      if (!(stream instanceof PDFRawStream)) throw new Error('FontFile2 is not a stream');
      return { name: String(descriptor.get(PDFName.of('FontName'))), bytes: decodePDFRawStream(stream).decode() };
    });
}

describe('renderQuotePdf in Simplified Chinese', () => {
  it('when the quote is in zh-CN, then the customer reads Chinese labels, Chinese dates, Intl-formatted amounts and their Chinese company name', async () => {
    // 3 × 1,000.00 − 10% = 2,700.00, + 2,500.00 one-time = 5,200.00; − 5% = 4,940.00; 6% tax 296.40; total 5,236.40
    const [page, ...more] = await readerText(await renderQuotePdf(renderInput(content, 'zh-CN')));
    expect(more).toEqual([]);
    expect(page).toEqual(
      expect.arrayContaining([
        '报价单 Q-2026-0042',
        '第 3 版',
        '已发送',
        '签发日期：2026年3月5日',
        '有效期至：2026年4月30日',
        '报价方',
        '客户',
        COMPANY,
        '王伟',
        '税务地区：CN',
        '项目',
        '数量',
        '单价',
        '折扣',
        '金额（USD）',
        '平台席位（年度）',
        '每年，共 12 个月',
        '一次性',
        '2,700.00',
        '小计',
        'USD 5,200.00',
        '整单折扣 5%',
        '税费 6%（CN）',
        'USD 296.40',
        '总计',
        'USD 5,236.40',
        '合同金额',
        '合同总金额（TCV），不含税',
        'USD 4,940.00',
        '合同期限',
        '12 个月',
        '付款条件',
        '30 天内付款',
        'Q-2026-0042，第 3 版',
        '价格含首年技术支持。',
        '报价单 Q-2026-0042 - 第 3 版 - 第 1 页，共 1 页',
      ]),
    );
  });

  it('when the quote is in zh-CN, then Noto Sans SC is embedded as a subset of a few KB whose every glyph has its outline', async () => {
    const fonts = await embeddedFonts(await renderQuotePdf(renderInput(content, 'zh-CN')));
    expect(fonts.map((f) => f.name).sort()).toEqual([
      expect.stringMatching(/^\/NotoSansSC-Bold-\d+$/),
      expect.stringMatching(/^\/NotoSansSC-Regular-\d+$/),
    ]);
    for (const { name, bytes } of fonts) {
      expect(bytes.length, name).toBeLessThan(60_000);
      const font = fontkit.create(bytes);
      expect(font.numGlyphs, name).toBeGreaterThan(20);
      // Glyph 0 is .notdef; a glyph without outline commands would print blank. The space
      // is the only character drawn without ink.
      const blank = Array.from({ length: font.numGlyphs - 1 }, (_, i) => i + 1).filter(
        (id) => font.getGlyph(id).path.toSVG() === '',
      );
      expect(blank.length, `${name}: glyphs without outline ${blank.join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('when the same zh-CN version is rendered twice, then the bytes are identical', async () => {
    expect(await renderQuotePdf(renderInput(content, 'zh-CN'))).toEqual(
      await renderQuotePdf(renderInput(content, 'zh-CN')),
    );
  });

  it('when the quote is in English but names a Chinese customer, then Noto Sans SC draws it (English labels, the Chinese name readable)', async () => {
    const pdf = await renderQuotePdf(renderInput(content, 'en'));
    expect((await embeddedFonts(pdf)).map((f) => f.name).sort()).toEqual([
      expect.stringMatching(/^\/NotoSansSC-Bold-\d+$/),
      expect.stringMatching(/^\/NotoSansSC-Regular-\d+$/),
    ]);
    const [page] = await readerText(pdf);
    expect(page).toEqual(expect.arrayContaining(['Quote Q-2026-0042', 'Version 3', 'SENT', 'USD 5,236.40', COMPANY]));
  });

  it('when an English quote has only Latin text, then it is drawn in Helvetica with nothing embedded, as before', async () => {
    const latin = quoteContent({ customer: { company: 'Acme GmbH', region: 'DE' } });
    const pdf = await renderQuotePdf(renderInput(latin, 'en'));
    expect(await embeddedFonts(pdf)).toEqual([]);
    expect(pdf.length).toBeLessThan(10_000);
  });
});
