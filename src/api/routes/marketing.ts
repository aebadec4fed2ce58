/**
 * Campaigns and marketing spend over HTTP: create or rename a campaign, enter one spend entry,
 * import a CSV file of them, list and remove entries. Entering spend is revops' (the access policy
 * says so); the use-cases check every field and campaign.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { LEAD_SOURCES } from '../../domain/lead';
import { text } from '../../domain/fields';
import { currencyCode } from './catalog';
import { decimalAmount, monthSchema } from './quotas';
import { deleteSpend, listCampaigns, listSpend, putCampaign, recordSpend } from '../../usecases/marketing-spend';
import { importSpend } from '../../usecases/spend-import';
import { csvText, csvUpload, delimiterParam, DELIMITERS } from '../csv-upload';
import { parseInput } from '../input';

export interface MarketingRoutesDeps {
  db: Db;
  now?: () => Date;
}

/** CSV bodies: larger than JSON ones (a year of monthly spend for hundreds of campaigns). */
export const CSV_BODY_LIMIT = '2mb';

const source = z.enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` });
const currency = currencyCode();

export const CampaignSchema = z.strictObject({
  key: text(200).meta({
    description:
      'The campaign as leads carry it in sourceDetails.campaign, e.g. "spring-webinar-2026". It never changes.',
  }),
  name: text(200).meta({ description: 'What people call it.' }),
  source: source.nullable().optional().meta({ description: 'The channel it mostly runs on, if one.' }),
});

export const SpendSchema = z.strictObject({
  source: source.meta({ description: 'The lead source the money went to.' }),
  campaign: text(200).meta({ description: 'A campaign key (create it first with POST /api/campaigns).' }),
  month: monthSchema,
  currency: currency.meta({ description: 'ISO 4217 code, e.g. "USD".' }),
  amount: decimalAmount('12500.00').meta({
    description: 'Decimal text in the currency, e.g. "12500.00"; more decimals than the currency has is a 422.',
  }),
  note: text(1000).nullable().optional(),
});

export const SpendListQuerySchema = z.strictObject({
  from: monthSchema.optional().meta({ description: 'From this month (YYYY-MM), inclusive.' }),
  to: monthSchema.optional().meta({ description: 'Up to this month (YYYY-MM), inclusive.' }),
  source: source.optional(),
  campaign: text(200).optional().meta({ description: 'A campaign key.' }),
  currency: currency.optional(),
});

const columnName = text(100);
export const SpendImportQuerySchema = z.strictObject({
  sourceColumn: columnName
    .optional()
    .meta({ description: 'Header of the column with the lead source (default "source").' }),
  campaignColumn: columnName
    .optional()
    .meta({ description: 'Header of the campaign key column (default "campaign").' }),
  monthColumn: columnName.optional().meta({ description: 'Header of the month column, YYYY-MM (default "month").' }),
  currencyColumn: columnName.optional().meta({ description: 'Header of the currency column (default "currency").' }),
  amountColumn: columnName.optional().meta({ description: 'Header of the amount column (default "amount").' }),
  noteColumn: columnName.optional().meta({ description: 'Header of an optional note column (default "note").' }),
  currency: currency
    .optional()
    .meta({ description: 'The currency of every row, when the file has no currency column.' }),
  delimiter: delimiterParam,
  dryRun: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .meta({ description: 'true: check the file and count what would change, store nothing.' }),
});

export const SpendParamsSchema = z.object({ spendId: text(100) });

export function marketingRoutes(deps: MarketingRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.post('/api/campaigns', async (req, res) => {
    const actor = requireActor(req);
    const input = parseInput(CampaignSchema, 'body', req.body, 'The campaign');
    const { campaign, created } = await putCampaign(deps.db, actor, input, now());
    res.status(created ? 201 : 200).json(campaign);
  });

  router.get('/api/campaigns', async (req, res) => {
    res.json({ campaigns: await listCampaigns(deps.db, requireActor(req).tenant) });
  });

  router.post('/api/marketing-spend', async (req, res) => {
    const actor = requireActor(req);
    const input = parseInput(SpendSchema, 'body', req.body, 'The spend entry');
    const { entry, created } = await recordSpend(deps.db, actor, input, now());
    res.status(created ? 201 : 200).json(entry);
  });

  router.get('/api/marketing-spend', async (req, res) => {
    const query = parseInput(SpendListQuerySchema, 'query', req.query, 'The query');
    res.json({ entries: await listSpend(deps.db, requireActor(req).tenant, query) });
  });

  router.post('/api/marketing-spend/import', csvUpload(CSV_BODY_LIMIT), async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(SpendImportQuerySchema, 'query', req.query, 'The query');
    const body = csvText(req);
    const {
      currency,
      delimiter,
      dryRun,
      sourceColumn,
      campaignColumn,
      monthColumn,
      currencyColumn,
      amountColumn,
      noteColumn,
    } = query;
    const columns = {
      source: sourceColumn,
      campaign: campaignColumn,
      month: monthColumn,
      currency: currencyColumn,
      amount: amountColumn,
      note: noteColumn,
    };
    const result = await importSpend(
      deps.db,
      actor,
      body,
      {
        columns: Object.fromEntries(Object.entries(columns).filter(([, header]) => header !== undefined)),
        ...(currency ? { currency } : {}),
        delimiter: DELIMITERS[delimiter],
        dryRun: dryRun === 'true',
      },
      now(),
    );
    res.json(result);
  });

  router.delete('/api/marketing-spend/:spendId', async (req, res) => {
    const actor = requireActor(req);
    const { spendId } = parseInput(SpendParamsSchema, 'params', req.params, 'The path');
    await deleteSpend(deps.db, actor, spendId, now());
    res.status(204).end();
  });

  return router;
}
