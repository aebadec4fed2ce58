import { DealIdSchema } from '../routes/deals';
import {
  DiffQuerySchema,
  DocumentQuerySchema,
  QuoteDraftSchema,
  QuoteEditSchema,
  QuoteIdSchema,
  VersionParamsSchema,
} from '../routes/quotes';
import { body, described, errorResponse, errors, pathParam, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

const tags = ['quotes'];
const quoteParam = pathParam('quoteId', QuoteIdSchema, 'The quote id (`qo_` + 22 characters).');
const versionParam = pathParam('version', VersionParamsSchema.shape.version, 'The version number (1, 2, …).');
const notWritable = {
  '403': errorResponse("The caller is not the deal's owner, one of their managers, or revops (`forbidden`)."),
};
const money =
  'Amounts are minor units (`…Minor`, numbers) with `…Formatted` text beside them ("USD 1,234.50"); percentages are basis points (`…Bp`) or parts per million (`taxRatePpm`) with text ("12.5%", "8.875%").';
const quoteView = `\`{ id, number, dealId, revision, currentVersion, status, current: <version>, approval: { status, tier, discountBp, discount, request: { id, status, tier, steps } | null } }\`. ${money}`;
const writeResult = `\`{ quote: ${'<quote>'}, changed, submission }\`: \`submission\` is the deal workflow's answer \`{ submitted: true, versionId, status, tier, approvalWorkflowId }\`, or \`{ submitted: false, reason, retry }\` when the version is saved but the workflow has not taken it yet.`;
const notAllowed = {
  '422': errorResponse(
    'The deal is closed, or the quote is signed: it can no longer change (`not_allowed`). Or the quote fits this document but not the catalogue and the rules (`unprocessable`), with field paths as sent: `lines.1.sku` (unknown product, or no price in the price book), `lines.0.unitPrice` (too many decimals, negative), `lines.2.discount`, `customer.region` (no such country), `validUntil` (in the past), `template` (unknown).',
  ),
};
const invalid = ['400', 'Invalid input (`validation_failed`): the request breaks this document.'] as const;

export const quotePaths = {
  '/api/deals/{dealId}/quotes': {
    post: {
      operationId: 'createQuote',
      tags,
      summary:
        "Create a quote (version 1) from a template: price-book prices, tax by the customer's region from approvals.yaml, validity; the deal's workflow decides its approval",
      ...needsToken,
      parameters: [pathParam('dealId', DealIdSchema, 'The deal id.')],
      requestBody: body(QuoteDraftSchema),
      responses: {
        '201': described(`Created; \`Location\` names the quote. ${writeResult}`),
        '202': described(
          `Created and saved, but the deal's workflow could not be told (Temporal unreachable, or the workflow refused): approval starts once \`submission.retry\` is sent. ${writeResult}`,
        ),
        ...errors([...invalid], '404', '503'),
        ...notAllowed,
        ...unauthenticated,
        ...notWritable,
      },
    },
    get: {
      operationId: 'listDealQuotes',
      tags,
      summary: "A deal's quotes, newest first, with their current version's status and total",
      ...needsToken,
      parameters: [pathParam('dealId', DealIdSchema, 'The deal id.')],
      responses: {
        '200': described(
          "`{ dealId, quotes: [{ id, number, revision, currentVersion, current: { version, status, sentAt, signature, totalMinor, totalFormatted, approval } }] }`: `signature` is the current version's latest e-signature request (`{ status, signerName, signerEmail, sentAt, completedAt }`) or null.",
        ),
        ...errors('404'),
        ...unauthenticated,
      },
    },
  },
  '/api/quotes/{quoteId}': {
    get: {
      operationId: 'getQuote',
      tags,
      summary: 'A quote: its current version (content, totals), status, revision and approval',
      ...needsToken,
      parameters: [quoteParam],
      responses: { '200': described(quoteView), ...errors('404'), ...unauthenticated },
    },
    put: {
      operationId: 'editQuote',
      tags,
      summary:
        'Edit a quote: the whole content again plus the `revision` you read; makes version n+1 and supersedes version n (unless signed or expired)',
      ...needsToken,
      parameters: [quoteParam],
      requestBody: body(QuoteEditSchema),
      responses: {
        '200': described(
          `The new version (or \`changed: false\` and no new version when nothing differs). ${writeResult}`,
        ),
        '202': described(
          `The new version is saved, but the deal's workflow has not taken it yet; send \`submission.retry\`. ${writeResult}`,
        ),
        ...errors(
          [...invalid],
          '404',
          [
            '409',
            'Someone else edited the quote since you read it (`stale_revision`): the message and `fields` name the current revision.',
          ],
          '503',
        ),
        ...notAllowed,
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/quotes/{quoteId}/versions': {
    get: {
      operationId: 'listQuoteVersions',
      tags,
      summary: 'Every version of a quote, oldest first',
      ...needsToken,
      parameters: [quoteParam],
      responses: {
        '200': described(
          '`{ quoteId, number, currentVersion, versions: [{ id, version, status, contentHash, createdBy, createdAt, sentAt, signature, totalMinor, totalFormatted, approval }] }`: `sentAt` is when the version was sent to the customer (null: not sent); `signature` its latest e-signature request, `{ status: sent | signed | declined | voided, signerName, signerEmail, sentAt, completedAt }`, or null.',
        ),
        ...errors('404'),
        ...unauthenticated,
      },
    },
  },
  '/api/quotes/{quoteId}/versions/{version}': {
    get: {
      operationId: 'getQuoteVersion',
      tags,
      summary:
        'One version in full: content, totals, status, content hash, rules version and the discount the approval matrix saw',
      ...needsToken,
      parameters: [quoteParam, versionParam],
      responses: {
        '200': described(
          `\`{ quoteId, number, id, version, status, contentHash, rulesetVersion, approval, content, totals, createdAt, sentAt, expiresAt, signedAt }\`. ${money}`,
        ),
        ...errors('404'),
        ...unauthenticated,
      },
    },
  },
  '/api/quotes/{quoteId}/diff': {
    get: {
      operationId: 'diffQuoteVersions',
      tags,
      summary: 'Compare two versions: lines added, removed and changed, header fields, and totals',
      ...needsToken,
      parameters: [quoteParam, ...queryParams(DiffQuerySchema)],
      responses: {
        '200': described(
          '`{ from, to, lines: { added, removed, changed: [{ lineId, changes: [{ field, before, after }] }], reordered }, header: [{ field, before, after }], totals: { subtotal, discount, tax, total: { before, after, delta, …Formatted } }, unchanged }`.',
        ),
        ...errors('400', '404'),
        ...unauthenticated,
      },
    },
  },
  '/api/quotes/{quoteId}/versions/{version}/document': {
    get: {
      operationId: 'renderQuoteVersion',
      tags,
      summary:
        "A version as the customer reads it: printable HTML (Accept: text/html, the default) or PDF (Accept: application/pdf, or ?format=pdf), in the customer's language (en or zh-CN; ?lang= overrides)",
      ...needsToken,
      parameters: [quoteParam, versionParam, ...queryParams(DocumentQuerySchema)],
      responses: {
        '200': {
          description: 'The document; `Content-Language` names its language.',
          headers: { 'Content-Language': { schema: { type: 'string', enum: ['en', 'zh-CN'] } } },
          content: {
            'text/html': { schema: { type: 'string' } },
            'application/pdf': { schema: { type: 'string', format: 'binary' } },
          },
        },
        ...errors(
          [
            '400',
            'Neither text/html nor application/pdf is acceptable, `format` is not html or pdf, or `lang` is not en or zh-CN (`validation_failed`).',
          ],
          '404',
        ),
        ...unauthenticated,
      },
    },
  },
  '/api/quotes/{quoteId}/versions/{version}/submit': {
    post: {
      operationId: 'submitQuoteVersion',
      tags,
      summary:
        "Send the current version to the deal's workflow for its approval decision, again; for a write that answered 202. Idempotent",
      ...needsToken,
      parameters: [quoteParam, versionParam],
      responses: {
        '200': described("`{ versionId, status, tier, approvalWorkflowId }` from the deal's workflow."),
        ...errors(
          '404',
          ['409', "The version is not the quote's current one, or the workflow refused it (`conflict`)."],
          '503',
        ),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
};
