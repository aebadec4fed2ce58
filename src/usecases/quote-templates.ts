/**
 * Quote templates: the defaults a new quote starts from (seller details, payment terms, validity,
 * currency, price book, notes). RevOps maintains them; the quote builder reads one by name. A
 * template carries a revision: a replacement or deletion names the revision it read, and one made
 * since is refused with 409 `stale_revision` instead of being silently overwritten.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { text } from '../domain/fields';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { CURRENCY_CODES } from '../domain/money';
import { recordAudit } from '../db/audit-trail';
import { DEFAULT_PRICE_BOOK } from './catalog';
import { LeadflowError } from '../domain/errors';
import { isUniqueViolation } from '../db/unique-violation';

/** A price book's name, as used in URLs and templates: "standard", "partner-emea". */
export const PriceBookNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, e.g. "standard"');
export const TemplateNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, e.g. "standard-emea"');

/** What a template says; the body of PUT and (with `name`) of POST. */
export const QuoteTemplateContentSchema = z.strictObject({
  seller: z.strictObject({
    name: text(200),
    address: text(1000).nullable().optional(),
    taxId: text(64).nullable().optional(),
  }),
  paymentTerms: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a short code such as "net-30", "net-45" or "due-on-receipt"'),
  /** Days a sent quote stays valid; omitted or null: approvals.yaml `quotes.validFor` applies. */
  validForDays: z
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(365, 'must be at most 365 days')
    .nullable()
    .default(null),
  currency: z.enum(CURRENCY_CODES, { error: 'must be an ISO 4217 currency code leadflow supports, e.g. "USD"' }),
  priceBook: PriceBookNameSchema.default(DEFAULT_PRICE_BOOK),
  notes: text(4000).nullable().optional(),
});
export type QuoteTemplateContent = z.infer<typeof QuoteTemplateContentSchema>;

export const QuoteTemplateInputSchema = QuoteTemplateContentSchema.extend({ name: TemplateNameSchema });

type TemplateRow = NonNullable<Awaited<ReturnType<Db['quoteTemplate']['findFirst']>>>;

export interface QuoteTemplateView {
  id: string;
  name: string;
  seller: { name: string; address: string | null; taxId: string | null };
  paymentTerms: string;
  /** null: the rules' `quotes.validFor` applies. */
  validForDays: number | null;
  currency: QuoteTemplateContent['currency'];
  priceBook: string;
  notes: string | null;
  /** Name it when replacing or deleting the template (If-Match or `revision`); also the `ETag`. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** The template `name` in the tenant, or null. For the quote builder. */
export async function getQuoteTemplate(
  db: Pick<Db, 'quoteTemplate'>,
  tenant: string,
  name: string,
): Promise<QuoteTemplateView | null> {
  const row = await db.quoteTemplate.findUnique({ where: { tenant_name: { tenant, name } } });
  return row ? toView(row) : null;
}

export async function findQuoteTemplate(db: Db, actor: Actor, name: string): Promise<QuoteTemplateView> {
  const template = await getQuoteTemplate(db, actor.tenant, name);
  if (!template) throw new LeadflowError('not_found', `No quote template "${name}" in tenant ${actor.tenant}.`);
  return template;
}

export async function listQuoteTemplates(db: Db, actor: Actor): Promise<QuoteTemplateView[]> {
  const rows = await db.quoteTemplate.findMany({ where: { tenant: actor.tenant }, orderBy: { name: 'asc' } });
  return rows.map(toView);
}

export async function createQuoteTemplate(
  db: Db,
  actor: Actor,
  name: string,
  content: QuoteTemplateContent,
  now: Date,
): Promise<QuoteTemplateView> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.quoteTemplate.create({
        data: { id: `qt_${randomUUID().replaceAll('-', '')}`, tenant: actor.tenant, name, content: stored(content) },
      });
      await audit(tx, actor, row.id, 'quote-template.created', now, { name, content });
      return toView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new LeadflowError(
        'conflict',
        `A quote template "${name}" already exists; replace it with PUT /api/quote-templates/${name}.`,
      );
    throw error;
  }
}

/**
 * Replaces the template's content if it is still at `expectedRevision`; 404 when there is no such
 * template, 409 stale_revision naming the current revision when it changed since.
 */
export async function replaceQuoteTemplate(
  db: Db,
  actor: Actor,
  name: string,
  content: QuoteTemplateContent,
  expectedRevision: number,
  now: Date,
): Promise<QuoteTemplateView> {
  return db.$transaction(async (tx) => {
    const existing = await tx.quoteTemplate.findUnique({
      where: { tenant_name: { tenant: actor.tenant, name } },
      select: { id: true },
    });
    if (!existing)
      throw new LeadflowError(
        'not_found',
        `No quote template "${name}" in tenant ${actor.tenant}; create it with POST /api/quote-templates.`,
      );
    const { count } = await tx.quoteTemplate.updateMany({
      where: { id: existing.id, revision: expectedRevision },
      data: { content: stored(content), revision: { increment: 1 } },
    });
    if (count === 0) throw await stale(tx, existing.id, name, expectedRevision);
    await audit(tx, actor, existing.id, 'quote-template.replaced', now, {
      name,
      content,
      revision: expectedRevision + 1,
    });
    return toView(await tx.quoteTemplate.findUniqueOrThrow({ where: { id: existing.id } }));
  });
}

/** Deletes the template if it is still at `expectedRevision` (else 409 stale_revision). */
export async function deleteQuoteTemplate(
  db: Db,
  actor: Actor,
  name: string,
  expectedRevision: number,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const existing = await tx.quoteTemplate.findUnique({
      where: { tenant_name: { tenant: actor.tenant, name } },
      select: { id: true },
    });
    if (!existing) throw new LeadflowError('not_found', `No quote template "${name}" in tenant ${actor.tenant}.`);
    const { count } = await tx.quoteTemplate.deleteMany({ where: { id: existing.id, revision: expectedRevision } });
    if (count === 0) throw await stale(tx, existing.id, name, expectedRevision);
    await audit(tx, actor, existing.id, 'quote-template.deleted', now, { name });
  });
}

async function stale(tx: Prisma.TransactionClient, id: string, name: string, sent: number): Promise<LeadflowError> {
  const { revision } = await tx.quoteTemplate.findUniqueOrThrow({ where: { id }, select: { revision: true } });
  return new LeadflowError(
    'stale_revision',
    `Quote template "${name}" is at revision ${revision}, not ${sent}: someone changed it since you read it. Reload it (GET /api/quote-templates/${name}), reapply your change and send it with revision ${revision}.`,
    { details: [{ path: 'revision', message: `the current revision is ${revision}` }] },
  );
}

function stored(content: QuoteTemplateContent): Prisma.InputJsonValue {
  return {
    ...content,
    seller: { name: content.seller.name, address: content.seller.address ?? null, taxId: content.seller.taxId ?? null },
    notes: content.notes ?? null,
  };
}

function toView(row: TemplateRow): QuoteTemplateView {
  const content = QuoteTemplateContentSchema.safeParse(row.content);
  if (!content.success)
    throw new LeadflowError(
      'internal',
      `Quote template "${row.name}" holds content leadflow cannot read: ${content.error.issues[0]?.message ?? 'invalid'}.`,
    );
  const { seller, notes, ...rest } = content.data;
  return {
    id: row.id,
    name: row.name,
    ...rest,
    seller: { name: seller.name, address: seller.address ?? null, taxId: seller.taxId ?? null },
    notes: notes ?? null,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Templates are not quotes, but they belong to the quote side of the audit trail (`quote-template.*` actions). */
async function audit(
  tx: Prisma.TransactionClient,
  actor: Actor,
  templateId: string,
  action: string,
  now: Date,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, {
    tenant: actor.tenant,
    subjectType: 'quote',
    subjectId: templateId,
    action,
    actor: actor.email,
    details,
    occurredAt: now,
  });
}
