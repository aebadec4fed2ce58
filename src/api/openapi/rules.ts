import { ActivationListSchema, activationsQuery, validateBody, versionParams } from '../rules-routes';
import { body, described, errorResponse, errors, json, pathParam, queryParams } from './common';
import { unauthenticated } from './people';

export const rulesPaths = {
  '/api/rules': {
    get: {
      operationId: 'getRulesStatus',
      tags: ['rules'],
      summary: 'The active rules version, its files, and the last rejected change if any',
      responses: {
        '200': described(
          '`{ state, activeVersion, activeFrom, pinned, loadedAt, dir, files, lastRejected? }`; `state` is ok, degraded (last change rejected) or error (nothing active).',
        ),
      },
    },
  },
  '/api/rules/validate': {
    post: {
      operationId: 'validateRuleFile',
      tags: ['rules'],
      summary: "Validate a rule file's text (for editors); nothing is activated",
      requestBody: body(validateBody),
      responses: {
        '200': described(
          "`{ valid, kind, diagnostics, messages }`: whether the file is valid, with line-level diagnostics. A valid file's own `tests:` run against the active files with it in place; each failing expectation is an error (`test-failed`), as it would block activation.",
        ),
        ...errors(
          [
            '400',
            'Malformed JSON or an invalid request, e.g. neither `kind` nor a recognisable `fileName` (`validation_failed`).',
          ],
          '413',
        ),
      },
    },
  },
  '/api/rules/activations': {
    get: {
      operationId: 'listRulesActivations',
      tags: ['rules'],
      summary:
        'The history of the active rules version: which version became active when, after which, and what changed',
      description:
        "Newest first. A row is added each time a different version becomes the active one (a hot reload of changed files, or a file edited back to an earlier version); a restart that goes on with the same version adds none. Analytics draws these on trend charts and reads the stage probabilities in force at a period's end from them.",
      parameters: queryParams(activationsQuery),
      responses: {
        '200': { description: 'The activations, newest first.', content: json(ActivationListSchema) },
        ...errors(['400', 'A bad instant or limit (`validation_failed`, `fields` names each).']),
        '422': errorResponse('`until` is not after `since` (`unprocessable`).'),
        ...unauthenticated,
      },
    },
  },
  '/api/rules/versions/{hash}': {
    get: {
      operationId: 'getRulesVersion',
      tags: ['rules'],
      summary: 'The exact text of a stored rules version',
      parameters: [
        pathParam('hash', versionParams.shape.hash, 'The version hash (hexadecimal), as in `activeVersion`.'),
      ],
      responses: {
        '200': described('`{ hash, createdAt, activatedAt, summary, files }`.'),
        ...errors(
          ['400', 'The hash is not hexadecimal (`validation_failed`).'],
          ['404', 'No such version is stored.'],
          ['503', 'The database is unreachable (`database_unavailable`).'],
        ),
      },
    },
  },
};
