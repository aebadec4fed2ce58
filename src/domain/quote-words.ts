/**
 * The words of a quote document (HTML page and PDF) in each language leadflow writes to customers,
 * and the `Intl` formats its numbers, amounts and dates use. One catalogue per language with the
 * same keys, so the compiler refuses a language with a missing word. Pure: safe anywhere.
 */
import type { Language } from './languages';
import { currencyExponent } from './money';

export interface QuoteWords {
  /** The BCP 47 locale `Intl` formats with. English keeps the day-month-year dates it always had. */
  locale: string;
  title: (quoteNumber: string) => string;
  version: (version: number) => string;
  /** "Quote Q-2026-0007 (version 2)": the document's title at the e-signature provider (its envelope). */
  envelopeTitle: (quoteNumber: string, version: number) => string;
  /** "Quote Q-2026-0007, version 2" in the terms block. */
  quoteReference: (quoteNumber: string, version: number) => string;
  status: (status: string) => string;
  issued: (date: string) => string;
  validUntil: (date: string) => string;
  /** "Valid until", as the label of the date in the terms block. */
  validUntilLabel: string;
  from: string;
  preparedFor: string;
  taxId: (taxId: string) => string;
  taxRegion: (region: string) => string;
  columns: {
    item: string;
    quantity: string;
    unitPrice: string;
    discount: string;
    amount: (currency: string) => string;
  };
  billing: { oneTime: string; yearly: (termMonths: number) => string };
  subtotal: string;
  overallDiscount: (rate: string) => string;
  tax: (rate: string, region: string) => string;
  total: string;
  contractValue: string;
  tcv: string;
  acv: string;
  contractValueRule: (termMonths: number) => string;
  terms: string;
  term: string;
  termLength: (months: number) => string;
  paymentTerms: string;
  quote: string;
  netDays: (days: string) => string;
  dueOnReceipt: string;
  page: (title: string, version: string, page: number, pages: number) => string;
}

/** Lifecycle statuses with a word of their own in Chinese; any other status is shown as stored. */
const ZH_STATUS: Record<string, string> = {
  draft: '草稿',
  'pending-approval': '待审批',
  approved: '已批准',
  rejected: '已拒绝',
  sent: '已发送',
  signed: '已签署',
  expired: '已过期',
  superseded: '已被取代',
  withdrawn: '已撤回',
};

function englishStatus(status: string): string {
  const words = status.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const QUOTE_WORDS: Record<Language, QuoteWords> = {
  en: {
    locale: 'en-GB',
    title: (n) => `Quote ${n}`,
    version: (v) => `Version ${v}`,
    envelopeTitle: (n, v) => `Quote ${n} (version ${v})`,
    quoteReference: (n, v) => `${n}, version ${v}`,
    status: englishStatus,
    issued: (d) => `Issued ${d}`,
    validUntil: (d) => `Valid until ${d}`,
    validUntilLabel: 'Valid until',
    from: 'From',
    preparedFor: 'Prepared for',
    taxId: (id) => `Tax ID: ${id}`,
    taxRegion: (r) => `Tax region: ${r}`,
    columns: {
      item: 'Item',
      quantity: 'Qty',
      unitPrice: 'Unit price',
      discount: 'Discount',
      amount: (c) => `Amount (${c})`,
    },
    billing: { oneTime: 'one-time', yearly: (m) => `per year for ${m} months` },
    subtotal: 'Subtotal',
    overallDiscount: (rate) => `Discount ${rate}`,
    tax: (rate, region) => `Tax ${rate} (${region})`,
    total: 'Total',
    contractValue: 'Contract value',
    tcv: 'Total contract value (TCV), excluding tax',
    acv: 'Annual contract value (ACV), excluding tax',
    contractValueRule: (term) =>
      `Prices per year apply for each year of the ${term}-month term, a part year pro rata by month; ` +
      `one-time prices apply once. TCV is the total over the term after discounts; ${
        term > 12
          ? `ACV is the value per year of the term (TCV × 12 / ${term})`
          : 'for a term of a year or less, ACV equals TCV'
      }.`,
    terms: 'Terms',
    term: 'Term',
    termLength: (m) => `${m} months`,
    paymentTerms: 'Payment terms',
    quote: 'Quote',
    netDays: (d) => `Net ${d} days`,
    dueOnReceipt: 'Due on receipt',
    page: (title, version, page, pages) => `${title} - ${version} - Page ${page} of ${pages}`,
  },
  'zh-CN': {
    locale: 'zh-CN',
    title: (n) => `报价单 ${n}`,
    version: (v) => `第 ${v} 版`,
    envelopeTitle: (n, v) => `报价单 ${n}（第 ${v} 版）`,
    quoteReference: (n, v) => `${n}，第 ${v} 版`,
    status: (s) => ZH_STATUS[s] ?? s,
    issued: (d) => `签发日期：${d}`,
    validUntil: (d) => `有效期至：${d}`,
    validUntilLabel: '有效期至',
    from: '报价方',
    preparedFor: '客户',
    taxId: (id) => `税号：${id}`,
    taxRegion: (r) => `税务地区：${r}`,
    columns: { item: '项目', quantity: '数量', unitPrice: '单价', discount: '折扣', amount: (c) => `金额（${c}）` },
    billing: { oneTime: '一次性', yearly: (m) => `每年，共 ${m} 个月` },
    subtotal: '小计',
    overallDiscount: (rate) => `整单折扣 ${rate}`,
    tax: (rate, region) => `税费 ${rate}（${region}）`,
    total: '总计',
    contractValue: '合同金额',
    tcv: '合同总金额（TCV），不含税',
    acv: '年度合同金额（ACV），不含税',
    contractValueRule: (term) =>
      `年度价格适用于 ${term} 个月合同期内的每一年，不足一年的部分按月折算；一次性价格只收取一次。` +
      `TCV 为合同期内扣除折扣后的总金额；${
        term > 12 ? `ACV 为合同期内每年的金额（TCV × 12 / ${term}）` : '合同期不超过一年时，ACV 等于 TCV'
      }。`,
    terms: '条款',
    term: '合同期限',
    termLength: (m) => `${m} 个月`,
    paymentTerms: '付款条件',
    quote: '报价单',
    netDays: (d) => `${d} 天内付款`,
    dueOnReceipt: '见票即付',
    page: (title, version, page, pages) => `${title} - ${version} - 第 ${page} 页，共 ${pages} 页`,
  },
};

/** An integer as a decimal string with `exponent` digits after the point, exactly: (-12345, 2) → "-123.45". */
function decimal(value: number, exponent: number): Intl.StringNumericLiteral {
  const digits = Math.abs(value)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  return `${value < 0 ? '-' : ''}${whole}${exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : ''}` as Intl.StringNumericLiteral;
}

/**
 * The `Intl` formats of one language. Amounts are formatted from exact decimal strings (never
 * divided as floats), with the currency's own number of decimals; money carries the ISO code in
 * front ("USD 1,234.50"), which keeps CAD, AUD and USD apart in every language.
 */
export function quoteFormats(language: Language) {
  const { locale } = QUOTE_WORDS[language];
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 4 });
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const amount = (minor: number, currency: string): string => {
    const exponent = currencyExponent(currency);
    return new Intl.NumberFormat(locale, { minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
      decimal(minor, exponent),
    );
  };
  return {
    quantity: (value: number) => integer.format(value),
    amount,
    money: (minor: number, currency: string) => `${currency} ${amount(minor, currency)}`,
    /** Basis points as a percentage: 1250 → "12.5%". */
    basisPoints: (bp: number) => percent.format(decimal(bp, 4)),
    /** Parts per million as a percentage: 88 750 → "8.875%". */
    partsPerMillion: (ppm: number) => percent.format(decimal(ppm, 6)),
    /** "2026-03-05" (or an instant) → "5 March 2026" / "2026年3月5日"; anything else as given. */
    date: (iso: string) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
      const month = Number(match?.[2]);
      if (!match || month < 1 || month > 12) return iso;
      return date.format(Date.UTC(Number(match[1]), month - 1, Number(match[3])));
    },
  };
}
