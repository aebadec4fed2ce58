import {
  ShadowListSchema,
  ShadowReportSchema,
  ShadowSchema,
  StartShadowResultSchema,
  endShadowBody,
  shadowParams,
  shadowReportQuery,
  startShadowBody,
} from '../rules-shadow-routes';
import { body, errorResponse, errors, json, pathParam, queryParams } from './common';
import { unauthenticated } from './people';

const revopsOnly = { '403': errorResponse('Only RevOps (the `admin` scope) starts and ends shadows (`forbidden`).') };
const readers = {
  '403': errorResponse('Only RevOps and sales leaders (manager, director, vp) read shadows (`forbidden`).'),
};
const idParam = pathParam('shadowId', shadowParams.shape.shadowId, 'The id POST /api/rules/shadows answered.');
const notFound = { '404': errorResponse("No such shadow in the caller's tenant (`not_found`).") };

export const shadowPaths = {
  '/api/rules/shadows': {
    post: {
      operationId: 'startRulesShadow',
      tags: ['rules'],
      summary: 'Shadow a candidate rules version beside the live one',
      description:
        "The candidate (a folder's files, or a stored version by `hash`) is validated exactly as `leadflow rules check` validates a folder (every file, every file's own tests) and stored as a rules version. From now on every live scoring, routing and approval decision of the tenant is also decided by the candidate on the same facts; the pairs are kept for the report. Journeys are never affected. A tenant runs at most one shadow: a running one ends (`replaced` names it). Audited as `rules.shadow.started` (and `rules.shadow.ended` for the replaced one).",
      requestBody: body(startShadowBody),
      responses: {
        '201': { description: 'The shadow runs.', content: json(StartShadowResultSchema) },
        ...errors(['400', 'An invalid request (`validation_failed`, `fields` names each).']),
        '404': errorResponse('`hash` names no stored version (`not_found`).'),
        '409': errorResponse('Another shadow was started at the same moment (`conflict`); try again.'),
        '422': errorResponse(
          'Both or neither of `files` and `hash`; a reason of spaces only; the candidate does not validate (`unprocessable`: one `fields` entry per problem, its message `file:line:col: …` as `rules check` prints it); a prefix names several versions; or the candidate is the live version.',
        ),
        ...unauthenticated,
        ...revopsOnly,
      },
    },
    get: {
      operationId: 'listRulesShadows',
      tags: ['rules'],
      summary: "The tenant's running shadow and its latest shadows",
      responses: {
        '200': { description: '`running` is null when no shadow runs.', content: json(ShadowListSchema) },
        ...unauthenticated,
        ...readers,
      },
    },
  },
  '/api/rules/shadows/{shadowId}': {
    get: {
      operationId: 'getRulesShadowReport',
      tags: ['rules'],
      summary: "A shadow's report: how many live decisions it would decide differently, and which",
      description:
        'Running or ended. Evaluations and differences per kind, MQLs live and under the shadow (distinct leads), routing decisions per pool/rep/queue, approval tiers, and one page of the differing decisions, newest first, each with the flipped condition and the explanation lines that differ.',
      parameters: [idParam, ...queryParams(shadowReportQuery)],
      responses: {
        '200': { description: 'The report.', content: json(ShadowReportSchema) },
        ...errors(['400', 'The id is not a shadow id, or a bad `kind`, `limit` or `cursor` (`validation_failed`).']),
        ...unauthenticated,
        ...readers,
        ...notFound,
      },
    },
  },
  '/api/rules/shadows/{shadowId}/end': {
    post: {
      operationId: 'endRulesShadow',
      tags: ['rules'],
      summary: 'End a shadow; its report stays',
      description:
        'No live decision is evaluated under it any more; the evaluations kept so far stay readable. Audited as `rules.shadow.ended` with the reason.',
      parameters: [idParam],
      requestBody: body(endShadowBody),
      responses: {
        '200': { description: 'The shadow, ended.', content: json(ShadowSchema) },
        ...errors(['400', 'The id is not a shadow id, or no reason (`validation_failed`).']),
        '422': errorResponse('A reason of spaces only (`unprocessable`).'),
        '409': errorResponse('The shadow ended already (`conflict`, the message says when and by whom).'),
        ...unauthenticated,
        ...revopsOnly,
        ...notFound,
      },
    },
  },
};
