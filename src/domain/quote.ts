/**
 * Quotes as the deal desk sees them: what a quote says (its content), what it adds up to (its
 * totals), the discount the approval matrix judges, and the business rules a quote must meet.
 * Pure: the tax rate and today's date are passed in. Amounts are minor units, discounts basis
 * points, tax rates parts per million (8.875% needs three decimals); see money.ts for the rounding rule.
 */
import {
  applyBasisPoints,
  CURRENCY_CODES,
  discountAgainstBp,
  FULL_BP,
  FULL_PPM,
  isCurrencyCode,
  MoneyError,
  mulDivRounded,
  multiplyMinor,
  subtractMinor,
  sumMinor,
  toWholeUnits,
  type CurrencyCode,
} from './money';

/** Who sells: printed at the top of the quote. */
export interface QuoteSeller {
  name: string;
  address?: string;
  taxId?: string;
}

/** Who buys. `region` is the tax region code ("US-NY", "GB", "DE") the tax rate was resolved for. */
export interface QuoteCustomer {
  company: string;
  contactName?: string;
  email?: string;
  address?: string;
  region: string;
}

/**
 * How a line's unit price is charged: `yearly` per unit for each year of the term (a part year
 * pro rata by month), `one-time` once. The product says which; the line keeps it.
 */
export type LineBilling = 'yearly' | 'one-time';
export const LINE_BILLINGS = ['yearly', 'one-time'] as const satisfies readonly LineBilling[];

/** One line of a quote. `id` is stable across versions, so versions can be compared line by line. */
export interface QuoteLine {
  id: string;
  /** The product's SKU (catalogue id). */
  sku: string;
  name: string;
  /** A positive whole number of units. */
  quantity: number;
  /** The unit price quoted: the price book's, or the one the author typed. */
  unitPriceMinor: number;
  /**
   * The price book's unit price for this product when the version was made. Discounts are
   * measured against it: a unit price below it is a discount, one above it is not.
   */
  listUnitPriceMinor: number;
  /** This line's discount, 0–10000 bp. */
  discountBp: number;
  /** Present when the unit price is below the list price: who set it. */
  priceOverride?: PriceOverride;
  /** Absent: `yearly` (lines saved before billing was recorded were priced per year). */
  billing?: LineBilling;
}

/**
 * Who set a unit price below the list price, and whether approvals.yaml `priceOverrides` let
 * their role do so without approval at the moment the version was made (then the approval
 * matrix judges the line's discounts against the price they set, not against the list price).
 */
export interface PriceOverride {
  /** The person's email. */
  by: string;
  role: string;
  withoutApproval: boolean;
}

/** Everything a quote version says. Hashed (quote-hash.ts) and compared (quote-diff.ts) as a whole. */
export interface QuoteContent {
  currency: CurrencyCode;
  seller: QuoteSeller;
  customer: QuoteCustomer;
  lines: QuoteLine[];
  /** A discount on the subtotal, after line discounts, 0–10000 bp. */
  overallDiscountBp: number;
  /**
   * The tax rate for `taxRegion` in parts per million (8.875% = 88 750, 0–1 000 000), resolved by the
   * caller (`taxRateFor` in the rules) so computing a quote stays pure.
   */
  taxRatePpm: number;
  taxRegion: string;
  /** e.g. "net-30". */
  paymentTerms: string;
  /** Last day the offer stands, as an ISO date (YYYY-MM-DD). */
  validUntil: string;
  /** The subscription term the quote prices, in months (1–120); the won contract runs this long. Absent: 12. */
  termMonths?: number;
  notes?: string;
}

/** One line's amounts, over the whole term (× term months / 12 for a yearly price). */
export interface QuoteLineTotals {
  lineId: string;
  /** quantity × list unit price: what the line is worth at the price book's price. */
  listMinor: number;
  /** quantity × unit price */
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  /**
   * The price override and the line discount together, against the list price, in bp:
   * 1 − (unit ÷ list) × (1 − discount), rounded up; 0 when the line is priced above list.
   */
  effectiveDiscountBp: number;
}

/** What a quote adds up to over its whole term, every amount in minor units of `currency`. */
export interface QuoteTotals extends ContractValue {
  currency: CurrencyCode;
  lines: QuoteLineTotals[];
  /**
   * The price before any discount: Σ per line the larger of its list value and its gross. A line
   * priced above list counts at its price, so a markup on one line never hides a discount on another.
   */
  listTotalMinor: number;
  /** Σ line net. */
  subtotalMinor: number;
  overallDiscountMinor: number;
  /** Price overrides below list, line discounts and the overall discount: listTotal − taxable. */
  totalDiscountMinor: number;
  /** subtotal − overall discount: what tax is charged on. */
  taxableMinor: number;
  taxMinor: number;
  /** taxable + tax: what the customer pays over the term. */
  totalMinor: number;
  /** All discounts together as a share of the list total, in bp; 0 for an empty quote. */
  effectiveDiscountBp: number;
}

/**
 * What the contract a quote sells is worth, excluding tax (tax is the customer's cost, not revenue).
 *
 * - TCV (total contract value): everything the customer commits to over the whole term, after
 *   every discount: the quote's taxable amount. Yearly lines count for each year of the term (a
 *   part year pro rata by month), one-time lines once.
 * - ACV (annual contract value): TCV per year of the term, round(TCV × 12 / max(term months, 12)).
 *   A contract of a year or less is worth its TCV in its one year; one-time fees are spread over
 *   the years like the rest, so ACV × years = TCV for any whole number of years.
 */
export interface ContractValue {
  termMonths: number;
  tcvMinor: number;
  acvMinor: number;
}

export function contractValue(tcvMinor: number, termMonths: number): ContractValue {
  return { termMonths, tcvMinor, acvMinor: mulDivRounded(tcvMinor, 12, Math.max(termMonths, 12)) };
}

/**
 * The contract value of stored totals. Totals saved before the term was priced carry none: their
 * amounts were one year of every line, so the term multiplies them as it now multiplies yearly lines.
 */
export function contractValueOf(
  content: Pick<QuoteContent, 'termMonths'>,
  totals: Pick<QuoteTotals, 'taxableMinor'> & Partial<ContractValue>,
): ContractValue {
  if (totals.tcvMinor !== undefined && totals.acvMinor !== undefined && totals.termMonths !== undefined)
    return { termMonths: totals.termMonths, tcvMinor: totals.tcvMinor, acvMinor: totals.acvMinor };
  const termMonths = termMonthsOf(content);
  return contractValue(mulDivRounded(totals.taxableMinor, termMonths, 12), termMonths);
}

/** `quantity × unit` over the term: × term months / 12 for a yearly price (rounded once), once for a one-time price. */
function overTerm(line: QuoteLine, unitMinor: number, termMonths: number): number {
  const once = multiplyMinor(line.quantity, unitMinor);
  return line.billing === 'one-time' ? once : mulDivRounded(once, termMonths, 12);
}

/**
 * Adds a quote up over its term, in this order, rounding each computed amount once (half away from zero):
 *
 * 1. per line: list = qty × list unit; gross = qty × unit, each × term months / 12 for a yearly
 *    price; discount = round(gross × bp / 10000); net = gross − discount; effective discount =
 *    discountAgainstBp(list unit, unit, bp) (rounded up)
 * 2. subtotal = Σ net; overall discount = round(subtotal × overallBp / 10000)
 * 3. taxable = subtotal − overall discount; tax = round(taxable × taxPpm / 1000000); total = taxable + tax
 * 4. list total = Σ max(list, gross); effective discount = round((list total − taxable) × 10000 / list total) bp
 * 5. TCV = taxable; ACV = round(TCV × 12 / max(term months, 12)) (see {@link ContractValue})
 *
 * Expects content that passed {@link validateQuote}; throws {@link MoneyError} if an amount is not
 * a safe integer or a result would exceed one.
 */
export function computeQuote(content: QuoteContent): QuoteTotals {
  const termMonths = termMonthsOf(content);
  const lines = content.lines.map((line): QuoteLineTotals => {
    const grossMinor = overTerm(line, line.unitPriceMinor, termMonths);
    const discountMinor = applyBasisPoints(grossMinor, line.discountBp);
    return {
      lineId: line.id,
      listMinor: overTerm(line, line.listUnitPriceMinor, termMonths),
      grossMinor,
      discountMinor,
      netMinor: subtractMinor(grossMinor, discountMinor),
      effectiveDiscountBp: discountAgainstBp(line.listUnitPriceMinor, line.unitPriceMinor, line.discountBp),
    };
  });
  const listTotalMinor = sumMinor(lines.map((l) => Math.max(l.listMinor, l.grossMinor)));
  const subtotalMinor = sumMinor(lines.map((l) => l.netMinor));
  const overallDiscountMinor = applyBasisPoints(subtotalMinor, content.overallDiscountBp);
  const taxableMinor = subtractMinor(subtotalMinor, overallDiscountMinor);
  const taxMinor = mulDivRounded(taxableMinor, content.taxRatePpm, FULL_PPM);
  const totalDiscountMinor = subtractMinor(listTotalMinor, taxableMinor);
  return {
    currency: content.currency,
    lines,
    listTotalMinor,
    subtotalMinor,
    overallDiscountMinor,
    totalDiscountMinor,
    taxableMinor,
    taxMinor,
    totalMinor: sumMinor([taxableMinor, taxMinor]),
    effectiveDiscountBp: listTotalMinor === 0 ? 0 : mulDivRounded(totalDiscountMinor, FULL_BP, listTotalMinor),
    ...contractValue(taxableMinor, termMonths),
  };
}

/** Which discount the approval matrix was shown, for the approval request's "why". */
export type ApprovalDiscountSource = { kind: 'line'; lineId: string } | { kind: 'overall' } | { kind: 'effective' };

/** The facts `requiredApprovals(ruleset, { discountPct, dealSize })` decides on, and where they came from. */
export interface ApprovalDiscount {
  /** The discount judged, as a percentage (bp / 100): 19 for 1900 bp. */
  discountPct: number;
  discountBp: number;
  /** The list total over the whole term in whole currency units, rounded down, as approvals.yaml's `dealSize` bands expect. */
  dealSize: number;
  source: ApprovalDiscountSource;
}

/**
 * The discount the approval matrix judges: the largest of the largest line discount, the overall
 * discount and the effective discount, all measured against the price book's list prices.
 *
 * A line's discount is the larger of the percentage typed on it and its effective discount
 * against list (the price override and the percentage together): a unit price of 0 for a product
 * listed at 1,000.00 is a 100% discount, 900.00 with 10% off is 19%. A price above list is no
 * discount, but a percentage typed on such a line still counts as itself.
 *
 * A price override whose author's role approvals.yaml `priceOverrides.withoutApproval` lists
 * (`priceOverride.withoutApproval`) is judged as if it were the list price: only the discounts on
 * top of it count.
 *
 * Why the largest: each alone can understate what the customer gets. A 10% line discount plus a
 * 10% overall discount is 19% effective (0.9 × 0.9 = 0.81), which must not slip under a 15%
 * authority because neither discount alone exceeds it. Conversely a 40% discount on one small
 * line barely moves the effective discount, but still gives a product away at 40% and needs the
 * authority for 40%.
 *
 * The effective discount is rounded to the nearest bp rather than up: a plain 20% line discount
 * whose amount rounds up by half a cent is 20.0001% effective, and must not need the 20–30% tier.
 *
 * Ties name the line first, then the overall discount, then the effective one.
 */
export function discountForApproval(quoted: QuoteTotals, quotedContent: QuoteContent): ApprovalDiscount {
  const { content, totals } = judgedPrices(quoted, quotedContent);
  let discountBp = -1;
  let source: ApprovalDiscountSource = { kind: 'effective' };
  content.lines.forEach((line, i) => {
    const lineBp = Math.max(line.discountBp, totals.lines[i]?.effectiveDiscountBp ?? 0);
    if (lineBp > discountBp) {
      discountBp = lineBp;
      source = { kind: 'line', lineId: line.id };
    }
  });
  if (content.overallDiscountBp > discountBp) {
    discountBp = content.overallDiscountBp;
    source = { kind: 'overall' };
  }
  if (totals.effectiveDiscountBp > discountBp) {
    discountBp = totals.effectiveDiscountBp;
    source = { kind: 'effective' };
  }
  return {
    discountPct: discountBp / 100,
    discountBp,
    dealSize: toWholeUnits(totals.listTotalMinor, totals.currency),
    source,
  };
}

/** The quote with each price override that needs no approval standing in for its list price. */
function judgedPrices(totals: QuoteTotals, content: QuoteContent): { content: QuoteContent; totals: QuoteTotals } {
  if (!content.lines.some((line) => line.priceOverride?.withoutApproval)) return { content, totals };
  const judged: QuoteContent = {
    ...content,
    lines: content.lines.map((line) =>
      line.priceOverride?.withoutApproval ? { ...line, listUnitPriceMinor: line.unitPriceMinor } : line,
    ),
  };
  return { content: judged, totals: computeQuote(judged) };
}

/** A business rule a quote breaks, at a field path in the zod style ("lines.2.quantity"). */
export interface QuoteIssue {
  path: string;
  message: string;
}

/** What the business rules are checked against. */
export interface QuoteCheckContext {
  /** Today as an ISO date (YYYY-MM-DD), in the seller's calendar: a quote may not expire before it. */
  today: string;
  /** The currency the quote must be in: the deal's, or the previous version's (totals across versions must compare). */
  expectedCurrency?: CurrencyCode;
}

/**
 * The domain's checks on a quote's content, each as a field-level issue; empty when the quote may
 * be saved. Shape (types, required fields) is the HTTP schema's job; this checks what a schema
 * cannot say: at least one line, unique line ids, quantities, prices, discounts and tax within
 * range, a validity date not in the past, the expected currency, a tax rate for the customer's
 * region, and totals that stay exact.
 */
export function validateQuote(content: QuoteContent, context: QuoteCheckContext): QuoteIssue[] {
  const issues: QuoteIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  checkCurrency(content.currency, context.expectedCurrency, add);
  if (content.customer.company.trim() === '') add('customer.company', 'the customer company is blank');
  if (content.taxRegion !== content.customer.region) {
    add(
      'taxRegion',
      `the tax rate is for region "${content.taxRegion}" but the customer is in "${content.customer.region}": resolve the rate for the customer's region`,
    );
  }
  if (content.lines.length === 0) add('lines', 'a quote needs at least one line');
  const seen = new Map<string, number>();
  content.lines.forEach((line, i) => {
    checkLine(line, `lines.${i}`, add);
    const first = seen.get(line.id);
    if (first !== undefined)
      add(`lines.${i}.id`, `line id "${line.id}" is already used by line ${first + 1}: each line needs its own id`);
    else seen.set(line.id, i);
  });
  checkBasisPoints(content.overallDiscountBp, 'overallDiscountBp', 'the overall discount', add);
  checkTaxRate(content.taxRatePpm, add);
  checkValidUntil(content.validUntil, context.today, add);
  if (
    content.termMonths !== undefined &&
    (!Number.isInteger(content.termMonths) || content.termMonths < 1 || content.termMonths > 120)
  ) {
    add(
      'termMonths',
      `a term of ${content.termMonths} months is not possible: write a whole number of months from 1 to 120`,
    );
  }
  if (issues.length === 0) checkTotalsExact(content, add);
  return issues;
}

type AddIssue = (path: string, message: string) => void;

/** The type says CurrencyCode, but stored content may predate a currency's removal from the table. */
function checkCurrency(currency: CurrencyCode, expected: CurrencyCode | undefined, add: AddIssue): void {
  if (!isCurrencyCode(currency)) {
    add('currency', `unknown currency "${String(currency)}": use one of ${CURRENCY_CODES.join(', ')}`);
    return;
  }
  if (expected !== undefined && currency !== expected) {
    add(
      'currency',
      `the quote is in ${currency} but must be in ${expected}, the currency of the deal and its earlier versions`,
    );
  }
}

function checkLine(line: QuoteLine, path: string, add: AddIssue): void {
  if (line.id.trim() === '') add(`${path}.id`, 'the line id is blank');
  if (line.billing !== undefined && !LINE_BILLINGS.includes(line.billing))
    add(`${path}.billing`, `billing must be ${LINE_BILLINGS.join(' or ')}, got "${String(line.billing)}"`);
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0)
    add(`${path}.quantity`, `quantity must be a whole number of at least 1, got ${line.quantity}`);
  if (!Number.isSafeInteger(line.unitPriceMinor))
    add(`${path}.unitPriceMinor`, `the unit price must be whole minor units (cents), got ${line.unitPriceMinor}`);
  else if (line.unitPriceMinor < 0)
    add(
      `${path}.unitPriceMinor`,
      `the unit price may not be negative, got ${line.unitPriceMinor}: give a discount instead`,
    );
  if (!Number.isSafeInteger(line.listUnitPriceMinor) || line.listUnitPriceMinor < 0)
    add(
      `${path}.listUnitPriceMinor`,
      `the list price must be whole minor units (cents), 0 or more, got ${line.listUnitPriceMinor}`,
    );
  checkBasisPoints(line.discountBp, `${path}.discountBp`, 'the line discount', add);
}

function checkBasisPoints(bp: number, path: string, what: string, add: AddIssue): void {
  if (!Number.isSafeInteger(bp)) add(path, `${what} must be whole basis points (1 bp = 0.01%), got ${bp}`);
  else if (bp < 0 || bp > FULL_BP) add(path, `${what} must be between 0% and 100% (0–${FULL_BP} bp), got ${bp} bp`);
}

function checkTaxRate(ppm: number, add: AddIssue): void {
  if (!Number.isSafeInteger(ppm))
    add('taxRatePpm', `the tax rate must be whole parts per million (1 ppm = 0.0001%), got ${ppm}`);
  else if (ppm < 0 || ppm > FULL_PPM)
    add('taxRatePpm', `the tax rate must be between 0% and 100% (0–${FULL_PPM} ppm), got ${ppm} ppm`);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

function checkValidUntil(validUntil: string, today: string, add: AddIssue): void {
  if (!isIsoDate(validUntil)) add('validUntil', `"${validUntil}" is not a date: write YYYY-MM-DD`);
  else if (!isIsoDate(today)) throw new RangeError(`validateQuote: today must be a YYYY-MM-DD date, got "${today}"`);
  else if (validUntil < today)
    add('validUntil', `the quote would expire on ${validUntil}, before today (${today}): choose a later date`);
}

function checkTotalsExact(content: QuoteContent, add: AddIssue): void {
  try {
    computeQuote(content);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    add(
      'lines',
      `the quote's amounts are too large to compute exactly (${error.message}): split it into smaller quotes`,
    );
  }
}

/** The contract term a quote sells, in months (12 when the quote does not say). */
export const DEFAULT_TERM_MONTHS = 12;
export function termMonthsOf(content: Pick<QuoteContent, 'termMonths'>): number {
  return content.termMonths ?? DEFAULT_TERM_MONTHS;
}
