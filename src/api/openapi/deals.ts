import {
  ApprovalDecisionSchema,
  ApprovalListQuerySchema,
  ConvertSchema,
  DelegationSchema,
  DealIdSchema,
  DealListQuerySchema,
  SignatureSchema,
  StageMoveSchema,
} from '../routes/deals';
import { LeadIdSchema } from '../schemas';
import { z } from 'zod';
import { body, described, errorResponse, errors, json, pathParam, queryParams } from './common';
import { DealListResponseSchema } from './response-shapes';
import { needsToken, unauthenticated } from './people';
import { ApprovalListResponseSchema } from './workspace-shapes';

export const dealParam = pathParam('dealId', DealIdSchema, 'The deal id (`dl_` + 22 characters).');
const quoteParams = [
  pathParam('quoteId', z.string(), 'The quote id.'),
  pathParam('version', z.number().int().min(1), 'The version number.'),
];
export const forbidden = (who: string) => ({ '403': errorResponse(`${who} (\`forbidden\`).`) });
export const notWritable = forbidden('The caller is not the deal owner, one of their managers, or revops');
export const rejected = [
  '409',
  'The workflow refused the command in its current state, with its reason (`conflict`), e.g. sending a version that is not approved.',
] as const;

export const dealPaths = {
  '/api/leads/{id}/convert': {
    post: {
      operationId: 'convertLead',
      tags: ['deals'],
      summary: 'Convert an SQL into a deal (starts its dealJourney workflow); repeating it returns the same deal',
      ...needsToken,
      parameters: [pathParam('id', LeadIdSchema, 'The lead id.')],
      // The body is optional: the README's first walk converts with none.
      requestBody: { ...body(ConvertSchema), required: false },
      responses: {
        '201': described('`{ dealId, workflowId, created: true }`; `Location` names the deal.'),
        '200': described('The lead was already converted: `{ dealId, workflowId, created: false }`.'),
        ...errors('400', '404', [...rejected], '503'),
        ...unauthenticated,
        ...forbidden("The caller is not the lead's owner, one of their managers, or revops"),
      },
    },
  },
  '/api/deals': {
    get: {
      operationId: 'listDeals',
      tags: ['deals'],
      summary: 'Deals, newest first, by stage, owner and open or closed, in keyset pages',
      ...needsToken,
      parameters: queryParams(DealListQuerySchema),
      responses: {
        '200': {
          description:
            'At most `limit` (default 200) deals, each with `stalling.reasons` (empty when the deal is not stalling); `nextCursor` (null on the last page) fetches the next page with the same filters.',
          content: json(DealListResponseSchema),
        },
        ...errors('400'),
        ...unauthenticated,
      },
    },
  },
  '/api/deals/{dealId}': {
    get: {
      operationId: 'getDeal',
      tags: ['deals'],
      summary:
        'A deal: stage, live workflow state, stage events, decisions with explanations and rules versions, quotes and versions, approvals, meetings, contract',
      ...needsToken,
      parameters: [dealParam],
      responses: {
        '200': described(
          'The deal view, with `nextStep`, `nextStepDueOn` and `stalling`: `[{ code, message }]`, code `stage-alert` (an escalation.yaml stall alert fired), `next-step-overdue` or `no-next-step`; empty when the deal is not stalling. `can` says what the caller may do on it, by the checks those operations make: `{ shareMaterial }` (POST /api/deals/{dealId}/materials: the owner, their managers or RevOps, with the write scope).',
        ),
        ...errors('404'),
        ...unauthenticated,
      },
    },
  },
  '/api/deals/{dealId}/stage': {
    post: {
      operationId: 'moveDealStage',
      tags: ['deals'],
      summary:
        "Move the deal to a stage, if the stage's exit criteria in approvals.yaml are met (closed-lost takes a `lossReason` code from loss-reasons.yaml, a `competitor` and a `reason` in words; closed-won takes the accepted quote's `quoteId` when several quotes are approved)",
      description:
        'Closing lost files the loss under `lossReason` (GET /api/loss-reasons), checked against loss-reasons.yaml: an unknown or retired code, or a missing `competitor` or `reason` the code requires, is a 422 (`unprocessable`) naming the field. A close with only `reason` (as clients from before loss codes send it) is filed under the fallback code (`other` in the shipped file). The deal then shows `loss: { lossReason, competitor }` and `closeReason`.',
      ...needsToken,
      parameters: [dealParam],
      requestBody: body(StageMoveSchema),
      responses: {
        '200': described(
          '`{ stage, warnings, warningsText }`: the new stage, and criteria with `severity: warn` that are not met: `warnings` in English, `warningsText` as codes (`{ code: "stage-exit-unmet", params: { stage, en, "zh-CN" } }`, the criterion\'s text in each language approvals.yaml gives) for a client to word in its reader\'s language.',
        ),
        '422': errorResponse(
          'The exit criteria are not met (`not_allowed`); `fields` lists what is missing, one `{ path: "stage", message }` each, or `{ path: "quoteId", message }` when closing won needs (another) quote. Or the loss does not fit loss-reasons.yaml (`unprocessable`, fields `lossReason`, `competitor`, `reason`).',
        ),
        ...errors(
          '400',
          '404',
          [...rejected],
          [
            '503',
            'Temporal is unreachable (`temporal_unavailable`), or a `lossReason` is given while the active rules have no loss-reasons.yaml (`rules_unavailable`).',
          ],
        ),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/quotes/{quoteId}/versions/{version}/send': {
    post: {
      operationId: 'sendQuoteVersion',
      tags: ['quotes'],
      summary:
        'Mark an approved quote version sent and email its PDF to the customer; it expires after its validity date (a durable timer)',
      description:
        'The email (PDF attached, replies to the deal owner) goes to `customer.email` of the quote, else the email of the lead the deal came from, once per version, through the outbox, moments after this answer. It is transactional: it reaches the customer even if they unsubscribed from marketing. 422 `not_allowed` when neither address exists.',
      ...needsToken,
      parameters: quoteParams,
      responses: {
        '200': described('`{ versionId, expiresAt, customerEmail }`: `customerEmail` is where the quote email goes.'),
        ...errors('404', [...rejected], '503'),
        '422': errorResponse(
          "Nobody to email: the quote has no `customer.email` and the deal's lead no email (`not_allowed`). Edit the quote with one.",
        ),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/quotes/{quoteId}/versions/{version}/signature': {
    post: {
      operationId: 'requestQuoteSignature',
      tags: ['quotes'],
      summary: 'Send an approved (or sent) quote version for e-signature; the signed webhook closes the deal won',
      ...needsToken,
      parameters: quoteParams,
      requestBody: body(SignatureSchema),
      responses: {
        '202': described(
          "`{ envelopeId, signingUrl }`: the provider's envelope and the page where the signer signs (null if the provider shares none). The provider emails the signer that link.",
        ),
        ...errors('400', '404', [...rejected], '503'),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/approvals': {
    get: {
      operationId: 'listApprovals',
      tags: ['approvals'],
      summary:
        "Approval requests, newest first, in pages (`limit`, default 50, and `cursor`); `?inbox=mine` is what waits for me, `?inbox=team` my team's requests",
      ...needsToken,
      parameters: queryParams(ApprovalListQuerySchema),
      responses: {
        '200': {
          description:
            "Each request with its quote version's pricing and steps, and what an approval card shows: the deal's name, the value, the discount in money and percent, who asked and why, the step waiting and its deadline, and the history.",
          content: json(ApprovalListResponseSchema),
        },
        ...errors('400'),
        ...unauthenticated,
      },
    },
  },
  '/api/approvals/{requestId}': {
    get: {
      operationId: 'getApproval',
      tags: ['approvals'],
      summary:
        'One approval request: the quote version under approval (content, totals, content hash, and its prices against the price book: list, quoted and effective discount per line and in total), every step, and its audit trail',
      ...needsToken,
      parameters: [pathParam('requestId', z.string(), 'The approval request id.')],
      responses: { '200': described('The approval request.'), ...errors('404'), ...unauthenticated },
    },
  },
  '/api/approvals/{requestId}/steps/{stepId}/decision': {
    post: {
      operationId: 'decideApproval',
      tags: ['approvals'],
      summary:
        'Approve or reject a step (the designated approver or their delegate only); repeating the same decision returns it again',
      ...needsToken,
      parameters: [
        pathParam('requestId', z.string(), 'The approval request id.'),
        pathParam('stepId', z.string(), 'The step id.'),
      ],
      requestBody: body(ApprovalDecisionSchema),
      responses: {
        '200': described('`{ stepId, decision, decidedBy, decidedAt, requestStatus }`.'),
        ...errors(
          '400',
          '404',
          [
            '409',
            'The step was already decided differently or by someone else, the request was withdrawn, or the quote changed since the approver reviewed it (`conflict`; `contentHash` names the content under approval).',
          ],
          '503',
        ),
        ...unauthenticated,
        ...forbidden("The caller is neither the step's approver nor their named delegate"),
      },
    },
  },
  '/api/approvals/{requestId}/steps/{stepId}/delegate': {
    post: {
      operationId: 'delegateApproval',
      tags: ['approvals'],
      summary:
        'Hand an open step to someone else, with a reason (approvals.yaml `delegation.allowManual`; the new approver needs the same or a higher role)',
      ...needsToken,
      parameters: [
        pathParam('requestId', z.string(), 'The approval request id.'),
        pathParam('stepId', z.string(), 'The step id.'),
      ],
      requestBody: body(DelegationSchema),
      responses: {
        '200': described('`{ stepId, assigneeEmail }`; the new approver is mailed.'),
        '422': errorResponse(
          'The rules refuse the hand-over (`not_allowed`): manual delegation is off, or the person is inactive, out of office or of a lower role.',
        ),
        ...errors('400', '404', ['409', 'The step is no longer open (`conflict`).'], '503'),
        ...unauthenticated,
        ...forbidden("The caller is neither the step's approver nor their named delegate"),
      },
    },
  },
};
