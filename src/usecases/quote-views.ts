/**
 * Reading quotes: a quote with its current version and approval, its versions, one version, the
 * difference between two versions, and a version as HTML or PDF. Anyone signed in may read the
 * quotes of their tenant. Money goes out as minor units (numbers) with formatted text beside
 * each amount; never as floats.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { formatAmount, formatBasisPoints, formatMoney, formatPartsPerMillion } from '../domain/money';
import { contractValueOf, LINE_BILLINGS, type QuoteContent, type QuoteTotals } from '../domain/quote';
import { diffQuoteVersions, type AmountChange } from '../domain/quote-diff';
import { reviewPrices } from '../domain/quote-pricing';
import { quotePdfFileName, renderQuoteHtml, type QuoteRenderInput } from '../domain/quote-render';
import { renderQuotePdf } from '../quotes/render-quote-pdf';
import type { Language } from '../domain/languages';
import { findDeal } from './deal-access';
import { quoteAudience } from './quote-audience';
import { LeadflowError } from '../domain/errors';

type QuoteRow = Prisma.QuoteGetPayload<Record<string, never>>;
type VersionRow = Prisma.QuoteVersionGetPayload<Record<string, never>>;

const minor = z.number().refine(Number.isSafeInteger, 'must be a whole number of minor units');
/** The stored content: written by the quote builder after validateQuote, read back through this guard. */
const StoredContentSchema = z.object({
  currency: z.string(),
  seller: z.object({ name: z.string(), address: z.string().optional(), taxId: z.string().optional() }),
  customer: z.object({
    company: z.string(),
    contactName: z.string().optional(),
    email: z.string().optional(),
    address: z.string().optional(),
    region: z.string(),
  }),
  lines: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPriceMinor: minor,
      /** Absent on versions saved before list prices were recorded: they were judged against the quoted price. */
      listUnitPriceMinor: minor.optional(),
      discountBp: z.number().int(),
      priceOverride: z.object({ by: z.string(), role: z.string(), withoutApproval: z.boolean() }).optional(),
      billing: z.enum(LINE_BILLINGS).optional(),
    }),
  ),
  overallDiscountBp: z.number().int(),
  taxRatePpm: z.number().int(),
  taxRegion: z.string(),
  paymentTerms: z.string(),
  validUntil: z.string(),
  termMonths: z.number().int().optional(),
  notes: z.string().optional(),
});
const StoredTotalsSchema = z.object({
  currency: z.string(),
  lines: z.array(
    z.object({
      lineId: z.string(),
      listMinor: minor.optional(),
      grossMinor: minor,
      discountMinor: minor,
      netMinor: minor,
      effectiveDiscountBp: z.number().int().optional(),
    }),
  ),
  listTotalMinor: minor,
  subtotalMinor: minor,
  overallDiscountMinor: minor,
  totalDiscountMinor: minor,
  taxableMinor: minor,
  taxMinor: minor,
  totalMinor: minor,
  effectiveDiscountBp: z.number().int(),
  // Absent from totals saved before the term was priced: contractValueOf derives them.
  termMonths: z.number().int().optional(),
  tcvMinor: minor.optional(),
  acvMinor: minor.optional(),
});

/** A version's content and totals as stored; a row of another shape is a bug, not bad input. */
export function storedVersion(row: VersionRow): { content: QuoteContent; totals: QuoteTotals } {
  const content = StoredContentSchema.safeParse(row.content);
  const totals = StoredTotalsSchema.safeParse(row.totals);
  if (!content.success || !totals.success) {
    const issue = (content.error ?? totals.error)?.issues[0];
    throw new LeadflowError(
      'internal',
      `Quote version ${row.id} is stored in a shape leadflow cannot read (${issue?.path.join('.')}: ${issue?.message}).`,
    );
  }
  return withListPrices(content.data as StoredContent, totals.data as StoredTotals);
}

type StoredContent = z.infer<typeof StoredContentSchema> & Pick<QuoteContent, 'currency'>;
type StoredTotals = z.infer<typeof StoredTotalsSchema> & Pick<QuoteTotals, 'currency'>;

/**
 * A version saved before list prices were recorded was priced, and judged, against its quoted
 * prices: read it that way (list = quoted, effective line discount = the typed one).
 */
function withListPrices(stored: StoredContent, totals: StoredTotals): { content: QuoteContent; totals: QuoteTotals } {
  const lines = stored.lines.map((line) => ({
    ...line,
    listUnitPriceMinor: line.listUnitPriceMinor ?? line.unitPriceMinor,
  }));
  const content = { ...stored, lines };
  return {
    content,
    totals: {
      ...totals,
      // Absent from totals saved before the term was priced: derived from their one-year amounts.
      ...contractValueOf(content, totals),
      lines: totals.lines.map((amounts) => ({
        ...amounts,
        listMinor: amounts.listMinor ?? amounts.grossMinor,
        effectiveDiscountBp:
          amounts.effectiveDiscountBp ?? lines.find((line) => line.id === amounts.lineId)?.discountBp ?? 0,
      })),
    },
  };
}

/** "1234.50": what a request may send back as `unitPrice`. */
const decimal = (amountMinor: number, currency: string) => formatAmount(amountMinor, currency).replaceAll(',', '');

function contentView(content: QuoteContent) {
  const { currency } = content;
  return {
    ...content,
    lines: content.lines.map((line) => ({
      ...line,
      billing: line.billing ?? 'yearly',
      unitPrice: decimal(line.unitPriceMinor, currency),
      unitPriceFormatted: formatMoney(line.unitPriceMinor, currency),
      listUnitPriceFormatted: formatMoney(line.listUnitPriceMinor, currency),
      discount: formatBasisPoints(line.discountBp),
    })),
    overallDiscount: formatBasisPoints(content.overallDiscountBp),
    taxRate: formatPartsPerMillion(content.taxRatePpm),
  };
}

const AMOUNTS = [
  'listTotalMinor',
  'subtotalMinor',
  'overallDiscountMinor',
  'totalDiscountMinor',
  'taxableMinor',
  'taxMinor',
  'totalMinor',
  'tcvMinor',
  'acvMinor',
] as const;

function totalsView(totals: QuoteTotals) {
  const money = (amount: number) => formatMoney(amount, totals.currency);
  const formatted = Object.fromEntries(AMOUNTS.map((key) => [key.replace(/Minor$/, 'Formatted'), money(totals[key])]));
  return {
    ...totals,
    ...formatted,
    lines: totals.lines.map((line) => ({
      ...line,
      listFormatted: money(line.listMinor),
      grossFormatted: money(line.grossMinor),
      discountFormatted: money(line.discountMinor),
      netFormatted: money(line.netMinor),
      effectiveDiscount: formatBasisPoints(line.effectiveDiscountBp),
    })),
    effectiveDiscount: formatBasisPoints(totals.effectiveDiscountBp),
  };
}

/** One version in full: content, totals, status and what the approval matrix saw. */
export function versionView(row: VersionRow) {
  const { content, totals } = storedVersion(row);
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    contentHash: row.contentHash,
    rulesetVersion: row.rulesetVersion,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    signedAt: row.signedAt?.toISOString() ?? null,
    approval: {
      discountBp: row.approvalDiscountBp,
      discount: formatBasisPoints(row.approvalDiscountBp),
      tier: row.approvalTier,
    },
    content: contentView(content),
    totals: totalsView(totals),
  };
}

/**
 * What an approver reviews: the version's prices against the price book (list, quoted, effective
 * discount per line and in total), and the discount the approval matrix judged.
 */
export function approvalPricing(row: VersionRow) {
  const { content, totals } = storedVersion(row);
  return {
    ...reviewPrices(content, totals),
    judgedDiscountBp: row.approvalDiscountBp,
    judgedDiscount: formatBasisPoints(row.approvalDiscountBp),
  };
}

type SignatureRow = Prisma.SignatureRequestGetPayload<Record<string, never>>;

/** A version in a list: who, when, status and total, when it was sent and its latest signature request. */
function versionSummary(row: VersionRow & { signatures?: SignatureRow[] }) {
  const { totals } = storedVersion(row);
  const signature = row.signatures?.[0];
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    contentHash: row.contentHash,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    signature: signature
      ? {
          status: signature.status,
          signerName: signature.signerName,
          signerEmail: signature.signerEmail,
          sentAt: signature.sentAt.toISOString(),
          completedAt: signature.completedAt?.toISOString() ?? null,
        }
      : null,
    totalMinor: totals.totalMinor,
    totalFormatted: formatMoney(totals.totalMinor, totals.currency),
    termMonths: totals.termMonths,
    tcvMinor: totals.tcvMinor,
    tcvFormatted: formatMoney(totals.tcvMinor, totals.currency),
    acvMinor: totals.acvMinor,
    acvFormatted: formatMoney(totals.acvMinor, totals.currency),
    approval: {
      discountBp: row.approvalDiscountBp,
      discount: formatBasisPoints(row.approvalDiscountBp),
      tier: row.approvalTier,
    },
  };
}

function quoteHeader(quote: QuoteRow) {
  return {
    id: quote.id,
    number: quote.number,
    dealId: quote.dealId,
    revision: quote.revision,
    currentVersion: quote.currentVersion,
    createdBy: quote.createdBy,
    createdAt: quote.createdAt.toISOString(),
    updatedAt: quote.updatedAt.toISOString(),
  };
}

/** The quote in the caller's tenant, or 404. */
export async function findQuote(db: Pick<Db, 'quote'>, actor: Actor, quoteId: string): Promise<QuoteRow> {
  const quote = await db.quote.findFirst({ where: { id: quoteId, tenant: actor.tenant } });
  if (!quote) throw new LeadflowError('not_found', `No quote ${quoteId} in tenant ${actor.tenant}.`);
  return quote;
}

async function findVersion(db: Pick<Db, 'quoteVersion'>, quote: QuoteRow, version: number): Promise<VersionRow> {
  const row = await db.quoteVersion.findUnique({ where: { quoteId_version: { quoteId: quote.id, version } } });
  if (!row)
    throw new LeadflowError(
      'not_found',
      `Quote ${quote.number} has no version ${version}; it has versions 1 to ${quote.currentVersion}.`,
    );
  return row;
}

/** A quote: its header, current version in full, and where its approval stands. */
export async function viewQuote(db: Db, actor: Actor, quoteId: string) {
  const quote = await findQuote(db, actor, quoteId);
  const current = await findVersion(db, quote, quote.currentVersion);
  const request = await db.approvalRequest.findFirst({
    where: { quoteVersionId: current.id },
    orderBy: { requestedAt: 'desc' },
    include: { steps: { orderBy: [{ position: 'asc' }, { dueAt: 'asc' }] } },
  });
  return {
    ...quoteHeader(quote),
    status: current.status,
    current: versionView(current),
    approval: {
      status: current.status,
      tier: current.approvalTier,
      discountBp: current.approvalDiscountBp,
      discount: formatBasisPoints(current.approvalDiscountBp),
      request: request
        ? {
            id: request.id,
            status: request.status,
            tier: request.tier,
            requestedAt: request.requestedAt.toISOString(),
            decidedAt: request.decidedAt?.toISOString() ?? null,
            steps: request.steps.map((step) => ({
              level: step.level,
              assignee: step.assigneeEmail,
              status: step.status,
              dueAt: step.dueAt.toISOString(),
              decidedBy: step.decidedBy,
            })),
          }
        : null,
    },
  };
}

export type QuoteView = Awaited<ReturnType<typeof viewQuote>>;

export async function listQuoteVersions(db: Db, actor: Actor, quoteId: string) {
  const quote = await findQuote(db, actor, quoteId);
  const rows = await db.quoteVersion.findMany({
    where: { quoteId: quote.id },
    orderBy: { version: 'asc' },
    include: { signatures: { orderBy: { sentAt: 'desc' }, take: 1 } },
  });
  return {
    quoteId: quote.id,
    number: quote.number,
    currentVersion: quote.currentVersion,
    versions: rows.map(versionSummary),
  };
}

export async function viewQuoteVersion(db: Db, actor: Actor, quoteId: string, version: number) {
  const quote = await findQuote(db, actor, quoteId);
  return { quoteId: quote.id, number: quote.number, ...versionView(await findVersion(db, quote, version)) };
}

/** Versions `from` and `to` compared: lines added, removed and changed, header fields, and totals. */
export async function diffQuote(db: Db, actor: Actor, quoteId: string, range: { from?: number; to?: number }) {
  const quote = await findQuote(db, actor, quoteId);
  const to = range.to ?? quote.currentVersion;
  const from = range.from ?? Math.max(1, to - 1);
  const [before, after] = [
    storedVersion(await findVersion(db, quote, from)),
    storedVersion(await findVersion(db, quote, to)),
  ];
  const diff = diffQuoteVersions(before.content, after.content);
  const money = (amount: number) => formatMoney(amount, after.content.currency);
  const formatted = (change: AmountChange) => ({
    ...change,
    beforeFormatted: money(change.before),
    afterFormatted: money(change.after),
    deltaFormatted: money(change.delta),
  });
  return {
    quoteId: quote.id,
    number: quote.number,
    from,
    to,
    ...diff,
    totals: {
      subtotal: formatted(diff.totals.subtotal),
      discount: formatted(diff.totals.discount),
      tax: formatted(diff.totals.tax),
      total: formatted(diff.totals.total),
    },
  };
}

export type QuoteDocumentFormat = 'html' | 'pdf';

export type RenderedQuoteDocument = { language: Language } & (
  { format: 'html'; html: string } | { format: 'pdf'; pdf: Uint8Array; fileName: string }
);

/**
 * A version as the customer sees it: a printable HTML page, or PDF bytes, in `language` when the
 * caller names one (`?lang=`), else in the customer's language, the one the quote's email is
 * written in (quoteAudience: the recipient contact's, else the deal's lead's, else English).
 */
export async function renderQuoteVersion(
  db: Db,
  actor: Actor,
  quoteId: string,
  version: number,
  format: QuoteDocumentFormat,
  language?: Language,
): Promise<RenderedQuoteDocument> {
  const quote = await findQuote(db, actor, quoteId);
  const row = await findVersion(db, quote, version);
  const { content, totals } = storedVersion(row);
  const shown = {
    language: language ?? (await quoteAudience(db, await findDeal(db, actor.tenant, quote.dealId), content)).language,
  };
  const input: QuoteRenderInput = {
    quoteNumber: quote.number,
    version: row.version,
    content,
    totals,
    status: row.status,
    issuedAt: row.createdAt.toISOString(),
    language: shown.language,
  };
  switch (format) {
    case 'html':
      return { ...shown, format, html: renderQuoteHtml(input) };
    case 'pdf':
      return {
        ...shown,
        format,
        pdf: await renderQuotePdf(input),
        fileName: quotePdfFileName(quote.number, row.version),
      };
  }
}

/** A deal's quotes, newest first, each with its current version's status and total. */
export async function listDealQuotes(db: Db, actor: Actor, dealId: string) {
  const deal = await findDeal(db, actor.tenant, dealId);
  const quotes = await db.quote.findMany({ where: { dealId: deal.id }, orderBy: { createdAt: 'desc' } });
  const currents =
    quotes.length === 0
      ? []
      : await db.quoteVersion.findMany({
          where: { OR: quotes.map((q) => ({ quoteId: q.id, version: q.currentVersion })) },
          include: { signatures: { orderBy: { sentAt: 'desc' }, take: 1 } },
        });
  return {
    dealId: deal.id,
    quotes: quotes.map((quote) => {
      const current = currents.find((row) => row.quoteId === quote.id);
      if (!current)
        throw new LeadflowError('internal', `Quote ${quote.number} has no version ${quote.currentVersion}.`);
      return { ...quoteHeader(quote), current: versionSummary(current) };
    }),
  };
}
