/**
 * The product catalogue, its price books and the quote templates over HTTP. Everyone signed in
 * reads them; only RevOps changes them.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
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
import { parseInput } from '../input';

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
  .refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change')
  .meta({ minProperties: 1 });
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
});
export const CatalogQuerySchema = z.strictObject({
  priceBook: PriceBookNameSchema.default(DEFAULT_PRICE_BOOK),
  currency: currency.optional().meta({ description: 'Only prices in this currency.' }),
});
export const TemplateParamsSchema = z.object({ name: TemplateNameSchema });

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
    res.json(await getProduct(deps.db, actor, sku(req)));
  });
  router.patch('/api/products/:sku', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing the product catalogue');
    res.json(
      await updateProduct(
        deps.db,
        actor,
        sku(req),
        parseInput(ProductPatchSchema, 'body', req.body, 'The product'),
        now(),
      ),
    );
  });
  router.delete('/api/products/:sku', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing the product catalogue');
    await removeProduct(deps.db, actor, sku(req), now());
    res.status(204).end();
  });
  router.put('/api/products/:sku/prices/:priceBook/:currency', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing a price book');
    const params = parseInput(PriceParamsSchema, 'params', req.params, 'The path');
    const { unitPrice } = parseInput(PriceSchema, 'body', req.body, 'The price');
    const { price, created } = await setPrice(
      deps.db,
      actor,
      params.sku,
      { priceBook: params.priceBook, currency: params.currency, unitPrice },
      now(),
    );
    res.status(created ? 201 : 200).json(price);
  });
  router.delete('/api/products/:sku/prices/:priceBook/:currency', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing a price book');
    const params = parseInput(PriceParamsSchema, 'params', req.params, 'The path');
    await removePrice(deps.db, actor, params.sku, params, now());
    res.status(204).end();
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
    res.json(await findQuoteTemplate(deps.db, actor, templateName(req)));
  });
  router.put('/api/quote-templates/:name', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing quote templates');
    const content = parseInput(QuoteTemplateContentSchema, 'body', req.body, 'The quote template');
    res.json(await replaceQuoteTemplate(deps.db, actor, templateName(req), content, now()));
  });
  router.delete('/api/quote-templates/:name', async (req, res) => {
    const actor = requireRole(req, MAINTAINERS, 'Changing quote templates');
    await deleteQuoteTemplate(deps.db, actor, templateName(req), now());
    res.status(204).end();
  });

  return router;
}
