/**
 * From what a rep typed to what a quote version says: the template's seller and terms, each
 * line's product name, list price from the price book and quoted price (with who set a price
 * below list), discounts in basis points, the tax rate the rules set for the customer's region,
 * and the validity date. Every problem comes back as a field error at the path the rep sent
 * (`lines.2.unitPrice`), never as a 500.
 *
 * A product without a price in the template's price book and currency cannot be quoted: every
 * discount is measured against the list price, and a price typed for an unpriced product would
 * have nothing to be measured against. RevOps adds the price first.
 */
import type { Db } from '../db/client';
import { MoneyError, parseBasisPoints, parseMoney, type CurrencyCode } from '../domain/money';
import type { Actor } from '../auth/actor';
import {
  DEFAULT_TERM_MONTHS,
  validateQuote,
  type PriceOverride,
  type QuoteContent,
  type QuoteLine,
} from '../domain/quote';
import type { Duration } from '../rules/duration';
import { taxRateFor, type TaxRateChoice } from '../rules/evaluate-approvals';
import type { Ruleset } from '../rules/ruleset';
import { billingOf, findListPrice } from './catalog';
import { LeadflowError } from '../domain/errors';
import { getQuoteTemplate, type QuoteTemplateView } from './quote-templates';

/** The template a quote starts from when the request names none. */
export const DEFAULT_QUOTE_TEMPLATE = 'standard';

export interface QuoteLineInput {
  /** Keeps a line's identity across versions; without it, a line takes the id of the previous version's line with the same SKU. */
  id?: string;
  sku: string;
  quantity: number;
  /** Decimal text in the quote's currency; default: the price book's price. Below it, it is a discount. */
  unitPrice?: string;
  /** Percent text, "12.5". */
  discount?: string;
}

/** A quote as the rep writes it (POST, and PUT without `revision`). */
export interface QuoteDraftInput {
  template?: string;
  currency?: CurrencyCode;
  customer: { company: string; contactName?: string; email?: string; address?: string; region: string };
  lines: QuoteLineInput[];
  overallDiscount?: string;
  paymentTerms?: string;
  /** YYYY-MM-DD; default: today plus the template's validForDays, else approvals.yaml `quotes.validFor`. */
  validUntil?: string;
  /** The subscription term in months; default: the previous version's, else 12. */
  termMonths?: number;
  notes?: string;
}

/** Where a version's prices came from, for the audit trail. */
export interface QuoteProvenance {
  template: string;
  priceBook: string;
  tax: TaxRateChoice;
}

export interface BuiltQuote {
  content: QuoteContent;
  provenance: QuoteProvenance;
}

interface FieldIssue {
  path: string;
  message: string;
}

/** Who writes the version: a price they set below list is recorded as theirs. */
export type QuoteAuthor = Pick<Actor, 'email' | 'role'>;

/**
 * Builds and validates a version's content. `previous` is the version being replaced (a PUT): its
 * line ids carry over by id or SKU, its currency is the one the new version must keep, and a price
 * below list that a line keeps unchanged stays recorded as set by whoever set it.
 */
export async function buildQuoteContent(
  db: Db,
  context: { tenant: string; author: QuoteAuthor; ruleset: Ruleset; today: string; previous?: QuoteContent },
  input: QuoteDraftInput,
): Promise<BuiltQuote> {
  const templateName = input.template ?? DEFAULT_QUOTE_TEMPLATE;
  const template = await getQuoteTemplate(db, context.tenant, templateName);
  if (!template) {
    const how = input.template
      ? 'name an existing template'
      : `create a template named "${DEFAULT_QUOTE_TEMPLATE}" (POST /api/quote-templates) or name one`;
    throw invalid([{ path: 'template', message: `no quote template "${templateName}": ${how}` }]);
  }
  const currency = input.currency ?? template.currency;
  const issues: FieldIssue[] = [];
  const lines = await buildLines(
    db,
    {
      tenant: context.tenant,
      priceBook: template.priceBook,
      currency,
      previous: context.previous?.lines ?? [],
      overrides: { author: context.author, withoutApproval: context.ruleset.approvals.priceOverridesWithoutApproval },
    },
    input.lines,
    issues,
  );
  const overallDiscountBp = percent(input.overallDiscount ?? '0', 'overallDiscount', issues);
  if (issues.length > 0) throw invalid(issues);

  const tax = taxRateFor(context.ruleset, input.customer.region);
  const notes = input.notes ?? template.notes ?? undefined;
  const content: QuoteContent = {
    currency,
    seller: withoutNulls({
      name: template.seller.name,
      address: template.seller.address,
      taxId: template.seller.taxId,
    }),
    customer: withoutNulls({ ...input.customer }),
    lines,
    overallDiscountBp,
    taxRatePpm: tax.rate,
    taxRegion: input.customer.region,
    paymentTerms: input.paymentTerms ?? template.paymentTerms,
    validUntil: input.validUntil ?? validUntilFrom(context.today, template, context.ruleset.approvals.quoteValidFor),
    termMonths: input.termMonths ?? context.previous?.termMonths ?? DEFAULT_TERM_MONTHS,
    ...(notes ? { notes } : {}),
  };
  const domainIssues = validateQuote(content, {
    today: context.today,
    ...(context.previous ? { expectedCurrency: context.previous.currency } : {}),
  });
  if (domainIssues.length > 0)
    throw invalid(domainIssues.map((issue) => ({ path: inputPath(issue.path), message: issue.message })));
  return { content, provenance: { template: template.name, priceBook: template.priceBook, tax } };
}

interface OverridePolicy {
  author: QuoteAuthor;
  /** approvals.yaml `priceOverrides.withoutApproval`. */
  withoutApproval: readonly string[];
}

async function buildLines(
  db: Db,
  context: {
    tenant: string;
    priceBook: string;
    currency: CurrencyCode;
    previous: readonly QuoteLine[];
    overrides: OverridePolicy;
  },
  inputs: readonly QuoteLineInput[],
  issues: FieldIssue[],
): Promise<QuoteLine[]> {
  const ids = lineIds(inputs, context.previous);
  const lines: QuoteLine[] = [];
  for (const [i, input] of inputs.entries()) {
    const path = `lines.${i}`;
    const listPrice = await findListPrice(db, context.tenant, {
      sku: input.sku,
      priceBook: context.priceBook,
      currency: context.currency,
    });
    const known =
      listPrice ??
      (await db.product.findUnique({
        where: { tenant_sku: { tenant: context.tenant, sku: input.sku } },
        select: { sku: true, name: true, active: true, billing: true },
      }));
    if (!known) {
      issues.push({ path: `${path}.sku`, message: `no product with SKU "${input.sku}" in the catalogue` });
      continue;
    }
    const carriedOver = context.previous.some((line) => line.id === ids[i]);
    if (!known.active && !carriedOver)
      issues.push({
        path: `${path}.sku`,
        message: `product ${input.sku} is no longer sold (inactive); only lines already on the quote may keep it`,
      });
    if (!listPrice)
      issues.push({
        path: `${path}.sku`,
        message: `product ${input.sku} has no price in price book "${context.priceBook}" for ${context.currency}, and a quote's discounts are measured against the list price: ask revops to add it (PUT /api/products/${input.sku}/prices/${context.priceBook}/${context.currency}) or remove the line`,
      });
    const unitPriceMinor =
      input.unitPrice === undefined
        ? listPrice?.unitPriceMinor
        : money(input.unitPrice, context.currency, `${path}.unitPrice`, issues);
    const discountBp = percent(input.discount ?? '0', `${path}.discount`, issues);
    if (unitPriceMinor === undefined || !listPrice) continue;
    const line: QuoteLine = {
      id: ids[i]!,
      sku: known.sku,
      name: known.name,
      quantity: input.quantity,
      unitPriceMinor,
      listUnitPriceMinor: listPrice.unitPriceMinor,
      discountBp,
      billing: billingOf(known),
    };
    const priceOverride = overrideOf(line, context.previous, context.overrides);
    lines.push(priceOverride ? { ...line, priceOverride } : line);
  }
  return lines;
}

/**
 * Who set a price below list: whoever set it first, as long as the line keeps that price against
 * the same list price; otherwise the author. Whether it needs approval follows the rules in force
 * now, so a rules change applies from the next version on.
 */
function overrideOf(
  line: QuoteLine,
  previous: readonly QuoteLine[],
  policy: OverridePolicy,
): PriceOverride | undefined {
  if (line.unitPriceMinor >= line.listUnitPriceMinor) return undefined;
  const kept = previous.find(
    (old) =>
      old.id === line.id &&
      old.unitPriceMinor === line.unitPriceMinor &&
      old.listUnitPriceMinor === line.listUnitPriceMinor,
  )?.priceOverride;
  const { by, role } = kept ?? { by: policy.author.email, role: policy.author.role };
  return { by, role, withoutApproval: policy.withoutApproval.includes(role) };
}

/**
 * Line ids: an explicit id wins; otherwise the previous version's next unclaimed line with the same
 * SKU; otherwise a fresh "L<n>". Stable ids are what lets the diff say "quantity 5 → 8" instead
 * of "removed, added".
 */
export function lineIds(inputs: readonly QuoteLineInput[], previous: readonly QuoteLine[]): string[] {
  const claimed = new Set(inputs.flatMap((line) => (line.id ? [line.id] : [])));
  const used = new Set([...claimed, ...previous.map((line) => line.id)]);
  let next = 1;
  const fresh = () => {
    while (used.has(`L${next}`)) next++;
    used.add(`L${next}`);
    return `L${next}`;
  };
  return inputs.map((input) => {
    if (input.id) return input.id;
    const match = previous.find((line) => line.sku === input.sku && !claimed.has(line.id));
    if (!match) return fresh();
    claimed.add(match.id);
    return match.id;
  });
}

/** today + the template's validForDays, else + approvals.yaml `quotes.validFor` (business days skip weekends). */
export function validUntilFrom(
  today: string,
  template: Pick<QuoteTemplateView, 'validForDays'>,
  validFor: Duration,
): string {
  const date = new Date(`${today}T00:00:00Z`);
  const DAY = 86_400_000;
  if (template.validForDays !== null) return isoDate(new Date(date.getTime() + template.validForDays * DAY));
  if (validFor.kind === 'calendar') return isoDate(new Date(date.getTime() + Math.ceil(validFor.ms / DAY) * DAY));
  // Business hours round up to whole business days: validity is a date, not a time.
  let remaining = validFor.unit === 'business-days' ? Math.ceil(validFor.amount) : Math.ceil(validFor.amount / 8);
  let cursor = date;
  while (remaining > 0) {
    cursor = new Date(cursor.getTime() + DAY);
    if (cursor.getUTCDay() !== 0 && cursor.getUTCDay() !== 6) remaining--;
  }
  return isoDate(cursor);
}

export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function money(text: string, currency: CurrencyCode, path: string, issues: FieldIssue[]): number | undefined {
  try {
    const minor = parseMoney(text, currency);
    if (minor >= 0) return minor;
    issues.push({ path, message: `"${text}" is negative; give a discount instead` });
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    issues.push({ path, message: error.message });
  }
  return undefined;
}

function percent(text: string, path: string, issues: FieldIssue[]): number {
  try {
    return parseBasisPoints(text);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    issues.push({ path, message: error.message });
    return 0;
  }
}

/** validateQuote speaks in content paths; the rep wrote the request's. */
function inputPath(contentPath: string): string {
  return contentPath
    .replace(/^lines\.(\d+)\.unitPriceMinor$/, 'lines.$1.unitPrice')
    .replace(/^lines\.(\d+)\.discountBp$/, 'lines.$1.discount')
    .replace(/^overallDiscountBp$/, 'overallDiscount')
    .replace(/^(taxRegion|taxRatePpm)$/, 'customer.region');
}

/**
 * The request had the documented shape; its content does not stand against the catalogue, the
 * templates and the rules (an unknown SKU, too many decimals, an expired validity): a 422.
 */
function invalid(issues: FieldIssue[]): LeadflowError {
  return new LeadflowError('unprocessable', 'The quote is invalid; see fields.', { details: issues });
}

/** Optional fields are left out rather than null, so equal content always hashes the same. */
function withoutNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}
