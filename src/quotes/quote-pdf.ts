/**
 * A quote version as a PDF: the same text as the HTML page (quoteDocument), in the customer's
 * language, laid out on A4. English is drawn in pdf-lib's standard Helvetica, so nothing is
 * embedded; Simplified Chinese, and English text with characters Helvetica lacks (a Chinese
 * company name), in an embedded subset of Noto Sans SC (./quote-fonts.ts). The
 * bytes depend only on the input (creation date = issuedAt), so the same version always renders
 * the same file.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import {
  quoteDocument,
  type QuoteDocument,
  type QuoteDocumentLine,
  type QuoteRenderInput,
} from '../domain/quote-render';
import { cjkFontBytes, quoteFontkit } from './quote-fonts';

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const RIGHT = PAGE[0] - MARGIN;
const BOTTOM = 60;
const INK = rgb(0.11, 0.14, 0.19);
const MUTED = rgb(0.36, 0.4, 0.46);
const RULE = rgb(0.85, 0.86, 0.89);
const SIZE = 9.5;
const SMALL = 8;
const LEADING = 12.5;

/** Right edges of the numeric columns, and the item column's span. */
const COLUMNS = {
  position: MARGIN,
  itemX: MARGIN + 20,
  itemWidth: 210,
  quantity: 330,
  unitPrice: 405,
  discount: 470,
  net: RIGHT,
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Where the next line goes; pages are added as the cursor runs out of room. */
interface Cursor {
  pdf: PDFDocument;
  page: PDFPage;
  y: number;
  fonts: Fonts;
  charset: ReadonlySet<number>;
}

/** Renders a quote version to PDF bytes (starting with `%PDF-`). */
export async function renderQuotePdf(input: QuoteRenderInput): Promise<Uint8Array> {
  const doc = quoteDocument(input);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(pdf, (await helveticaDraws(doc)) ? 'latin' : 'cjk');
  const issued = new Date(input.issuedAt);
  pdf.setTitle(`${doc.title} (${doc.version})`);
  pdf.setSubject(doc.customer[0] ?? '');
  pdf.setCreator('leadflow');
  pdf.setProducer('leadflow (pdf-lib)');
  if (!Number.isNaN(issued.getTime())) {
    pdf.setCreationDate(issued);
    pdf.setModificationDate(issued);
  }
  const cursor: Cursor = {
    pdf,
    page: pdf.addPage(PAGE),
    y: PAGE[1] - MARGIN,
    fonts,
    charset: new Set(fonts.regular.getCharacterSet()),
  };
  drawHeader(cursor, doc);
  drawLineTable(cursor, doc);
  drawTotals(cursor, doc);
  drawContractValue(cursor, doc);
  drawTerms(cursor, doc);
  drawFooters(pdf, fonts.regular, cursor.charset, doc);
  return pdf.save({ useObjectStreams: false });
}

/**
 * Helvetica for a document it can draw (English with Latin names), so nothing is embedded; else
 * Noto Sans SC, embedded as a subset of the glyphs drawn: Chinese, and an English quote that names
 * a Chinese customer or product (Noto has Latin too).
 */
async function embedFonts(pdf: PDFDocument, script: 'latin' | 'cjk'): Promise<Fonts> {
  if (script === 'latin')
    return {
      regular: await pdf.embedFont(StandardFonts.Helvetica),
      bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    };
  pdf.registerFontkit(quoteFontkit);
  const [regular, bold] = await Promise.all([cjkFontBytes('regular'), cjkFontBytes('bold')]);
  return {
    regular: await pdf.embedFont(regular, { subset: true }),
    bold: await pdf.embedFont(bold, { subset: true }),
  };
}

/** Helvetica's characters (WinAnsi), read once from a scratch document so nothing is embedded here. */
let helvetica: Promise<ReadonlySet<number>> | undefined;

/** Whether the document is English and Helvetica has every character of its text. */
async function helveticaDraws(doc: QuoteDocument): Promise<boolean> {
  if (doc.language !== 'en') return false;
  helvetica ??= PDFDocument.create()
    .then((scratch) => scratch.embedFont(StandardFonts.Helvetica))
    .then((font) => new Set(font.getCharacterSet()));
  const charset = await helvetica;
  return [...JSON.stringify(doc).normalize('NFC')].every((c) => /\s/.test(c) || charset.has(c.codePointAt(0) ?? 0));
}

/**
 * Text the fonts can draw: Helvetica covers WinAnsi (Latin-1 plus a few), Noto Sans SC Chinese and
 * Latin; anything else (an emoji) becomes "?" rather than failing the whole document.
 */
function printable(charset: ReadonlySet<number>, text: string): string {
  return [...text.normalize('NFC').replace(/\s+/g, ' ')]
    .map((c) => (charset.has(c.codePointAt(0) ?? 0) ? c : '?'))
    .join('');
}

function text(
  cursor: Cursor,
  value: string,
  x: number,
  options: { size?: number; bold?: boolean; color?: typeof INK; align?: 'left' | 'right' } = {},
): void {
  const font = options.bold ? cursor.fonts.bold : cursor.fonts.regular;
  const size = options.size ?? SIZE;
  const safe = printable(cursor.charset, value);
  const left = options.align === 'right' ? x - font.widthOfTextAtSize(safe, size) : x;
  cursor.page.drawText(safe, { x: left, y: cursor.y, size, font, color: options.color ?? INK });
}

/** Breaks text into lines no wider than `width`, on spaces where possible. */
function wrap(cursor: Cursor, value: string, width: number, size = SIZE, font = cursor.fonts.regular): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of printable(cursor.charset, value).split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width || !current) current = candidate;
    else {
      lines.push(current);
      current = word;
    }
    while (font.widthOfTextAtSize(current, size) > width && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(current.slice(0, cut), size) > width) cut--;
      lines.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  return current ? [...lines, current] : lines;
}

/** Starts a new page when fewer than `height` points are left above the bottom margin. */
function ensureRoom(cursor: Cursor, height: number, onNewPage?: () => void): void {
  if (cursor.y - height >= BOTTOM) return;
  cursor.page = cursor.pdf.addPage(PAGE);
  cursor.y = PAGE[1] - MARGIN;
  onNewPage?.();
}

function rule(cursor: Cursor, thickness: number, color = INK): void {
  cursor.page.drawLine({ start: { x: MARGIN, y: cursor.y }, end: { x: RIGHT, y: cursor.y }, thickness, color });
}

function drawHeader(cursor: Cursor, doc: QuoteDocument): void {
  const top = cursor.y;
  cursor.y = top - 18;
  text(cursor, doc.title, MARGIN, { size: 20, bold: true });
  cursor.y -= 16;
  text(cursor, doc.version, MARGIN);
  cursor.y = top - 10;
  for (const [i, line] of [doc.status.toUpperCase(), doc.labels.issued, doc.labels.validUntil].entries()) {
    text(cursor, line, RIGHT, { align: 'right', bold: i === 0 });
    cursor.y -= LEADING;
  }
  cursor.y = top - 52;
  rule(cursor, 1.5);
  cursor.y -= 22;
  const partiesTop = cursor.y;
  const column = (x: number, heading: string, lines: string[]): number => {
    cursor.y = partiesTop;
    text(cursor, heading.toUpperCase(), x, { size: SMALL, color: MUTED });
    cursor.y -= LEADING + 2;
    for (const [i, line] of lines.entries()) {
      for (const part of wrap(cursor, line, 230, SIZE, i === 0 ? cursor.fonts.bold : cursor.fonts.regular)) {
        text(cursor, part, x, { bold: i === 0 });
        cursor.y -= LEADING;
      }
    }
    return cursor.y;
  };
  const { from, preparedFor } = doc.labels;
  cursor.y = Math.min(column(MARGIN, from, doc.seller), column(PAGE[0] / 2 + 10, preparedFor, doc.customer)) - 18;
}

function drawTableHeader(cursor: Cursor, columns: QuoteDocument['labels']['columns']): void {
  const heading = { size: SMALL, color: MUTED, align: 'right' } as const;
  text(cursor, '#', COLUMNS.position, { ...heading, align: 'left' });
  text(cursor, columns.item.toUpperCase(), COLUMNS.itemX, { ...heading, align: 'left' });
  text(cursor, columns.quantity.toUpperCase(), COLUMNS.quantity, heading);
  text(cursor, columns.unitPrice.toUpperCase(), COLUMNS.unitPrice, heading);
  text(cursor, columns.discount.toUpperCase(), COLUMNS.discount, heading);
  text(cursor, columns.amount.toUpperCase(), COLUMNS.net, heading);
  cursor.y -= 5;
  rule(cursor, 1);
  cursor.y -= LEADING;
}

function drawLineTable(cursor: Cursor, doc: QuoteDocument): void {
  drawTableHeader(cursor, doc.labels.columns);
  for (const line of doc.lines) drawLine(cursor, line, doc.labels.columns);
}

function drawLine(cursor: Cursor, line: QuoteDocumentLine, columns: QuoteDocument['labels']['columns']): void {
  const name = wrap(cursor, line.name, COLUMNS.itemWidth);
  const sku = wrap(cursor, line.sku, COLUMNS.itemWidth, SMALL);
  // The unit price has its billing ("per year for 24 months") under it, so a line takes two rows at least.
  const height = Math.max(name.length + sku.length, 2) * LEADING + 4;
  ensureRoom(cursor, height, () => drawTableHeader(cursor, columns));
  const top = cursor.y;
  text(cursor, String(line.position), COLUMNS.position);
  text(cursor, line.quantity, COLUMNS.quantity, { align: 'right' });
  text(cursor, line.unitPrice, COLUMNS.unitPrice, { align: 'right' });
  text(cursor, line.net, COLUMNS.net, { align: 'right' });
  if (line.discountRate) text(cursor, line.discountRate, COLUMNS.discount, { align: 'right' });
  cursor.y -= LEADING;
  text(cursor, line.billing, COLUMNS.unitPrice, { align: 'right', size: SMALL, color: MUTED });
  if (line.discountRate)
    text(cursor, line.discountAmount, COLUMNS.discount, { align: 'right', size: SMALL, color: MUTED });
  cursor.y = top;
  for (const part of name) {
    text(cursor, part, COLUMNS.itemX);
    cursor.y -= LEADING;
  }
  for (const part of sku) {
    text(cursor, part, COLUMNS.itemX, { size: SMALL, color: MUTED });
    cursor.y -= LEADING;
  }
  cursor.y = top - height + LEADING - 4;
  rule(cursor, 0.5, RULE);
  cursor.y -= LEADING;
}

function drawTotals(cursor: Cursor, doc: QuoteDocument): void {
  ensureRoom(cursor, doc.totals.length * (LEADING + 4) + 20);
  cursor.y -= 4;
  for (const row of doc.totals) {
    const isTotal = row.kind === 'total';
    if (isTotal) {
      cursor.y -= 4;
      cursor.page.drawLine({
        start: { x: 330, y: cursor.y + LEADING },
        end: { x: RIGHT, y: cursor.y + LEADING },
        thickness: 1.5,
        color: INK,
      });
    }
    const style = { bold: isTotal, size: isTotal ? 12 : SIZE };
    text(cursor, row.label, 335, style);
    text(cursor, row.amount, RIGHT, { ...style, align: 'right' });
    cursor.y -= LEADING + 4;
  }
}

function drawContractValue(cursor: Cursor, doc: QuoteDocument): void {
  const { rows, rule: explanation } = doc.contractValue;
  const lines = wrap(cursor, explanation, RIGHT - MARGIN, SMALL);
  cursor.y -= 14;
  ensureRoom(cursor, (rows.length + lines.length + 2) * LEADING);
  text(cursor, doc.labels.contractValue.toUpperCase(), MARGIN, { size: SMALL, color: MUTED });
  cursor.y -= LEADING + 2;
  for (const row of rows) {
    text(cursor, row.label, MARGIN, { bold: true });
    text(cursor, row.amount, RIGHT, { align: 'right', bold: true });
    cursor.y -= LEADING;
  }
  for (const part of lines) {
    text(cursor, part, MARGIN, { size: SMALL, color: MUTED });
    cursor.y -= LEADING - 2;
  }
}

function drawTerms(cursor: Cursor, doc: QuoteDocument): void {
  cursor.y -= 18;
  ensureRoom(cursor, 4 * LEADING);
  const { labels } = doc;
  text(cursor, labels.terms.toUpperCase(), MARGIN, { size: SMALL, color: MUTED });
  cursor.y -= LEADING + 2;
  for (const [label, value] of [
    [labels.term, doc.term],
    [labels.paymentTerms, doc.paymentTerms],
    [labels.validUntilTerm, doc.validUntil],
    [labels.quote, labels.quoteReference],
  ] as const) {
    text(cursor, label, MARGIN, { bold: true });
    text(cursor, value, MARGIN + 90);
    cursor.y -= LEADING;
  }
  if (doc.notes === null) return;
  cursor.y -= 6;
  for (const paragraph of doc.notes.split(/\r?\n/)) {
    for (const part of paragraph.trim() ? wrap(cursor, paragraph, RIGHT - MARGIN) : ['']) {
      ensureRoom(cursor, LEADING);
      text(cursor, part, MARGIN);
      cursor.y -= LEADING;
    }
  }
}

function drawFooters(pdf: PDFDocument, font: PDFFont, charset: ReadonlySet<number>, doc: QuoteDocument): void {
  const pages = pdf.getPages();
  for (const [i, page] of pages.entries()) {
    const footer = printable(charset, doc.labels.page(i + 1, pages.length));
    page.drawText(footer, {
      x: (PAGE[0] - font.widthOfTextAtSize(footer, SMALL)) / 2,
      y: 30,
      size: SMALL,
      font,
      color: MUTED,
    });
  }
}
