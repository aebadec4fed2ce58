/**
 * Importing history over HTTP: `POST /api/imports/history` takes a CRM export (CSV body) of past
 * leads and closed deals. Revops' only (the access policy says so); the use-case checks every row.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { HISTORY_FIELDS, type HistoryField } from '../../domain/history-row';
import { text } from '../../domain/fields';
import type { RuleRegistry } from '../../rules/registry';
import { importHistory, lossReasonCatalogue } from '../../usecases/history-import';
import { csvText, csvUpload, delimiterParam, DELIMITERS, namedColumns } from '../csv-upload';
import { parseInput } from '../input';
import { tenantZone } from './analytics';

export interface ImportRoutesDeps {
  db: Db;
  registry: RuleRegistry;
  /** LEADFLOW_REPORTING_ZONE; null: the zone of escalation.yaml's default calendar. */
  reportingZone: string | null;
  now?: () => Date;
}

/** A history export: up to 50 000 rows of a few hundred bytes. */
export const HISTORY_BODY_LIMIT = '16mb';

const FIELD_LABELS: Record<HistoryField, string> = {
  externalId: "the record's id in the other CRM (the import key when given)",
  email: "the lead's email",
  name: "the person's full name",
  company: 'the company (and the account of its deal)',
  title: 'job title',
  source: 'the lead source (events, content, ads, partner-referral, customer-referral, social, cold-outreach)',
  campaign: 'the campaign key',
  industry: 'industry',
  employees: 'company size in employees',
  region: 'region',
  country: 'the country: an ISO 3166 code (DE) or its name in English or Chinese (Germany, 德国)',
  owner: "the owner's email",
  created: 'when the lead was created',
  mqlDate: 'when it became an MQL',
  sqlDate: 'when it became an SQL',
  dealName: "the deal's name",
  dealCreated: 'when the deal was opened',
  amount: "the deal's ACV, decimal",
  currency: "the amount's ISO 4217 currency",
  stage: "the deal's stage (closed won or closed lost)",
  outcome: 'won or lost',
  closedDate: 'when the deal closed',
  lossReason: 'a loss-reasons.yaml code or label, or words',
  competitor: 'who won a lost deal',
};

export const HistoryImportQuerySchema = z.strictObject({
  ...(Object.fromEntries(
    HISTORY_FIELDS.map((field) => [
      `${field}Column`,
      text(100)
        .optional()
        .meta({ description: `Header of the column with ${FIELD_LABELS[field]}; default: found by its usual names.` }),
    ]),
  ) as Record<`${HistoryField}Column`, z.ZodOptional<ReturnType<typeof text>>>),
  delimiter: delimiterParam,
  dryRun: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .meta({ description: 'true: check the file and count what would be imported, store nothing.' }),
});

export function importRoutes(deps: ImportRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.post('/api/imports/history', csvUpload(HISTORY_BODY_LIMIT), async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(HistoryImportQuerySchema, 'query', req.query, 'The query');
    const body = csvText(req);
    const columns = namedColumns(HISTORY_FIELDS, query);
    res.json(
      await importHistory(
        deps.db,
        actor,
        body,
        {
          columns,
          delimiter: DELIMITERS[query.delimiter],
          dryRun: query.dryRun === 'true',
          defaultOwner: actor.email,
        },
        {
          zone: tenantZone(deps),
          now: now(),
          lossReasons: lossReasonCatalogue(deps.registry.activeOrNull()?.lossReasons ?? null),
        },
      ),
    );
  });
  return router;
}
