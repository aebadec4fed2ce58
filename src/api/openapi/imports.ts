/**
 * OpenAPI path of the history import: a CRM export of past leads and closed deals, as a CSV body.
 */
import { z } from 'zod';
import type { HistoryImportResult } from '../../usecases/history-import';
import { HISTORY_BODY_LIMIT, HistoryImportQuerySchema } from '../routes/imports';
import { errorResponse, errors, json, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

export const HistoryImportResultSchema = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().meta({ description: 'Data rows in the file.' }),
  leads: z.number().int().meta({ description: 'Leads created (with dryRun: that would be).' }),
  deals: z.number().int().meta({ description: 'Closed deals created with them.' }),
  unchanged: z.number().int().meta({ description: 'Rows imported before (same key): left as they are.' }),
  fileSha256: z.string(),
});

/** Compiles only when the use-case's answer fits the published schema. */
export type HistoryImportChecked = HistoryImportResult extends z.infer<typeof HistoryImportResultSchema> ? true : never;

export const importPaths = {
  '/api/imports/history': {
    post: {
      operationId: 'importHistory',
      tags: ['imports'],
      summary:
        'Import past leads and closed deals from another CRM (CSV): every row or, on any bad row, none; importing the same file again adds nothing',
      description:
        "The body is the export (`Content-Type: text/csv`), its first line the column headers. Each row is a lead (email or external id, source, created date; optionally company, owner, MQL and SQL dates) and, when it has deal columns, its closed deal (won or lost, closed date, amount and currency, loss reason). Columns are found by their usual names in any case (`email`, `created date`, `mql date`, `deal name`, `closed date`, `won/lost`, `loss reason`…) or by the headers the `…Column` parameters name. A date is `YYYY-MM-DD` (noon that day in the reporting zone) or an ISO 8601 time with its offset. The leads get their stage history with the export's dates and no journey. A row is keyed by its external id, else its email and created date: rows imported before are counted `unchanged`. A bad file answers 422 listing every problem: `fields[]` carry `path` (`rows[<n>].<field>`), `line` (the file's line, the header is 1), `column` (its header) and `message`. See docs/import.md.",
      ...needsToken,
      parameters: queryParams(HistoryImportQuerySchema),
      requestBody: {
        required: true,
        content: {
          'text/csv': {
            schema: { type: 'string', description: 'The CSV export, headers on the first line.' },
            example:
              'email,name,company,source,created,mql date,sql date,deal name,amount,currency,closed date,won/lost,loss reason\nana@acme.example,Ana Ruiz,Acme,events,2025-02-03,2025-02-05,2025-02-12,Acme platform,24000.00,USD,2025-04-30,lost,price\n',
          },
        },
      },
      responses: {
        '200': {
          description:
            'Imported (or, with `dryRun=true`, checked): how many leads and deals were created, and how many rows were there already.',
          content: json(HistoryImportResultSchema),
        },
        ...errors(
          ['400', 'The body is not CSV text, or a query parameter breaks its pattern (`validation_failed`).'],
          ['413', `The file is over ${HISTORY_BODY_LIMIT} (\`payload_too_large\`).`],
        ),
        '422': errorResponse(
          'The file does not import (`unprocessable`): it is not valid CSV, its columns do not map to the fields, rows are bad, or a row is a lead leadflow already has from elsewhere. Every problem is listed with its `line` and `column`; nothing was imported.',
        ),
        ...unauthenticated,
        '403': errorResponse('Only revops import history (`forbidden`).'),
      },
    },
  },
};
