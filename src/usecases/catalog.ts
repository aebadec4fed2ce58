/**
 * The product catalogue and its price books. RevOps maintains both; everyone reads them. Prices
 * are entered as decimal text ("1200.00") and kept in integer minor units per price book and
 * currency. A product that is in a price book is never deleted, only deactivated, so quotes and
 * history keep resolving it.
 *
 * Optimistic concurrency: a product carries a revision, and every change to it or to its prices
 * names the revision it read; a change made since is refused with 409 `stale_revision` instead of
 * being silently overwritten.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { formatMoney, MoneyError, parseMoney, type CurrencyCode } from '../domain/money';
import { LINE_BILLINGS, type LineBilling } from '../domain/quote';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import { isUniqueViolation } from '../db/unique-violation';

export const DEFAULT_PRICE_BOOK = 'standard';

type ProductRow = NonNullable<Awaited<ReturnType<Db['product']['findFirst']>>>;
type PriceRow = NonNullable<Awaited<ReturnType<Db['priceBookEntry']['findFirst']>>>;
type Tx = Prisma.TransactionClient;

export interface PriceView {
  priceBook: string;
  currency: string;
  unitPriceMinor: number;
  /** For display: "USD 1,200.00". */
  unitPriceFormatted: string;
}

export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  /** How its price is charged: `yearly` (per unit for each year of the term) or `one-time`. */
  billing: LineBilling;
  active: boolean;
  prices: PriceView[];
  /** Name it when changing the product or its prices (If-Match or `revision`); also the `ETag`. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProductInput {
  sku: string;
  name: string;
  description?: string | null;
  /** Default `yearly`. */
  billing?: LineBilling;
  active?: boolean;
}
export type ProductChanges = Partial<Omit<ProductInput, 'sku'>>;

/** A product's list price, as the quote builder needs it. */
export interface ListPrice {
  sku: string;
  name: string;
  billing: LineBilling;
  active: boolean;
  priceBook: string;
  currency: CurrencyCode;
  unitPriceMinor: number;
}

export async function createProduct(db: Db, actor: Actor, input: ProductInput, now: Date): Promise<ProductView> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.product.create({
        data: {
          id: `prd_${randomUUID().replaceAll('-', '')}`,
          tenant: actor.tenant,
          sku: input.sku,
          name: input.name,
          description: input.description ?? null,
          billing: input.billing ?? 'yearly',
          active: input.active ?? true,
        },
        include: { prices: true },
      });
      await auditProduct(tx, actor, row, 'product.created', now, { sku: row.sku, name: row.name });
      return toProductView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new LeadflowError(
        'conflict',
        `A product with SKU ${input.sku} already exists; change it with PATCH /api/products/${encodeURIComponent(input.sku)}.`,
      );
    throw error;
  }
}

/** Every product (active or not) by SKU, with all its prices. */
export async function listProducts(db: Db, actor: Actor, filter: { active?: boolean }): Promise<ProductView[]> {
  const rows = await db.product.findMany({
    where: { tenant: actor.tenant, ...(filter.active === undefined ? {} : { active: filter.active }) },
    include: { prices: true },
    orderBy: { sku: 'asc' },
  });
  return rows.map(toProductView);
}

export async function getProduct(db: Db, actor: Actor, sku: string): Promise<ProductView> {
  return toProductView(await findProduct(db, actor.tenant, sku));
}

/** Changes the product if it is still at `expectedRevision`; 409 stale_revision naming the current one otherwise. */
export async function updateProduct(
  db: Db,
  actor: Actor,
  sku: string,
  changes: ProductChanges,
  expectedRevision: number,
  now: Date,
): Promise<ProductView> {
  return db.$transaction(async (tx) => {
    const product = await findProduct(tx, actor.tenant, sku);
    await claimRevision(tx, product, expectedRevision, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.billing !== undefined ? { billing: changes.billing } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
    });
    await auditProduct(tx, actor, product, 'product.updated', now, { changes, revision: expectedRevision + 1 });
    return toProductView(await findProduct(tx, actor.tenant, sku));
  });
}

/**
 * Deletes a product that no price book lists. One that a price book lists is refused with a 409
 * that names the price books: a DELETE that answered 2xx and left the product readable would lie
 * to the caller. RevOps deactivates it instead (PATCH `active: false`, which keeps its prices so
 * quotes that name it still resolve), or removes its prices first.
 */
export async function removeProduct(
  db: Db,
  actor: Actor,
  sku: string,
  expectedRevision: number,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const product = await findProduct(tx, actor.tenant, sku);
    if (product.revision !== expectedRevision) throw stale(product, expectedRevision);
    if (product.prices.length > 0) {
      const books = product.prices.map((price) => `${price.priceBook} ${price.currency}`).join(', ');
      throw new LeadflowError(
        'conflict',
        `${sku} is listed in a price book (${books}), so it is kept for the quotes that name it. ` +
          'Deactivate it instead (PATCH /api/products/' +
          `${sku} with {"active": false, "revision": ${product.revision}}), or remove its prices first.`,
      );
    }
    const { count } = await tx.product.deleteMany({ where: { id: product.id, revision: expectedRevision } });
    if (count === 0) throw stale(await findProduct(tx, actor.tenant, sku), expectedRevision);
    await auditProduct(tx, actor, product, 'product.deleted', now, { sku });
  });
}

/**
 * Sets the product's unit price in a price book and currency, if the product is still at
 * `expectedRevision` (a price is part of the product, so the product's revision goes up by one).
 * `created` says whether the entry is new; `revision` is the product's new revision.
 */
export async function setPrice(
  db: Db,
  actor: Actor,
  sku: string,
  entry: { priceBook: string; currency: CurrencyCode; unitPrice: string },
  expectedRevision: number,
  now: Date,
): Promise<{ price: PriceView; created: boolean; revision: number }> {
  const unitPriceMinor = parseUnitPrice(entry.unitPrice, entry.currency);
  return db.$transaction(async (tx) => {
    const product = await findProduct(tx, actor.tenant, sku);
    await claimRevision(tx, product, expectedRevision, {});
    const where = {
      tenant_priceBook_productId_currency: {
        tenant: actor.tenant,
        priceBook: entry.priceBook,
        productId: product.id,
        currency: entry.currency,
      },
    };
    const existing = await tx.priceBookEntry.findUnique({ where, select: { id: true } });
    const row = await tx.priceBookEntry.upsert({
      where,
      create: {
        id: `pbe_${randomUUID().replaceAll('-', '')}`,
        tenant: actor.tenant,
        priceBook: entry.priceBook,
        productId: product.id,
        currency: entry.currency,
        unitPriceMinor: BigInt(unitPriceMinor),
      },
      update: { unitPriceMinor: BigInt(unitPriceMinor) },
    });
    await auditProduct(tx, actor, product, 'product.price-set', now, {
      priceBook: entry.priceBook,
      currency: entry.currency,
      unitPriceMinor,
      revision: expectedRevision + 1,
    });
    return { price: toPriceView(row), created: existing === null, revision: expectedRevision + 1 };
  });
}

/** Removes one price if the product is still at `expectedRevision`; answers the product's new revision. */
export async function removePrice(
  db: Db,
  actor: Actor,
  sku: string,
  entry: { priceBook: string; currency: string },
  expectedRevision: number,
  now: Date,
): Promise<{ revision: number }> {
  return db.$transaction(async (tx) => {
    const product = await findProduct(tx, actor.tenant, sku);
    await claimRevision(tx, product, expectedRevision, {});
    const { count } = await tx.priceBookEntry.deleteMany({
      where: { tenant: actor.tenant, priceBook: entry.priceBook, productId: product.id, currency: entry.currency },
    });
    if (count === 0)
      throw new LeadflowError(
        'not_found',
        `Product ${sku} has no ${entry.currency} price in price book "${entry.priceBook}".`,
      );
    await auditProduct(tx, actor, product, 'product.price-removed', now, {
      priceBook: entry.priceBook,
      currency: entry.currency,
      revision: expectedRevision + 1,
    });
    return { revision: expectedRevision + 1 };
  });
}

/** Active products with their prices in one price book (and currency, when given), by SKU. */
export async function getCatalog(db: Db, actor: Actor, query: { priceBook: string; currency?: CurrencyCode }) {
  const rows = await db.product.findMany({
    where: { tenant: actor.tenant, active: true },
    include: {
      prices: { where: { priceBook: query.priceBook, ...(query.currency ? { currency: query.currency } : {}) } },
    },
    orderBy: { sku: 'asc' },
  });
  return {
    priceBook: query.priceBook,
    currency: query.currency ?? null,
    products: rows.map((row) => ({
      sku: row.sku,
      name: row.name,
      description: row.description,
      billing: billingOf(row),
      prices: sortPrices(row.prices).map(toPriceView),
    })),
  };
}

/** A product's list price in a price book and currency, or null when it has none there. For the quote builder. */
export async function findListPrice(
  db: Pick<Db, 'product'>,
  tenant: string,
  query: { sku: string; priceBook: string; currency: CurrencyCode },
): Promise<ListPrice | null> {
  const product = await db.product.findUnique({
    where: { tenant_sku: { tenant, sku: query.sku } },
    include: { prices: { where: { priceBook: query.priceBook, currency: query.currency } } },
  });
  const price = product?.prices[0];
  if (!product || !price) return null;
  return {
    sku: product.sku,
    name: product.name,
    billing: billingOf(product),
    active: product.active,
    priceBook: price.priceBook,
    currency: query.currency,
    unitPriceMinor: minorOf(price),
  };
}

/** Parses "1200.00" exactly into minor units; a field error (never a float, never a 500) otherwise. */
function parseUnitPrice(text: string, currency: CurrencyCode): number {
  try {
    const minor = parseMoney(text, currency);
    if (minor < 0) throw new MoneyError('invalid-amount', `"${text}" is negative; a list price is 0 or more`);
    return minor;
  } catch (error) {
    if (error instanceof MoneyError)
      // The text has the documented shape (a decimal); too many decimals for this currency is a 422.
      throw new LeadflowError(
        error.code === 'too-many-decimals' ? 'unprocessable' : 'validation_failed',
        'The price is invalid; see fields.',
        {
          details: [{ path: 'unitPrice', message: error.message }],
        },
      );
    throw error;
  }
}

async function findProduct(db: Pick<Db, 'product'> | Tx, tenant: string, sku: string) {
  const product = await db.product.findUnique({ where: { tenant_sku: { tenant, sku } }, include: { prices: true } });
  if (!product) throw new LeadflowError('not_found', `No product with SKU ${sku} in tenant ${tenant}.`);
  return product;
}

/**
 * Moves the product from `expectedRevision` to the next one with `data`, in one conditional write,
 * so of two people who read the same revision only the first one's change is kept.
 */
async function claimRevision(
  tx: Tx,
  product: { id: string; sku: string; revision: number },
  expectedRevision: number,
  data: Prisma.ProductUpdateManyMutationInput,
): Promise<void> {
  const { count } = await tx.product.updateMany({
    where: { id: product.id, revision: expectedRevision },
    data: { ...data, revision: { increment: 1 } },
  });
  if (count === 0) {
    const current = (await tx.product.findUnique({ where: { id: product.id }, select: { revision: true } }))?.revision;
    throw stale({ sku: product.sku, revision: current ?? product.revision }, expectedRevision);
  }
}

function stale(product: { sku: string; revision: number }, sent: number): LeadflowError {
  return new LeadflowError(
    'stale_revision',
    `Product ${product.sku} is at revision ${product.revision}, not ${sent}: someone changed it since you read it. Reload it (GET /api/products/${encodeURIComponent(product.sku)}), reapply your change and send it with revision ${product.revision}.`,
    { details: [{ path: 'revision', message: `the current revision is ${product.revision}` }] },
  );
}

function toProductView(row: ProductRow & { prices: PriceRow[] }): ProductView {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    billing: billingOf(row),
    active: row.active,
    prices: sortPrices(row.prices).map(toPriceView),
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The product's billing, as stored (written through the schema, so another value is a bug). */
export function billingOf(product: { sku: string; billing: string }): LineBilling {
  const billing = LINE_BILLINGS.find((known) => known === product.billing);
  if (!billing)
    throw new LeadflowError('internal', `Product ${product.sku} has an unknown billing "${product.billing}".`);
  return billing;
}

function sortPrices(prices: PriceRow[]): PriceRow[] {
  return [...prices].sort((a, b) => a.priceBook.localeCompare(b.priceBook) || a.currency.localeCompare(b.currency));
}

function toPriceView(row: PriceRow): PriceView {
  const unitPriceMinor = minorOf(row);
  return {
    priceBook: row.priceBook,
    currency: row.currency,
    unitPriceMinor,
    unitPriceFormatted: formatMoney(unitPriceMinor, row.currency),
  };
}

function minorOf(row: PriceRow): number {
  const minor = Number(row.unitPriceMinor);
  if (!Number.isSafeInteger(minor))
    throw new LeadflowError('internal', `Price ${row.id} (${row.unitPriceMinor}) is beyond the largest exact amount.`);
  return minor;
}

async function auditProduct(
  tx: Tx,
  actor: Actor,
  product: { id: string },
  action: string,
  now: Date,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, {
    tenant: actor.tenant,
    subjectType: 'product',
    subjectId: product.id,
    action,
    actor: actor.email,
    details,
    occurredAt: now,
  });
}
