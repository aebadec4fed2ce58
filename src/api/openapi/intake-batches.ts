/**
 * OpenAPI paths of bulk intake: a JSON batch of leads, an event's attendee list (CSV), and the
 * progress of either.
 */
import { z } from 'zod';
import { MAX_BATCH_ROWS } from '../../usecases/bulk-intake';
import { MAX_ERRORS_LISTED, type IntakeBatchSummary, type IntakeBatchView } from '../../usecases/intake-batch-view';
import {
  AttendeeImportQuerySchema,
  BATCH_BODY_LIMIT,
  IntakeBatchIdSchema,
  IntakeBatchListQuerySchema,
  LeadBatchSchema,
} from '../routes/intake-batches';
import { body, errorResponse, errors, json, pathParam, queryParams } from './common';

const RowErrorSchema = z.object({
  row: z.int().meta({
    description: "The row: the index in `leads` (0 is the first), or the CSV file's row number (the header is row 1).",
  }),
  field: z.string().meta({ description: 'The lead field, e.g. `email` or `sourceDetails.campaign`.' }),
  column: z.string().optional().meta({ description: 'CSV: the header of the column that held it.' }),
  message: z.string(),
});

const IntakeBatchSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['batch', 'csv']),
  source: z.string().nullable(),
  campaign: z.string().nullable(),
  fileName: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  received: z.int().meta({ description: 'Rows received.' }),
  accepted: z.int().meta({ description: 'Rows captured by this batch: each becomes (or joins) a journey.' }),
  alreadyImported: z.int().meta({
    description: 'Rows captured before, by an earlier batch or earlier in this one (the same content): not again.',
  }),
  rejected: z.int().meta({ description: 'Rows left out; `errors` says why.' }),
  progress: z.object({
    total: z.int().meta({ description: '= accepted.' }),
    pending: z.int().meta({ description: 'Captured, not yet stored by their journeys.' }),
    stored: z.int(),
    created: z.int().meta({ description: 'Stored as new leads.' }),
    merged: z.int().meta({ description: 'Stored into leads that existed (or another row of the batch).' }),
    failed: z.int().meta({ description: 'Refused by their journeys; `failures` says why.' }),
  }),
  done: z.boolean().meta({ description: 'No row waits for its journey any more.' }),
  waiting: z
    .object({
      reason: z.string().meta({ description: 'Why the last hand-over did not finish, e.g. Temporal unreachable.' }),
      rows: z.int().meta({ description: 'Rows being handed over again.' }),
    })
    .nullable()
    .meta({
      description:
        'Set while rows are retried because Temporal or the worker did not take them; they resume on their own.',
    }),
});

const IntakeBatchViewSchema = IntakeBatchSummarySchema.extend({
  errors: z
    .array(RowErrorSchema)
    .meta({ description: `The rejected rows' problems by row and field: the first ${MAX_ERRORS_LISTED}.` }),
  errorCount: z
    .int()
    .meta({ description: 'Every problem of the rejected rows; all are listed by `GET …/errors.csv`.' }),
  failures: z
    .array(z.object({ row: z.int(), submissionId: z.string(), code: z.string(), message: z.string() }))
    .meta({ description: 'Rows their journeys refused (the first 200).' }),
});

/** Compiles only when the use-case's answers fit the published schemas. */
export type IntakeBatchChecked =
  IntakeBatchView extends z.infer<typeof IntakeBatchViewSchema>
    ? IntakeBatchSummary extends z.infer<typeof IntakeBatchSummarySchema>
      ? true
      : never
    : never;

const LOCATION = {
  Location: { description: 'Where to follow the batch: `/api/intake-batches/{batchId}`.', schema: { type: 'string' } },
};
const TOO_LARGE = `More than ${MAX_BATCH_ROWS.toLocaleString('en')} rows, or a body over ${BATCH_BODY_LIMIT} (\`payload_too_large\`; the message names the limit); nothing was captured.`;
const batchIdParam = pathParam(
  'batchId',
  IntakeBatchIdSchema,
  "The batch's `id` (a UUID). Another form, or another tenant's batch, is a 404.",
);

export const intakeBatchPaths = {
  '/api/leads/batch': {
    post: {
      operationId: 'captureLeadBatch',
      tags: ['leads'],
      summary:
        'Capture many leads at once (up to 5,000): bad rows are named, the others captured; sending the same rows again captures nothing twice',
      description:
        'Each lead is checked as the body of `POST /api/leads`. The good ones are stored in the intake outbox before the answer and reach their journeys as fast as Temporal takes them (also after an outage or a restart). A row\'s capture is keyed by the tenant and its content, so a re-sent row counts as `alreadyImported`. Rows with the same email land in one lead. Follow the progress at `Location`. See docs/api.md "Bulk intake".',
      requestBody: body(LeadBatchSchema),
      responses: {
        '202': {
          description: 'Captured: the batch with its counts, the rejected rows, and its progress so far.',
          headers: LOCATION,
          content: json(IntakeBatchViewSchema),
        },
        ...errors(
          ['400', 'The body is not `{ leads: [objects…] }` with at least one lead (`validation_failed`).'],
          ['413', TOO_LARGE],
          ['503', 'The database is unreachable (`database_unavailable`); nothing was captured.'],
        ),
      },
    },
  },
  '/api/imports/attendees': {
    post: {
      operationId: 'importAttendees',
      tags: ['imports'],
      summary:
        "Capture an event's attendee list (CSV, English or Chinese headers): bad rows are named by row and column, the others captured; importing the same file again captures nothing twice",
      description:
        'The body is the file (`Content-Type: text/csv`), its first row the headers. Columns are found by their usual names in English or Simplified Chinese (email/邮箱, first name/名, last name/姓, name/姓名, company/公司, title/职位, phone/电话, country/国家 …) or by the headers the `…Column` parameters name. Every row gets the `source` (default `events`) and `campaign`. A rejected row is named by its file row (the header is row 1) and column header. Follow the progress at `Location`. See docs/api.md "Bulk intake".',
      parameters: queryParams(AttendeeImportQuerySchema),
      requestBody: {
        required: true,
        content: {
          'text/csv': {
            schema: { type: 'string', description: 'The attendee list, headers on the first row.' },
            example: 'email,first name,last name,company,title\nana@acme.example,Ana,Ruiz,Acme,CTO\n',
          },
        },
      },
      responses: {
        '202': {
          description: 'Captured: the batch with its counts, the rejected rows, and its progress so far.',
          headers: LOCATION,
          content: json(IntakeBatchViewSchema),
        },
        ...errors(
          ['400', 'The body is not CSV text, or a query parameter breaks its pattern (`validation_failed`).'],
          ['413', TOO_LARGE],
          ['503', 'The database is unreachable (`database_unavailable`); nothing was captured.'],
        ),
        '422': errorResponse(
          'The file is not CSV, is empty or has no rows after the header, or its columns do not map (no email or external id column, a doubled header, a named column it lacks) (`unprocessable`, each problem in `fields` with its `line` and `column`); nothing was captured.',
        ),
        '403': errorResponse('Only revops, managers, directors and VPs import attendee lists (`forbidden`).'),
      },
    },
  },
  '/api/intake-batches': {
    get: {
      operationId: 'listIntakeBatches',
      tags: ['leads'],
      summary: 'The latest bulk intakes (batches and attendee imports) of the tenant, newest first, with progress',
      parameters: queryParams(IntakeBatchListQuerySchema),
      responses: {
        '200': {
          description: 'The batches.',
          content: json(z.object({ batches: z.array(IntakeBatchSummarySchema) })),
        },
        ...errors(['503', 'The database is unreachable.']),
      },
    },
  },
  '/api/intake-batches/{batchId}/errors.csv': {
    get: {
      operationId: 'getIntakeBatchErrorsCsv',
      tags: ['leads'],
      summary: "Every problem of a bulk intake's rejected rows, as CSV (row, column, field, message)",
      parameters: [batchIdParam],
      responses: {
        '200': {
          description: "The rows' problems, one a line, by row; a header line only when every row was taken.",
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        ...errors(['404', 'No such batch in your tenant.'], ['503', 'The database is unreachable.']),
      },
    },
  },
  '/api/intake-batches/{batchId}': {
    get: {
      operationId: 'getIntakeBatch',
      tags: ['leads'],
      summary:
        'A bulk intake and its progress: pending, stored (created or merged), failed with reasons, and why rows wait while Temporal is away',
      parameters: [batchIdParam],
      responses: {
        '200': { description: 'The batch and its progress.', content: json(IntakeBatchViewSchema) },
        ...errors(
          [
            '404',
            'No such batch in your tenant, or it was deleted: every row stored more than LEADFLOW_INTAKE_RETENTION_DAYS ago (the message says which).',
          ],
          ['503', 'The database is unreachable.'],
        ),
      },
    },
  },
};
