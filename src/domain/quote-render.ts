/**
 * A quote version as the customer reads it: {@link quoteDocument} turns content and totals into
 * display text (one wording for every format) in the customer's language (English or Simplified
 * Chinese, words in ./quote-words.ts), and {@link renderQuoteHtml} lays that out as a printable,
 * self-contained HTML page. The PDF (src/quotes/quote-pdf.ts) lays out the same text.
 * Pure: every date and amount is passed in.
 */
import { escapeHtml } from './email-template';
import { DEFAULT_LANGUAGE, type Language } from './languages';
import { contractValueOf, termMonthsOf, type QuoteContent, type QuoteTotals } from './quote';
import { QUOTE_WORDS, quoteFormats } from './quote-words';

/** What a rendered quote shows besides its content. */
export interface QuoteRenderInput {
  quoteNumber: string;
  version: number;
  content: QuoteContent;
  totals: QuoteTotals;
  /** The version's lifecycle status, shown as a label ("draft", "pending-approval", "sent", …). */
  status: string;
  /** When this version was issued, as an ISO date or instant; its date part is shown. */
  issuedAt: string;
  /** The customer's language (src/quotes/quote-language.ts); English when absent. */
  language?: Language;
}

/** The file name of a version's PDF, as downloads and emails name it: "Q-2026-0007-v2.pdf". */
export function quotePdfFileName(quoteNumber: string, version: number): string {
  return `${quoteNumber}-v${version}.pdf`;
}

/** One line of the line table, as display text; amounts without the currency code. */
export interface QuoteDocumentLine {
  position: number;
  name: string;
  sku: string;
  quantity: string;
  unitPrice: string;
  /** How the unit price is charged: "per year for 24 months", or "one-time". */
  billing: string;
  /** "10%", or "" without a discount. */
  discountRate: string;
  /** The discount taken off, "-120.00", or "" without a discount. */
  discountAmount: string;
  net: string;
}

/** A row of the totals block: "Tax 20% (GB)" and "GBP 1,234.50". */
export interface QuoteDocumentTotal {
  label: string;
  amount: string;
  kind: 'subtotal' | 'overall-discount' | 'tax' | 'total';
}

/** The words around the content, in the document's language, for the layouts to place. */
export interface QuoteDocumentLabels {
  /** "Issued 5 March 2026" */
  issued: string;
  /** "Valid until 30 April 2026" */
  validUntil: string;
  from: string;
  preparedFor: string;
  columns: { item: string; quantity: string; unitPrice: string; discount: string; amount: string };
  contractValue: string;
  terms: string;
  term: string;
  paymentTerms: string;
  /** "Valid until", as a label in the terms block. */
  validUntilTerm: string;
  quote: string;
  /** "Q-2026-0007, version 2" */
  quoteReference: string;
  /** The footer of page `page` of `pages`. */
  page: (page: number, pages: number) => string;
}

/** The text of a rendered quote, not yet escaped or laid out. */
export interface QuoteDocument {
  language: Language;
  title: string;
  quoteNumber: string;
  version: string;
  status: string;
  issuedOn: string;
  validUntil: string;
  currency: string;
  /** Name first, then address lines and tax id. */
  seller: string[];
  /** Company first, then contact, email, address lines and tax region. */
  customer: string[];
  lines: QuoteDocumentLine[];
  totals: QuoteDocumentTotal[];
  paymentTerms: string;
  /** "12 months" */
  term: string;
  contractValue: QuoteDocumentContractValue;
  notes: string | null;
  labels: QuoteDocumentLabels;
}

/** What the contract is worth excluding tax, and the rule that made the figures. */
export interface QuoteDocumentContractValue {
  rows: { label: string; amount: string }[];
  /** How per-year prices meet the term, and what TCV and ACV are. */
  rule: string;
}

/** "2026-03-05" or "2026-03-05T10:00:00Z" → "5 March 2026" (en) / "2026年3月5日" (zh-CN); anything else as given. */
export function formatQuoteDate(iso: string, language: Language = DEFAULT_LANGUAGE): string {
  return quoteFormats(language).date(iso);
}

/** "net-30" → "Net 30 days" / "30 天内付款", "due-on-receipt" → "Due on receipt" / "见票即付"; other terms as written. */
export function describePaymentTerms(terms: string, language: Language = DEFAULT_LANGUAGE): string {
  const words = QUOTE_WORDS[language];
  const net = /^net[- ]?(\d+)$/i.exec(terms.trim());
  if (net) return words.netDays(net[1]!);
  if (/^due[- ]on[- ]receipt$/i.test(terms.trim())) return words.dueOnReceipt;
  return terms;
}

const nonBlank = (values: (string | undefined)[]): string[] =>
  values
    .flatMap((v) => (v === undefined ? [] : v.split(/\r?\n/)))
    .map((v) => v.trim())
    .filter(Boolean);

/** The display text of a quote version, in `input.language` (English by default). */
export function quoteDocument(input: QuoteRenderInput): QuoteDocument {
  const { content, totals } = input;
  const { currency, seller, customer } = content;
  const language = input.language ?? DEFAULT_LANGUAGE;
  const words = QUOTE_WORDS[language];
  const format = quoteFormats(language);
  const termMonths = termMonthsOf(content);
  const lines = content.lines.map((line, i): QuoteDocumentLine => {
    const amounts = totals.lines.find((t) => t.lineId === line.id);
    const discountMinor = amounts?.discountMinor ?? 0;
    return {
      position: i + 1,
      name: line.name,
      sku: line.sku,
      quantity: format.quantity(line.quantity),
      unitPrice: format.amount(line.unitPriceMinor, currency),
      billing: line.billing === 'one-time' ? words.billing.oneTime : words.billing.yearly(termMonths),
      discountRate: line.discountBp === 0 ? '' : format.basisPoints(line.discountBp),
      discountAmount: line.discountBp === 0 ? '' : format.amount(-discountMinor, currency),
      net: format.amount(amounts?.netMinor ?? 0, currency),
    };
  });
  const rows: QuoteDocumentTotal[] = [
    { kind: 'subtotal', label: words.subtotal, amount: format.money(totals.subtotalMinor, currency) },
  ];
  if (content.overallDiscountBp !== 0) {
    rows.push({
      kind: 'overall-discount',
      label: words.overallDiscount(format.basisPoints(content.overallDiscountBp)),
      amount: format.money(-totals.overallDiscountMinor, currency),
    });
  }
  rows.push({
    kind: 'tax',
    label: words.tax(format.partsPerMillion(content.taxRatePpm), content.taxRegion),
    amount: format.money(totals.taxMinor, currency),
  });
  rows.push({ kind: 'total', label: words.total, amount: format.money(totals.totalMinor, currency) });
  const value = contractValueOf(content, totals);
  const validUntil = format.date(content.validUntil);
  return {
    language,
    title: words.title(input.quoteNumber),
    quoteNumber: input.quoteNumber,
    version: words.version(input.version),
    status: words.status(input.status),
    issuedOn: format.date(input.issuedAt),
    validUntil,
    currency,
    seller: nonBlank([seller.name, seller.address, seller.taxId === undefined ? undefined : words.taxId(seller.taxId)]),
    customer: nonBlank([
      customer.company,
      customer.contactName,
      customer.email,
      customer.address,
      words.taxRegion(content.taxRegion),
    ]),
    lines,
    totals: rows,
    paymentTerms: describePaymentTerms(content.paymentTerms, language),
    term: words.termLength(termMonths),
    contractValue: {
      rows: [
        { label: words.tcv, amount: format.money(value.tcvMinor, currency) },
        { label: words.acv, amount: format.money(value.acvMinor, currency) },
      ],
      rule: words.contractValueRule(value.termMonths),
    },
    notes: content.notes?.trim() ? content.notes.trim() : null,
    labels: {
      issued: words.issued(format.date(input.issuedAt)),
      validUntil: words.validUntil(validUntil),
      from: words.from,
      preparedFor: words.preparedFor,
      columns: { ...words.columns, amount: words.columns.amount(currency) },
      contractValue: words.contractValue,
      terms: words.terms,
      term: words.term,
      paymentTerms: words.paymentTerms,
      validUntilTerm: words.validUntilLabel,
      quote: words.quote,
      quoteReference: words.quoteReference(input.quoteNumber, input.version),
      page: (page, pages) => words.page(words.title(input.quoteNumber), words.version(input.version), page, pages),
    },
  };
}

const STYLE = `
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0; font: 10pt/1.45 "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1d2430; }
.page { max-width: 178mm; margin: 0 auto; }
header { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 2px solid #1d2430; padding-bottom: 4mm; }
h1 { font-size: 20pt; margin: 0; letter-spacing: 0.02em; }
.meta { text-align: right; }
.meta div { white-space: nowrap; }
.status { display: inline-block; padding: 0.5mm 2.5mm; border: 1px solid #1d2430; border-radius: 2mm; font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.05em; }
.parties { display: flex; gap: 10mm; margin: 6mm 0; }
.parties section { flex: 1; }
h2 { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.08em; color: #5b6575; margin: 0 0 1.5mm; }
.parties p { margin: 0; }
.parties p:first-of-type { font-weight: bold; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
th { text-align: left; font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.05em; color: #5b6575; border-bottom: 1px solid #1d2430; padding: 1.5mm 1.5mm; }
td { border-bottom: 1px solid #d8dce3; padding: 1.8mm 1.5mm; vertical-align: top; }
tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.sub { color: #5b6575; font-size: 8.5pt; }
.totals { width: 45%; margin: 5mm 0 0 auto; break-inside: avoid; page-break-inside: avoid; }
.totals td { border-bottom: none; padding: 1mm 1.5mm; }
.totals tr.total td { border-top: 2px solid #1d2430; font-weight: bold; font-size: 12pt; padding-top: 2mm; }
.terms { margin-top: 8mm; break-inside: avoid; page-break-inside: avoid; }
.terms dl { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; margin: 0; }
.terms dt { font-weight: bold; }
.terms dd { margin: 0; }
.notes { white-space: pre-wrap; margin-top: 4mm; }
.contract-value { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
.contract-value table td { border-bottom: none; padding: 1mm 1.5mm; }
.contract-value p { margin: 1.5mm 0 0; }
`.trim();

/**
 * The text of the quote page's one `<style>` element, exactly. The API's Content-Security-Policy
 * allows that stylesheet by its hash (src/api/abuse/security-headers.ts), so any change here
 * stays allowed, and no other inline style is.
 */
export const QUOTE_STYLESHEET = `\n${STYLE}\n`;

/**
 * A complete, printable HTML document for a quote version: inline CSS with A4 page rules, no
 * external resources, every piece of user text escaped.
 */
export function renderQuoteHtml(input: QuoteRenderInput): string {
  const doc = quoteDocument(input);
  const { labels } = doc;
  const { columns } = labels;
  const e = escapeHtml;
  const paragraphs = (lines: string[]) => lines.map((line) => `<p>${e(line)}</p>`).join('');
  const lineRows = doc.lines
    .map(
      (line) =>
        `<tr><td class="num">${line.position}</td><td>${e(line.name)}<div class="sub">${e(line.sku)}</div></td>` +
        `<td class="num">${e(line.quantity)}</td><td class="num">${e(line.unitPrice)}<div class="sub">${e(line.billing)}</div></td><td class="num">${e(line.discountRate)}<div class="sub">${e(line.discountAmount)}</div></td><td class="num">${e(line.net)}</td></tr>`,
    )
    .join('\n');
  const contractRows = doc.contractValue.rows
    .map((row) => `<tr><td>${e(row.label)}</td><td class="num">${e(row.amount)}</td></tr>`)
    .join('\n');
  const totalRows = doc.totals
    .map((row) => `<tr class="${row.kind}"><td>${e(row.label)}</td><td class="num">${e(row.amount)}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${e(doc.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(doc.title)} (${e(doc.version)})</title>
<style>${QUOTE_STYLESHEET}</style>
</head>
<body>
<div class="page">
<header>
<div><h1>${e(doc.title)}</h1><div>${e(doc.version)}</div></div>
<div class="meta"><div><span class="status">${e(doc.status)}</span></div><div>${e(labels.issued)}</div><div>${e(labels.validUntil)}</div></div>
</header>
<div class="parties">
<section><h2>${e(labels.from)}</h2>${paragraphs(doc.seller)}</section>
<section><h2>${e(labels.preparedFor)}</h2>${paragraphs(doc.customer)}</section>
</div>
<table class="lines">
<thead><tr><th class="num">#</th><th>${e(columns.item)}</th><th class="num">${e(columns.quantity)}</th><th class="num">${e(columns.unitPrice)}</th><th class="num">${e(columns.discount)}</th><th class="num">${e(columns.amount)}</th></tr></thead>
<tbody>
${lineRows}
</tbody>
</table>
<table class="totals">
<tbody>
${totalRows}
</tbody>
</table>
<section class="contract-value">
<h2>${e(labels.contractValue)}</h2>
<table><tbody>
${contractRows}
</tbody></table>
<p class="sub">${e(doc.contractValue.rule)}</p>
</section>
<section class="terms">
<h2>${e(labels.terms)}</h2>
<dl><dt>${e(labels.term)}</dt><dd>${e(doc.term)}</dd><dt>${e(labels.paymentTerms)}</dt><dd>${e(doc.paymentTerms)}</dd><dt>${e(labels.validUntilTerm)}</dt><dd>${e(doc.validUntil)}</dd><dt>${e(labels.quote)}</dt><dd>${e(labels.quoteReference)}</dd></dl>
${doc.notes === null ? '' : `<div class="notes">${e(doc.notes)}</div>`}
</section>
</div>
</body>
</html>
`;
}
