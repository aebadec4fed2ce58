/**
 * The quote builder over HTTP: create a quote on a deal, edit it into new versions (optimistic
 * concurrency by `revision`), read it, its versions and their differences, and render a version
 * as HTML or PDF. Everyone signed in reads; the deal's owner, their managers and revops write.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { because, TAX_REGION_EN } from '../zod-words';
import { emailAddress } from '../schemas';
import { requireActor } from '../../auth/actor';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { isRegionCode } from '../../domain/countries';
import { NoActiveRulesetError, type RuleRegistry } from '../../rules/registry';
import type { Ruleset } from '../../rules/ruleset';
import { LeadflowError } from '../../domain/errors';
import { LANGUAGES } from '../../domain/languages';
import { TemplateNameSchema } from '../../usecases/quote-templates';
import {
  diffQuote,
  listDealQuotes,
  listQuoteVersions,
  renderQuoteVersion,
  viewQuote,
  viewQuoteVersion,
  type QuoteDocumentFormat,
} from '../../usecases/quote-views';
import {
  createQuote,
  editQuote,
  submitQuoteVersion,
  type QuoteDeps,
  type QuoteWriteResult,
} from '../../usecases/quotes';
import { parseInput } from '../input';
import { currencyCode, SkuSchema } from './catalog';
import { DealIdSchema } from './deals';

export interface QuoteRoutesDeps {
  db: Db;
  temporal: Client;
  registry: RuleRegistry;
  now?: () => Date;
}

const decimalText = (example: string, what: string) =>
  z
    .string({ error: `must be text such as "${example}" (not a JSON number, so it stays exact)` })
    .regex(/\S/, 'must not be empty')
    .trim()
    .max(40, 'must be at most 40 characters')
    .meta({ description: what });

export const QuoteIdSchema = z
  .string()
  .regex(/^qo_[A-Za-z0-9_-]{22}$/, 'is not a quote id (qo_ followed by 22 characters)');
const REGION = TAX_REGION_EN;
/** The shape is in the document; a well-formed code that is no country ("XX") is a 422. */
export const RegionSchema = z
  .string()
  .regex(/^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?$/, REGION)
  .transform((code) => code.toUpperCase())
  .refine(isRegionCode, because('tax-region-unknown', {}, { unprocessable: true }))
  .meta({
    description:
      'The tax region: ISO 3166 country code, optionally "-" and a subdivision ("US-NY", "GB"); its rate comes from approvals.yaml `quotes.taxRates`.',
  });

export const QuoteLineSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, _ or -')
    .optional()
    .meta({
      description:
        "Keeps the line's identity across versions (from a previous version's `content.lines[].id`). Without it, a line takes over the previous version's line with the same SKU.",
    }),
  sku: SkuSchema,
  quantity: z
    .number({ error: 'must be a whole number of units' })
    .int('must be a whole number of units')
    .min(1, 'must be at least 1')
    .max(1_000_000_000, 'must be at most 1,000,000,000'),
  unitPrice: decimalText(
    '1200.00',
    "Decimal text in the quote's currency; default: the template's price book price. A price below it is a discount against it and counts toward the approval tier (unless approvals.yaml `priceOverrides.withoutApproval` lists the author's role); a price above it is no discount.",
  ).optional(),
  discount: decimalText('12.5', 'Percent, up to 2 decimals, e.g. "12.5"; default 0.').optional(),
});

export const QuoteDraftSchema = z.strictObject({
  template: TemplateNameSchema.optional().meta({
    description:
      'The quote template (seller, payment terms, currency, price book, validity); default "standard". An edit that names none keeps the quote\'s template.',
  }),
  currency: currencyCode()
    .optional()
    .meta({ description: "Default: the template's currency. An edit keeps the quote's currency." }),
  customer: z.strictObject({
    company: text(200),
    contactName: text(200).optional(),
    email: emailAddress('must be an email address').optional(),
    address: text(1000).optional(),
    region: RegionSchema,
  }),
  lines: z.array(QuoteLineSchema).min(1, 'a quote needs at least one line').max(200, 'at most 200 lines'),
  overallDiscount: decimalText(
    '5',
    'Percent off the subtotal after line discounts, up to 2 decimals; default 0.',
  ).optional(),
  termMonths: z
    .number({ error: 'must be a whole number of months' })
    .int('must be a whole number of months')
    .min(1, 'must be at least 1 month')
    .max(120, 'must be at most 120 months (ten years)')
    .optional()
    .meta({
      description:
        "The subscription term in months; the won contract runs this long. Default: the previous version's, else 12.",
    }),
  paymentTerms: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a short code such as "net-30", "net-45" or "due-on-receipt"')
    .optional(),
  validUntil: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({
    description:
      "Last day the offer stands; default today + the template's validForDays, else approvals.yaml `quotes.validFor`.",
  }),
  notes: text(4000).optional(),
});
export const QuoteEditSchema = QuoteDraftSchema.extend({
  revision: z
    .number({ error: 'must be the revision you read (GET /api/quotes/{quoteId})' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more'),
});
export const VersionParamsSchema = z.object({
  quoteId: QuoteIdSchema,
  version: z.coerce
    .number({ error: 'must be a version number' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more'),
});
export const DiffQuerySchema = z.strictObject({
  from: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .optional()
    .meta({ description: 'Default: the version before `to`.' }),
  to: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .optional()
    .meta({ description: 'Default: the current version.' }),
});
export const DocumentQuerySchema = z.strictObject({
  format: z
    .enum(['html', 'pdf'], { error: 'must be html or pdf' })
    .optional()
    .meta({ description: 'Overrides the Accept header.' }),
  lang: z
    .enum(LANGUAGES, { error: `must be ${LANGUAGES.join(' or ')}` })
    .optional()
    .meta({
      description:
        "The document's language. Default: the customer's, the language the quote's email is written in (the recipient contact's, else the deal's lead's, else en). Accept-Language is not read: it is the caller's, not the customer's.",
    }),
});

function pathId<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new LeadflowError(
      'not_found',
      `No ${what} ${String(value)}: ${parsed.error.issues[0]?.message ?? 'invalid id'}.`,
    );
  return parsed.data;
}

/** 201/200 when the deal's workflow took the version; 202 when it is saved but not yet submitted. */
function writeStatus(result: QuoteWriteResult, created: number): number {
  return result.submission && !result.submission.submitted ? 202 : created;
}

export function quoteRoutes(deps: QuoteRoutesDeps): Router {
  const router = Router();
  const useCases: QuoteDeps = {
    db: deps.db,
    temporal: deps.temporal,
    now: deps.now ?? (() => new Date()),
    ruleset: (): Ruleset => {
      try {
        return deps.registry.active();
      } catch (error) {
        if (error instanceof NoActiveRulesetError)
          throw new LeadflowError(
            'rules_unavailable',
            'No valid rules are active, so tax rates and approvals cannot be decided; fix the rules (`npx leadflow rules check`).',
            { cause: error },
          );
        throw error;
      }
    },
  };
  const quoteId = (req: Request) => pathId(QuoteIdSchema, req.params.quoteId, 'quote');
  const versionParams = (req: Request) =>
    parseInput(VersionParamsSchema, 'params', { ...req.params, quoteId: quoteId(req) }, 'The path');

  router.post('/api/deals/:dealId/quotes', async (req, res) => {
    const actor = requireActor(req);
    const dealId = pathId(DealIdSchema, req.params.dealId, 'deal');
    const result = await createQuote(
      useCases,
      actor,
      dealId,
      parseInput(QuoteDraftSchema, 'body', req.body, 'The quote'),
    );
    res.status(writeStatus(result, 201)).location(`/api/quotes/${result.quote.id}`).json(result);
  });

  router.get('/api/deals/:dealId/quotes', async (req, res) => {
    const actor = requireActor(req);
    res.json(await listDealQuotes(deps.db, actor, pathId(DealIdSchema, req.params.dealId, 'deal')));
  });

  router.get('/api/quotes/:quoteId', async (req, res) => {
    res.json(await viewQuote(deps.db, requireActor(req), quoteId(req)));
  });

  router.put('/api/quotes/:quoteId', async (req, res) => {
    const actor = requireActor(req);
    const id = quoteId(req);
    const { revision, ...draft } = parseInput(QuoteEditSchema, 'body', req.body, 'The quote');
    const result = await editQuote(useCases, actor, id, revision, draft);
    res.status(writeStatus(result, 200)).json(result);
  });

  router.get('/api/quotes/:quoteId/versions', async (req, res) => {
    res.json(await listQuoteVersions(deps.db, requireActor(req), quoteId(req)));
  });

  router.get('/api/quotes/:quoteId/diff', async (req, res) => {
    const actor = requireActor(req);
    const id = quoteId(req);
    res.json(await diffQuote(deps.db, actor, id, parseInput(DiffQuerySchema, 'query', req.query, 'The query')));
  });

  router.get('/api/quotes/:quoteId/versions/:version', async (req, res) => {
    const actor = requireActor(req);
    const { quoteId: id, version } = versionParams(req);
    res.json(await viewQuoteVersion(deps.db, actor, id, version));
  });

  router.get('/api/quotes/:quoteId/versions/:version/document', async (req, res) => {
    const actor = requireActor(req);
    const { quoteId: id, version } = versionParams(req);
    const query = parseInput(DocumentQuerySchema, 'query', req.query, 'The query');
    const format = documentFormat(req, query.format);
    sendDocument(res, await renderQuoteVersion(deps.db, actor, id, version, format, query.lang));
  });

  router.post('/api/quotes/:quoteId/versions/:version/submit', async (req, res) => {
    const actor = requireActor(req);
    const { quoteId: id, version } = versionParams(req);
    res.json(await submitQuoteVersion(useCases, actor, id, version));
  });

  return router;
}

/** `?format=` wins; otherwise the Accept header picks HTML (the default) or PDF. */
function documentFormat(req: Request, format: QuoteDocumentFormat | undefined): QuoteDocumentFormat {
  if (format) return format;
  const accepted = req.accepts(['text/html', 'application/pdf']);
  if (accepted === 'application/pdf') return 'pdf';
  if (accepted === 'text/html') return 'html';
  throw new LeadflowError(
    'validation_failed',
    'A quote document is text/html or application/pdf; ask for one in Accept, or add ?format=html or ?format=pdf.',
    {
      details: [{ path: 'format', message: 'must be html or pdf' }],
    },
  );
}

function sendDocument(res: Response, document: Awaited<ReturnType<typeof renderQuoteVersion>>): void {
  res.vary('Accept');
  res.setHeader('Content-Language', document.language);
  switch (document.format) {
    case 'html':
      res.type('html').send(document.html);
      return;
    case 'pdf':
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${document.fileName}"`);
      res.send(Buffer.from(document.pdf));
      return;
  }
}
