import {
  ActivationListSchema,
  activationsQuery,
  RuleLabelsSchema,
  validateBody,
  versionParams,
  VersionListSchema,
  versionsQuery,
} from '../rules-routes';
import { activateBody, diffQuery, RulesActivationResultSchema, RulesDiffSchema } from '../rules-history-routes';
import { body, described, errorResponse, errors, json, pathParam, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

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
  '/api/rules/labels': {
    get: {
      operationId: 'getRuleLabels',
      tags: ['rules'],
      summary:
        'What people see for the tiers, cadences, pools, queues and SLAs the active rule files label, in en and zh-CN',
      description:
        'By kind, then by name: `{ tiers: { "manager-authority": { en, zh-CN } }, … }`. An entity its file gives no `label` is absent: show its name. The `ETag` is the active version\'s hash (`rulesetVersion`): send it back in `If-None-Match` to revalidate, and a 304 without a body says the labels are unchanged.',
      ...needsToken,
      parameters: [
        {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          description: 'The `ETag` of the labels you hold, e.g. `"3f9a0c1d2e4b5a6c"`: unchanged, the answer is a 304.',
          // Any text: a value naming no ETag the labels have (or none at all) is answered with the labels.
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'The labels of the active rules version.',
          headers: {
            ETag: {
              description: "The active version's hash, quoted: name it in If-None-Match to revalidate.",
              schema: { type: 'string' },
            },
          },
          content: json(RuleLabelsSchema),
        },
        '304': { description: "The labels named in If-None-Match are still the active version's; no body." },
        ...errors([
          '503',
          'No rules version is active (`rules_unavailable`); retry after `Retry-After` seconds, or fix the rules.',
        ]),
        ...unauthenticated,
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
    post: {
      operationId: 'activateRulesVersion',
      tags: ['rules'],
      summary: 'Make a stored rules version live again (a rollback), audited with who and why',
      description:
        "RevOps of the installation's own tenant only (the rules folder and its live version are shared by every tenant). The version is checked as an edit would be (every file, every file's own tests), then its files are written into the rules folder (each atomically) and it becomes the live version at once; hot reload then finds the folder unchanged, and later edits of the folder start from this text. The activation history row and the audit trail (`rules.activated`) name the caller and the reason. Activating the live version again answers `activated: false` and records nothing.",
      requestBody: body(activateBody),
      responses: {
        '200': { description: 'The version is live.', content: json(RulesActivationResultSchema) },
        ...errors(
          ['400', 'A missing or non-hexadecimal hash, or no reason (`validation_failed`).'],
          ['404', 'No such version is stored; the live version is unchanged.'],
          [
            '503',
            'The rules folder could not be written, or the database is unreachable (`rules_unavailable`, `database_unavailable`); the live version is unchanged.',
          ],
        ),
        '422': errorResponse(
          'The version does not load or fails its own tests today, or a prefix names several versions (`unprocessable`); the live version is unchanged.',
        ),
        '403': errorResponse(
          "The caller is not RevOps of the installation's own tenant (`forbidden`): the live rules are shared by every tenant, so other tenants backtest or shadow a change instead.",
        ),
        ...unauthenticated,
      },
    },
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
  '/api/rules/diff': {
    get: {
      operationId: 'diffRulesVersions',
      tags: ['rules'],
      summary: 'What changed between two stored rules versions, in RevOps words',
      description:
        'A semantic diff: it compares what the files say, not their text, e.g. `scoring.yaml: MQL threshold 80 → 75`, `routing.yaml: pool enterprise-na member alice weight 2 → 3`. The same words as the activation summaries and `leadflow rules diff`.',
      parameters: queryParams(diffQuery),
      responses: {
        '200': { description: 'The changes, file by file.', content: json(RulesDiffSchema) },
        ...errors(
          ['400', 'A missing or non-hexadecimal version (`validation_failed`).'],
          ['404', 'No such version is stored.'],
        ),
        '422': errorResponse('A prefix names more than one stored version (`unprocessable`).'),
        ...unauthenticated,
      },
    },
  },
  '/api/rules/versions': {
    get: {
      operationId: 'listRulesVersions',
      tags: ['rules'],
      summary: 'The stored rules versions, newest first, a page at a time',
      description:
        'Each version with when it was stored and last activated, what changed, and its file names (the texts are at GET /api/rules/versions/{hash}). Ordered by when stored, then hash; `next` names the page after.',
      parameters: queryParams(versionsQuery),
      responses: {
        '200': { description: 'A page of versions, newest first.', content: json(VersionListSchema) },
        ...errors(
          ['400', 'A bad limit or `after` (`validation_failed`, `fields` names each).'],
          ['404', '`after` names no stored version.'],
          ['503', 'The database is unreachable (`database_unavailable`).'],
        ),
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
