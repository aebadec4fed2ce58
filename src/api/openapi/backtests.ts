import {
  BacktestChangePageSchema,
  BacktestJobSchema,
  backtestBody,
  backtestChangesCsvQuery,
  backtestChangesQuery,
  backtestParams,
} from '../backtest-routes';
import { body, errorResponse, errors, json, pathParam, queryParams } from './common';
import { unauthenticated } from './people';

const revopsOnly = {
  '403': errorResponse('Only RevOps (the `admin` scope) runs, reads and deletes backtests (`forbidden`).'),
};
const jobParam = pathParam('backtestId', backtestParams.shape.backtestId, 'The id POST /api/rules/backtests answered.');
const notDone = {
  '409': errorResponse('The backtest is still running, or failed (`conflict`, the message says which).'),
};
const notFound = { '404': errorResponse("No such backtest in the caller's tenant (`not_found`).") };

export const backtestPaths = {
  '/api/rules/backtests': {
    post: {
      operationId: 'startRulesBacktest',
      tags: ['rules'],
      summary: 'Backtest a candidate rules folder against stored history, as a job',
      description:
        'The candidate is validated exactly as `leadflow rules check` validates a folder; then the stored leads (their behaviours, in time order, with decay), routing decisions and quote versions in the range are replayed through the active version and the candidate, in this process. Follow the job at the `Location` it answers; a job whose process stops reads as `failed` with the reason.',
      requestBody: body(backtestBody),
      responses: {
        '202': { description: 'The job, started.', content: json(BacktestJobSchema) },
        ...errors(['400', 'An invalid request (`validation_failed`, `fields` names each).'], '413'),
        '422': errorResponse(
          'The candidate does not validate (`unprocessable`: one `fields` entry per problem, its message `file:line:col: …` as `rules check` prints it), the range is empty (`until` before `since`), or it holds no stored history to replay (a message saying so).',
        ),
        ...unauthenticated,
        ...revopsOnly,
        ...errors(['503', 'No active rules to compare with (`rules_unavailable`), or the database is unreachable.']),
      },
    },
  },
  '/api/rules/backtests/{backtestId}': {
    get: {
      operationId: 'getRulesBacktest',
      tags: ['rules'],
      summary: 'A backtest job: its progress and, when done, its report',
      parameters: [jobParam],
      responses: {
        '200': {
          description: '`status` running (with `done` of `total`), done (with `report`) or failed (with `error`).',
          content: json(BacktestJobSchema),
        },
        ...errors(['400', 'The id is not a backtest id (`validation_failed`).']),
        ...unauthenticated,
        ...revopsOnly,
        ...notFound,
      },
    },
    delete: {
      operationId: 'deleteRulesBacktest',
      tags: ['rules'],
      summary: 'Delete a backtest job, its report and its list of changes',
      description:
        'A running job is cancelled: it stops at its next progress beat (within about a second) and leaves nothing behind. Audited as `rules.backtest.deleted` (who, when, whether it was cancelled). Finished jobs are also deleted on their own `LEADFLOW_BACKTEST_RETENTION_DAYS` (default 30) after they finished.',
      parameters: [jobParam],
      responses: {
        '204': { description: 'Deleted (and cancelled, if it was running).' },
        ...errors(['400', 'The id is not a backtest id (`validation_failed`).']),
        ...unauthenticated,
        ...revopsOnly,
        ...notFound,
      },
    },
  },
  '/api/rules/backtests/{backtestId}/report.html': {
    get: {
      operationId: 'getRulesBacktestReportHtml',
      tags: ['rules'],
      summary: "A finished backtest's report as one self-contained HTML page",
      parameters: [jobParam],
      responses: {
        '200': { description: 'The report page.', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errors(['400', 'The id is not a backtest id (`validation_failed`).']),
        '409': errorResponse('The backtest is still running, or failed (`conflict`, the message says which).'),
        ...unauthenticated,
        ...revopsOnly,
        ...notFound,
      },
    },
  },
  '/api/rules/backtests/{backtestId}/changes': {
    get: {
      operationId: 'listRulesBacktestChanges',
      tags: ['rules'],
      summary: 'Every decision a finished backtest changes, a page at a time',
      description:
        "The full list behind each kind's `changed` in the report (which holds the first 50; `changedTotal` counts them all): kind by kind (scoring, routing, approvals), each in the report's order (scoring by the time the lead becomes an MQL, routing by the decision's time, approvals as the quote versions were created). Pages are keyset: pass `nextCursor` as `after`.",
      parameters: [jobParam, ...queryParams(backtestChangesQuery)],
      responses: {
        '200': { description: 'One page of changes.', content: json(BacktestChangePageSchema) },
        ...errors([
          '400',
          'The id is not a backtest id, or a query parameter is invalid (`validation_failed`, `fields` names each).',
        ]),
        '422': errorResponse(
          '`after` is not the `nextCursor` of a page of this backtest, or is one of a change of another `kind` (`unprocessable`).',
        ),
        ...notDone,
        ...unauthenticated,
        ...revopsOnly,
        ...notFound,
      },
    },
  },
  '/api/rules/backtests/{backtestId}/changes.csv': {
    get: {
      operationId: 'exportRulesBacktestChanges',
      tags: ['rules'],
      summary: 'Every decision a finished backtest changes, as one CSV download',
      parameters: [jobParam, ...queryParams(backtestChangesCsvQuery)],
      responses: {
        '200': {
          description: 'kind,id,label,at,before,after,flipped,diff — one row per change, in the order of `…/changes`.',
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        ...errors(['400', 'The id is not a backtest id, or `kind` is not a kind (`validation_failed`).']),
        ...notDone,
        ...unauthenticated,
        ...revopsOnly,
        ...notFound,
      },
    },
  },
};
