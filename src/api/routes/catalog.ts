/**
 * The product catalogue, its price books and the quote templates over HTTP. Everyone signed in
 * reads them; only RevOps changes them, naming the revision they read (If-Match or `revision`).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { requireActor, requireRole } from '../../auth/actor';
import type { Db } from '../../db/client';
import { CURRENCY_CODES } from '../../domain/money';
import { LINE_BILLINGS } from '../../domain/quote';
import {
  DEFAULT_PRICE_BOOK,
  createProduct,
  getCatalog,
  getProduct,
  listProducts,
  removePrice,
  removeProduct,
  setPrice,
  updateProduct,
} from '../../usecases/catalog';
import {
  PriceBookNameSchema,
  QuoteTemplateContentSchema,
  QuoteTemplateInputSchema,
  TemplateNameSchema,
  createQuoteTemplate,
  deleteQuoteTemplate,
  findQuoteTemplate,
  listQuoteTemplates,
  replaceQuoteTemplate,
} from '../../usecases/quote-templates';
import { expectedRevisionOf, parseInput } from '../input';

export interface CatalogRoutesDeps {
  db: Db;
  now?: () => Date;
}

export const SkuSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits and . _ - (e.g. "PLAT-ENT-1Y")');
/** A supported ISO 4217 code, in any case ("usd" is USD); the document lists the codes. */
export const currencyCode = () =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.toUpperCase() : value),
    z.enum(CURRENCY_CODES, {
      error: `must be an ISO 4217 currency code leadflow supports (${CURRENCY_CODES.join(', ')})`,
    }),
  );
const currency = currencyCode();

/** The revision a change names in its body (or send If-Match). */
const revisionField = (whose: string) =>
  z
    .number({ error: 'must be the revision you read, a whole number' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(999_999_999, 'must be at most 999999999')
    .optional()
    .meta({ description: `The ${whose} revision you read (or send If-Match).` });

export const ProductCreateSchema = z.strictObject({
  sku: SkuSchema,
  name: text(200),
  description: text(4000).nullable().optional(),
  billing: z
    .enum(LINE_BILLINGS, { error: 'must be yearly (a price per unit per year of the term) or one-time' })
    .optional(),
  active: z.boolean({ error: 'must be true or false' }).optional(),
});
export const ProductPatchSchema = ProductCreateSchema.omit({ sku: true })
  .partial()
  .extend({ revision: revisionField("product's") })
  // Well-formed but says nothing to change: the OpenAPI schema cannot say "a field besides
  // revision", so a 422 (FieldError.unprocessable).
  .refine((changes) => Object.keys(changes).some((key) => key !== 'revision'), {
    ...because('some-field-besides-revision', {}, { unprocessable: true }),
  });
/** The body a DELETE may carry: only the revision (or send If-Match and no body). */
export const ProductRevisionSchema = z.strictObject({ revision: revisionField("product's") });
export const ProductListQuerySchema = z.strictObject({
  active: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
});
export const SkuParamsSchema = z.object({ sku: SkuSchema });
export const PriceParamsSchema = z.object({ sku: SkuSchema, priceBook: PriceBookNameSchema, currency });
export const PriceSchema = z.strictObject({
  unitPrice: z
    .string({ error: 'must be a decimal string such as "1200.00" (text, not a JSON number, so it stays exact)' })
    .regex(
      /^\d{1,12}(?:\.\d{1,3})?$/,
      'must be a decimal string such as "1200.00": up to 12 digits, an optional "." and up to 3 decimals',
    )
    .meta({
      description:
        'Decimal text in the currency, e.g. "1200.00". More decimals than the currency has (e.g. "1.5" JPY) is a 422.',
    }),
  revision: revisionField("product's"),
});
export const CatalogQuerySchema = z.strictObject({
  priceBook: PriceBookNameSchema.default(DEFAULT_PRICE_BOOK),
  currency: currency.optional().meta({ description: 'Only prices in this currency.' }),
});
export const TemplateParamsSchema = z.object({ name: TemplateNameSchema });
export const QuoteTemplatePutSchema = QuoteTemplateContentSchema.extend({ revision: revisionField("template's") });
export const TemplateRevisionSchema = z.strictObject({ revision: revisionField("template's") });

/** The roles that maintain the catalogue, price books and templates. */
const MAINTAINERS = ['revops'] as const;

export function catalogRoutes(deps: CatalogRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const sku = (req: Request) => parseInput(SkuParamsSchema, 'params', req.params, 'The path').sku;
  const templateName = (req: Request) => parseInput(TemplateParamsSchema, 'params', req.params, 'The path').name;

  router.get('/api/catalog', async (req, res) => {
    const actor = requireActor(req);
    res.json(await getCatalog(deps.db, actor, parseInput(CatalogQuerySchema, 'query', req.query, 'The query')));
  });

  router.post('/api/products', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing the product catalogue');
    const product = await createProduct(
      deps.db,
      actor,
      parseInput(ProductCreateSchema, 'body', req.body, 'The product'),
      now(),
    );
    res
      .status(201)
      .location(`/api/products/${encodeURIComponent(product.sku)}`)
      .json(product);
  });
  router.get('/api/products', async (req, res) => {
    const actor = requireActor(req);
    res.json({
      products: await listProducts(deps.db, actor, parseInput(ProductListQuerySchema, 'query', req.query, 'The query')),
    });
  });
  router.get('/api/products/:sku', async (req, res) => {
    const actor = requireActor(req);
    const product = await getProduct(deps.db, actor, sku(req));
    res.setHeader('ETag', `"${product.revision}"`).json(product);
  });
  router.patch('/api/products/:sku', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing the product catalogue');
    const { revision, ...changes } = parseInput(ProductPatchSchema, 'body', req.body, 'The product');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The product');
    const product = await updateProduct(deps.db, actor, sku(req), changes, expectedRevision, now());
    res.setHeader('ETag', `"${product.revision}"`).json(product);
  });
  router.delete('/api/products/:sku', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing the product catalogue');
    const { revision } = parseInput(ProductRevisionSchema, 'body', req.body, 'The deletion');
    // A product that is not there is a 404 before a missing revision is a 428.
    await getProduct(deps.db, actor, sku(req));
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The deletion');
    await removeProduct(deps.db, actor, sku(req), expectedRevision, now());
    res.status(204).end();
  });
  router.put('/api/products/:sku/prices/:priceBook/:currency', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing a price book');
    const params = parseInput(PriceParamsSchema, 'params', req.params, 'The path');
    const { unitPrice, revision } = parseInput(PriceSchema, 'body', req.body, 'The price');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The price');
    const set = await setPrice(
      deps.db,
      actor,
      params.sku,
      { priceBook: params.priceBook, currency: params.currency, unitPrice },
      expectedRevision,
      now(),
    );
    // The ETag is the product's new revision: a price is part of the product.
    res
      .status(set.created ? 201 : 200)
      .setHeader('ETag', `"${set.revision}"`)
      .json(set.price);
  });
  router.delete('/api/products/:sku/prices/:priceBook/:currency', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing a price book');
    const params = parseInput(PriceParamsSchema, 'params', req.params, 'The path');
    const { revision } = parseInput(ProductRevisionSchema, 'body', req.body, 'The removal');
    await getProduct(deps.db, actor, params.sku);
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The removal');
    const removed = await removePrice(deps.db, actor, params.sku, params, expectedRevision, now());
    res.status(204).setHeader('ETag', `"${removed.revision}"`).end();
  });

  router.post('/api/quote-templates', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing quote templates');
    const { name, ...content } = parseInput(QuoteTemplateInputSchema, 'body', req.body, 'The quote template');
    const template = await createQuoteTemplate(deps.db, actor, name, content, now());
    res.status(201).location(`/api/quote-templates/${template.name}`).json(template);
  });
  router.get('/api/quote-templates', async (req, res) => {
    res.json({ templates: await listQuoteTemplates(deps.db, requireActor(req)) });
  });
  router.get('/api/quote-templates/:name', async (req, res) => {
    const actor = requireActor(req);
    const template = await findQuoteTemplate(deps.db, actor, templateName(req));
    res.setHeader('ETag', `"${template.revision}"`).json(template);
  });
  router.put('/api/quote-templates/:name', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing quote templates');
    const { revision, ...content } = parseInput(QuoteTemplatePutSchema, 'body', req.body, 'The quote template');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The quote template');
    const template = await replaceQuoteTemplate(deps.db, actor, templateName(req), content, expectedRevision, now());
    res.setHeader('ETag', `"${template.revision}"`).json(template);
  });
  router.delete('/api/quote-templates/:name', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing quote templates');
    const { revision } = parseInput(TemplateRevisionSchema, 'body', req.body, 'The deletion');
    await findQuoteTemplate(deps.db, actor, templateName(req));
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The deletion');
    await deleteQuoteTemplate(deps.db, actor, templateName(req), expectedRevision, now());
    res.status(204).end();
  });

  return router;
}
