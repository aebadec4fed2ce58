/**
 * What changed between two versions of a quote: lines added, removed and changed (matched by
 * their stable id), header fields, and the totals before and after. Pure: the approver's and the
 * customer's "what is different from v2?".
 */
import { computeQuote, type QuoteContent, type QuoteLine, type QuoteTotals } from './quote';
import { subtractMinor } from './money';

/** A field's value before and after; `null` where the field was absent. */
export interface FieldChange<Field extends string = string> {
  field: Field;
  before: string | number | null;
  after: string | number | null;
}

export const DIFFED_LINE_FIELDS = [
  'sku',
  'name',
  'quantity',
  'unitPriceMinor',
  'listUnitPriceMinor',
  'discountBp',
  'billing',
] as const satisfies readonly (keyof QuoteLine)[];
export type DiffedLineField = (typeof DIFFED_LINE_FIELDS)[number];

/** Header fields compared, as dotted paths into QuoteContent. */
export const DIFFED_HEADER_FIELDS = [
  'currency',
  'seller.name',
  'seller.address',
  'seller.taxId',
  'customer.company',
  'customer.contactName',
  'customer.email',
  'customer.address',
  'customer.region',
  'overallDiscountBp',
  'taxRatePpm',
  'taxRegion',
  'paymentTerms',
  'validUntil',
  'termMonths',
  'notes',
] as const;
export type DiffedHeaderField = (typeof DIFFED_HEADER_FIELDS)[number];

export interface LineChange {
  lineId: string;
  changes: FieldChange<DiffedLineField>[];
}

/** An amount before and after, and `after − before`. */
export interface AmountChange {
  before: number;
  after: number;
  delta: number;
}

export interface QuoteDiff {
  lines: {
    added: QuoteLine[];
    removed: QuoteLine[];
    changed: LineChange[];
    /** The lines both versions have appear in a different order. */
    reordered: boolean;
  };
  header: FieldChange<DiffedHeaderField>[];
  /** In minor units of the later version's currency; `discount` is all discounts (line and overall). */
  totals: { subtotal: AmountChange; discount: AmountChange; tax: AmountChange; total: AmountChange };
  /** Nothing a reader would see differs. */
  unchanged: boolean;
}

/** Compares quote version `before` with version `after`; totals are computed from each. */
export function diffQuoteVersions(before: QuoteContent, after: QuoteContent): QuoteDiff {
  // A line saved before billing was recorded was priced per year.
  const billed = (lines: readonly QuoteLine[]) => lines.map((line) => ({ ...line, billing: line.billing ?? 'yearly' }));
  const lines = diffLines(billed(before.lines), billed(after.lines));
  const header = DIFFED_HEADER_FIELDS.flatMap((field) => {
    const change = { field, before: headerValue(before, field), after: headerValue(after, field) };
    return change.before === change.after ? [] : [change];
  });
  const totals = diffTotals(computeQuote(before), computeQuote(after));
  const unchanged =
    header.length === 0 && !lines.reordered && lines.added.length + lines.removed.length + lines.changed.length === 0;
  return { lines, header, totals, unchanged };
}

function diffLines(before: readonly QuoteLine[], after: readonly QuoteLine[]): QuoteDiff['lines'] {
  const beforeById = new Map(before.map((line) => [line.id, line]));
  const afterIds = new Set(after.map((line) => line.id));
  const changed: LineChange[] = [];
  const added: QuoteLine[] = [];
  for (const line of after) {
    const old = beforeById.get(line.id);
    if (!old) {
      added.push(line);
      continue;
    }
    const changes = DIFFED_LINE_FIELDS.flatMap((field) =>
      old[field] === line[field] ? [] : [{ field, before: old[field] ?? null, after: line[field] ?? null }],
    );
    if (changes.length > 0) changed.push({ lineId: line.id, changes });
  }
  const common = (lines: readonly QuoteLine[], ids: ReadonlySet<string>) =>
    lines
      .filter((l) => ids.has(l.id))
      .map((l) => l.id)
      .join('\0');
  const reordered = common(before, afterIds) !== common(after, new Set(beforeById.keys()));
  return { added, removed: before.filter((line) => !afterIds.has(line.id)), changed, reordered };
}

function headerValue(content: QuoteContent, field: DiffedHeaderField): string | number | null {
  switch (field) {
    case 'currency':
      return content.currency;
    case 'seller.name':
      return content.seller.name;
    case 'seller.address':
      return content.seller.address ?? null;
    case 'seller.taxId':
      return content.seller.taxId ?? null;
    case 'customer.company':
      return content.customer.company;
    case 'customer.contactName':
      return content.customer.contactName ?? null;
    case 'customer.email':
      return content.customer.email ?? null;
    case 'customer.address':
      return content.customer.address ?? null;
    case 'customer.region':
      return content.customer.region;
    case 'overallDiscountBp':
      return content.overallDiscountBp;
    case 'taxRatePpm':
      return content.taxRatePpm;
    case 'taxRegion':
      return content.taxRegion;
    case 'paymentTerms':
      return content.paymentTerms;
    case 'validUntil':
      return content.validUntil;
    case 'termMonths':
      return content.termMonths ?? null;
    case 'notes':
      return content.notes ?? null;
  }
}

function diffTotals(before: QuoteTotals, after: QuoteTotals): QuoteDiff['totals'] {
  const change = (pick: (t: QuoteTotals) => number): AmountChange => ({
    before: pick(before),
    after: pick(after),
    delta: subtractMinor(pick(after), pick(before)),
  });
  return {
    subtotal: change((t) => t.subtotalMinor),
    discount: change((t) => t.totalDiscountMinor),
    tax: change((t) => t.taxMinor),
    total: change((t) => t.totalMinor),
  };
}
