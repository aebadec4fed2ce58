/**
 * The opportunity pipeline over HTTP: convert an SQL, read and list deals, move stages (meetings:
 * ./meetings.ts), send a quote version and send it for signature, and decide approvals.
 * Every route needs a person (a bearer token); the use-cases authorise and the workflows validate.
 */
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { DEFAULT_LANGUAGE, languageFromAcceptLanguage } from '../../domain/languages';
import { requireActor } from '../../auth/actor';
import { sightFor } from '../access';
import { dealPermissions } from '../deal-permissions';
import type { Db } from '../../db/client';
import { DEAL_STAGES } from '../../rules/facts';
import type { Ruleset } from '../../rules/ruleset';
import {
  convertLead,
  decideApprovalStep,
  delegateApprovalStep,
  getApproval,
  listApprovals,
  listDeals,
  moveDealStage,
  requestQuoteSignature,
  sendQuoteVersion,
  viewDeal,
} from '../../usecases/deal-commands';
import { LeadflowError } from '../../domain/errors';
import { LOCAL_DATE_PATTERN } from '../../domain/analytics/filters';
import { APPROVAL_INBOXES } from '../../usecases/approval-inbox';
import { invalidInput } from '../input';
import { emailAddress, LeadIdSchema } from '../schemas';
import { pageCursor } from '../page-cursor';

export interface DealRoutesDeps {
  db: Db;
  temporal: Client;
  /** The active rules (loss-reasons.yaml for closing lost); throws while none is loaded. */
  rules: () => Ruleset;
  /** The clock stalling is judged by (tests set it). */
  now?: () => Date;
}

/** The active rules, or null while none is loaded: a list answers without rule-based judgements then. */
function activeRules(deps: DealRoutesDeps): Ruleset | null {
  try {
    return deps.rules();
  } catch {
    return null;
  }
}

export const instant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time with a zone, e.g. 2026-12-01T15:00:00Z',
});
export const DealIdSchema = z
  .string()
  .regex(/^dl_[A-Za-z0-9_-]{22}$/, 'is not a deal id (dl_ followed by 22 characters)');
export const CONTACT_ROLES = ['economic-buyer', 'decision-maker', 'influencer', 'champion', 'user', 'blocker'] as const;

export const ConvertSchema = z.strictObject({
  name: text(200)
    .optional()
    .meta({ description: "The deal's name; default: the company's name (the same in every language)." }),
  contactRole: z.enum(CONTACT_ROLES, { error: `must be one of: ${CONTACT_ROLES.join(', ')}` }).default('champion'),
});
export const StageMoveSchema = z
  .strictObject({
    to: z.enum(DEAL_STAGES, { error: `must be one of: ${DEAL_STAGES.join(', ')}` }),
    reason: text(1000).optional().meta({
      description: 'Why, in words. Closing lost: what happened (alone, it is filed under the fallback code).',
    }),
    /** closed-won: the quote the customer accepted (needed when several quotes are approved). */
    quoteId: z
      .string()
      .regex(/^qo_[A-Za-z0-9_-]{22}$/, 'is not a quote id (qo_ followed by 22 characters)')
      .optional(),
    lossReason: text(100)
      .optional()
      .meta({ description: 'Closed lost: a loss-reasons.yaml code (GET /api/loss-reasons), e.g. "competitor".' }),
    competitor: text(200)
      .optional()
      .meta({ description: 'Closed lost: the competitor who won (required by codes that say so).' }),
  })
  // Rules between fields, which the document cannot say: a 422 (FieldError.unprocessable).
  .refine((move) => move.quoteId === undefined || move.to === 'closed-won', {
    path: ['quoteId'],
    ...because('quote-only-when-won', {}, { unprocessable: true }),
  })
  .refine((move) => move.to === 'closed-lost' || (move.lossReason === undefined && move.competitor === undefined), {
    path: ['lossReason'],
    ...because('loss-details-only-when-lost', {}, { unprocessable: true }),
  })
  .refine((move) => move.to !== 'closed-lost' || move.reason !== undefined || move.lossReason !== undefined, {
    ...because('loss-reason-required', {}, { unprocessable: true }),
    path: ['reason'],
  });
export const DealListQuerySchema = z.strictObject({
  stage: z.enum(DEAL_STAGES, { error: `must be one of: ${DEAL_STAGES.join(', ')}` }).optional(),
  owner: emailAddress("must be the owner's email address").optional(),
  status: z
    .enum(['open', 'closed'], { error: 'must be open or closed' })
    .optional()
    .meta({ description: '`open`: every stage before closing; `closed`: won or lost. Left out: both.' }),
  closedSince: z
    .string()
    .regex(LOCAL_DATE_PATTERN, 'must be a date like 2026-03-01 (YYYY-MM-DD, a real calendar day from 1900 to 2999)')
    .optional()
    .meta({ description: 'Only deals closed on or after this day (UTC), e.g. the last 30 days of wins and losses.' }),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–1000')
    .max(1000, 'must be 1–1000')
    .default(200),
  cursor: pageCursor('The `nextCursor` of the previous page, with the same filters.'),
});
export const SignatureSchema = z.strictObject({
  signer: z.strictObject({ name: text(200), email: emailAddress('must be an email address') }),
});
export const ApprovalDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], { error: 'must be approve or reject' }),
  comment: z.string().trim().max(2000, 'must be at most 2000 characters').default(''),
  contentHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the 64-hex-character content hash of the quote version you reviewed'),
});
export const DelegationSchema = z.strictObject({
  to: emailAddress('must be the email address of the person to hand the approval to').transform((email) =>
    email.toLowerCase(),
  ),
  reason: text(1000),
});
export const ApprovalListQuerySchema = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).optional(),
  assignee: z.union([z.literal('me'), emailAddress()], { error: 'must be "me" or an email address' }).optional(),
  dealId: DealIdSchema.optional(),
  inbox: z
    .enum(APPROVAL_INBOXES, { error: `must be one of: ${APPROVAL_INBOXES.join(', ')}` })
    .optional()
    .describe(
      '`mine`: pending requests with a step waiting for the caller (as the approver, or as the named delegate of the approver). `team`: requests on deals owned by the people who report to the caller (revops: every request).',
    ),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–200')
    .max(200, 'must be 1–200')
    .default(50),
  cursor: pageCursor('The `nextCursor` of the previous page, with the same filters.'),
});
const VersionParamsSchema = z.object({
  quoteId: text(100),
  version: z.coerce.number().int().min(1, 'must be 1 or more'),
});

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw invalidInput(`${what} is invalid; see fields.`, schema, value ?? {}, parsed.error);
  return parsed.data;
}

export function dealId(req: Request): string {
  const id = DealIdSchema.safeParse(req.params.dealId);
  if (!id.success)
    throw new LeadflowError(
      'not_found',
      `No deal with id ${String(req.params.dealId)}: ${id.error.issues[0]?.message ?? 'invalid id'}.`,
    );
  return id.data;
}

export function dealRoutes(deps: DealRoutesDeps): Router {
  const router = Router();

  router.post('/api/leads/:id/convert', async (req, res) => {
    const actor = requireActor(req);
    const leadId = LeadIdSchema.safeParse(req.params.id);
    if (!leadId.success) throw new LeadflowError('not_found', `No lead with id ${req.params.id}.`);
    const converted = await convertLead(deps, actor, leadId.data, parse(ConvertSchema, req.body, 'The conversion'));
    res
      .status(converted.created ? 201 : 200)
      .location(`/api/deals/${converted.dealId}`)
      .json(converted);
  });

  router.get('/api/deals', async (req, res) => {
    const filter = parse(DealListQuerySchema, req.query, 'The query');
    res.json(
      await listDeals(deps.db, await sightFor(req), filter, {
        ruleset: activeRules(deps),
        now: deps.now?.() ?? new Date(),
      }),
    );
  });

  router.get('/api/deals/:dealId', async (req, res) => {
    const actor = requireActor(req);
    const deal = await viewDeal(deps, actor, dealId(req));
    const can = await dealPermissions(req, deps.db, { id: deal.id, tenant: actor.tenant, ownerEmail: deal.owner });
    res.json({ ...deal, can });
  });

  router.post('/api/deals/:dealId/stage', async (req, res) => {
    const actor = requireActor(req);
    const body = parse(StageMoveSchema, req.body, 'The stage move');
    // A refusal names what is missing in the caller's language (Accept-Language; English otherwise).
    const language = languageFromAcceptLanguage(req.get('accept-language')) ?? DEFAULT_LANGUAGE;
    res.json(await moveDealStage(deps, actor, dealId(req), body, language));
  });

  router.post('/api/quotes/:quoteId/versions/:version/send', async (req, res) => {
    const actor = requireActor(req);
    const params = parse(VersionParamsSchema, req.params, 'The quote version');
    res.json(await sendQuoteVersion(deps, actor, params.quoteId, params.version));
  });

  router.post('/api/quotes/:quoteId/versions/:version/signature', async (req, res) => {
    const actor = requireActor(req);
    const params = parse(VersionParamsSchema, req.params, 'The quote version');
    const body = parse(SignatureSchema, req.body, 'The signature request');
    res.status(202).json(await requestQuoteSignature(deps, actor, params.quoteId, params.version, body.signer));
  });

  router.get('/api/approvals', async (req, res) => {
    const actor = requireActor(req);
    res.json(
      await listApprovals(deps.db, actor, await sightFor(req), parse(ApprovalListQuerySchema, req.query, 'The query')),
    );
  });

  router.get('/api/approvals/:requestId', async (req, res) => {
    res.json(await getApproval(deps.db, requireActor(req), parse(text(200), req.params.requestId, 'The approval id')));
  });

  router.post('/api/approvals/:requestId/steps/:stepId/decision', async (req, res) => {
    const actor = requireActor(req);
    const body = parse(ApprovalDecisionSchema, req.body, 'The decision');
    res.json(
      await decideApprovalStep(
        deps,
        actor,
        parse(text(200), req.params.requestId, 'The approval id'),
        parse(text(300), req.params.stepId, 'The step id'),
        body,
      ),
    );
  });

  router.post('/api/approvals/:requestId/steps/:stepId/delegate', async (req, res) => {
    const actor = requireActor(req);
    const body = parse(DelegationSchema, req.body, 'The hand-over');
    res.json(
      await delegateApprovalStep(
        deps,
        actor,
        parse(text(200), req.params.requestId, 'The approval id'),
        parse(text(300), req.params.stepId, 'The step id'),
        body,
      ),
    );
  });

  return router;
}
