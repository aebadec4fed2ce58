/**
 * Bulk intake over HTTP: `POST /api/leads/batch` (JSON rows), `POST /api/imports/attendees` (an
 * event's attendee list as CSV), and following either up at `GET /api/intake-batches/{batchId}`.
 * Handlers parse, call the use-case (src/usecases/bulk-intake.ts) and answer 202 with the batch.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { LeadflowError } from '../../domain/errors';
import { text } from '../../domain/fields';
import { LEAD_SOURCES } from '../../domain/lead';
import { ATTENDEE_FIELDS, attendeeRows, type AttendeeField } from '../../usecases/attendee-csv';
import { assertWithinBatchLimit, captureBatch, type BatchRow } from '../../usecases/bulk-intake';
import {
  intakeBatchErrors,
  listIntakeBatches,
  viewIntakeBatch,
  type IntakeBatchView,
} from '../../usecases/intake-batch-view';
import type { IntakeDispatcher } from '../../usecases/intake-dispatcher';
import { sendCsv, toCsv } from '../csv';
import { csvText, csvUpload, delimiterParam, DELIMITERS, namedColumns } from '../csv-upload';
import { parseInput } from '../input';
import { rowErrorIn, rowFieldProblems, rowRule } from '../row-words';
import { DEFAULT_LANGUAGE, languageFromAcceptLanguage, type Language } from '../../domain/languages';
import { LeadInputSchema } from '../schemas';

/** A JSON batch or attendee file of MAX_BATCH_ROWS rows fits well within this. */
export const BATCH_BODY_LIMIT = '8mb';

const sourceSchema = z.enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` });

export const LeadBatchSchema = z.strictObject({
  leads: z
    .array(z.record(z.string(), z.unknown()), { error: 'must be an array of lead objects' })
    .min(1, 'must hold at least one lead')
    .meta({
      description:
        'The leads, each the body of `POST /api/leads` (`source` and `sourceDetails.campaign` may come from the batch). Each is checked on its own: a bad one is named in `errors` by its index, the others are captured. At most 5,000 (more is a 413).',
    }),
  source: sourceSchema.optional().meta({ description: 'The source of every lead that names none.' }),
  campaign: text(200)
    .optional()
    .meta({ description: 'The campaign (`sourceDetails.campaign`) of every lead that names none.' }),
});

const FIELD_LABELS: Record<AttendeeField, string> = {
  email: 'the email',
  externalId: "the attendee's id in the event tool",
  firstName: 'the first name',
  lastName: 'the last name',
  name: 'the full name (split at the last space when there are no name columns)',
  company: 'the company',
  title: 'the job title',
  phone: 'the phone number',
  country: 'the two-letter country code',
};

export const AttendeeImportQuerySchema = z.strictObject({
  campaign: text(200)
    .optional()
    .meta({ description: 'The campaign key of every attendee (`sourceDetails.campaign`).' }),
  source: sourceSchema.default('events').meta({ description: 'The lead source of every attendee; default `events`.' }),
  event: text(200).optional().meta({ description: "The event's name (`sourceDetails.event`)." }),
  fileName: text(200).optional().meta({ description: "The file's name, shown with the import's progress." }),
  delimiter: delimiterParam,
  ...(Object.fromEntries(
    ATTENDEE_FIELDS.map((field) => [
      `${field}Column`,
      text(100)
        .optional()
        .meta({ description: `Header of the column with ${FIELD_LABELS[field]}; default: found by its usual names.` }),
    ]),
  ) as Record<`${AttendeeField}Column`, z.ZodOptional<ReturnType<typeof text>>>),
});

export const IntakeBatchIdSchema = z.uuid({ error: 'is not an intake batch id (a UUID)' });
export const IntakeBatchListQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(20)
    .meta({ description: 'How many of the latest batches; default 20.' }),
});

export interface IntakeBatchRoutesDeps {
  db: Db;
  now?: () => Date;
  /** retentionDays: LEADFLOW_INTAKE_RETENTION_DAYS, named in the 404 of a batch deleted after it. */
  intake: { dispatcher?: Pick<IntakeDispatcher, 'handOver'>; retentionDays?: number };
}

export function intakeBatchRoutes(deps: IntakeBatchRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const captureDeps = { db: deps.db, now, dispatcher: deps.intake.dispatcher };

  router.post('/api/leads/batch', async (req, res) => {
    const rawLeads = (req.body as { leads?: unknown } | undefined)?.leads;
    if (Array.isArray(rawLeads)) assertWithinBatchLimit(rawLeads.length, 'batch');
    const batch = parseInput(LeadBatchSchema, 'body', req.body, 'The batch');
    const actor = requireActor(req);
    const rows = batch.leads.map((raw, row) => batchRow(raw, row, actor.tenant, batch));
    const receipt = await captureBatch(
      captureDeps,
      {
        tenant: actor.tenant,
        kind: 'batch',
        source: batch.source ?? null,
        campaign: batch.campaign ?? null,
        fileName: null,
        createdBy: actor.email,
      },
      rows,
    );
    res
      .status(202)
      .location(`/api/intake-batches/${receipt.batchId}`)
      .json(answerIn(await viewIntakeBatch(deps.db, actor.tenant, receipt.batchId), readerOf(req)));
  });

  router.post('/api/imports/attendees', csvUpload(BATCH_BODY_LIMIT), async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(AttendeeImportQuerySchema, 'query', req.query, 'The query');
    const body = csvText(req);
    const columns = namedColumns(ATTENDEE_FIELDS, query);
    const rows = attendeeRows(body, {
      source: query.source,
      campaign: query.campaign ?? null,
      event: query.event ?? null,
      delimiter: DELIMITERS[query.delimiter],
      columns,
    });
    const receipt = await captureBatch(
      captureDeps,
      {
        tenant: actor.tenant,
        kind: 'csv',
        source: query.source,
        campaign: query.campaign ?? null,
        fileName: query.fileName ?? null,
        createdBy: actor.email,
      },
      rows,
    );
    res
      .status(202)
      .location(`/api/intake-batches/${receipt.batchId}`)
      .json(answerIn(await viewIntakeBatch(deps.db, actor.tenant, receipt.batchId), readerOf(req)));
  });

  router.get('/api/intake-batches', async (req, res) => {
    const query = parseInput(IntakeBatchListQuerySchema, 'query', req.query, 'The query');
    res.json({ batches: await listIntakeBatches(deps.db, requireActor(req).tenant, query.limit) });
  });

  router.get('/api/intake-batches/:batchId/errors.csv', async (req, res) => {
    const id = IntakeBatchIdSchema.safeParse(req.params.batchId);
    if (!id.success) throw new LeadflowError('not_found', `No intake batch with id ${req.params.batchId}.`);
    const stored = await intakeBatchErrors(deps.db, requireActor(req).tenant, id.data, deps.intake.retentionDays);
    const errors = stored.map((error) => rowErrorIn(error, readerOf(req)));
    sendCsv(
      res,
      `intake-batch-${id.data}-errors.csv`,
      toCsv(
        ['row', 'column', 'field', 'message'],
        errors.map((error) => [String(error.row), error.column ?? '', error.field, error.message]),
      ),
    );
  });

  router.get('/api/intake-batches/:batchId', async (req, res) => {
    const id = IntakeBatchIdSchema.safeParse(req.params.batchId);
    if (!id.success) throw new LeadflowError('not_found', `No intake batch with id ${req.params.batchId}.`);
    const batch = await viewIntakeBatch(deps.db, requireActor(req).tenant, id.data, deps.intake.retentionDays);
    res.json(answerIn(batch, readerOf(req)));
  });

  return router;
}

/** The caller's language (Accept-Language; the workspace sends its own), for the rows' problems. */
function readerOf(req: Request): Language {
  return languageFromAcceptLanguage(req.get('accept-language')) ?? DEFAULT_LANGUAGE;
}

/** A batch as answered: its rows' problems in the reader's language, without their stored codes. */
function answerIn(batch: IntakeBatchView, language: Language) {
  return { ...batch, errors: batch.errors.map((error) => rowErrorIn(error, language)) };
}

/** One JSON row with the batch's defaults, checked as POST /api/leads checks its body. */
function batchRow(
  raw: Record<string, unknown>,
  row: number,
  tenant: string,
  batch: z.output<typeof LeadBatchSchema>,
): BatchRow {
  const details = raw.sourceDetails;
  const withDefaults = {
    ...(batch.source ? { source: batch.source } : {}),
    ...raw,
    ...(batch.campaign && (details === undefined || (typeof details === 'object' && details !== null))
      ? { sourceDetails: { campaign: batch.campaign, ...details } }
      : {}),
  };
  const parsed = LeadInputSchema.safeParse(withDefaults, { reportInput: true });
  if (!parsed.success) return { row, errors: rowFieldProblems(parsed.error).map((problem) => ({ row, ...problem })) };
  const { tenant: given, ...lead } = parsed.data;
  if (given !== undefined && given !== tenant)
    return { row, errors: [{ row, field: 'tenant', ...rowRule('tenant-not-yours', { tenant }) }] };
  return { row, lead };
}
