/**
 * A deal's account-side records over HTTP: its stakeholders (and their graph), its needs analysis
 * and its timeline. Every route needs a person; the use-cases decide who may write.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { LANGUAGES } from '../../email/i18n';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { emailAddress } from '../schemas';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { INFLUENCE_LEVELS, STAKEHOLDER_ROLES } from '../../domain/stakeholders';
import { LOGGED_ACTIVITY_KINDS, listActivities, logActivity } from '../../usecases/deal-timeline';
import { LeadflowError } from '../../domain/errors';
import { NeedsAnalysisSchema, getNeeds, saveNeeds } from '../../usecases/needs';
import {
  addStakeholder,
  getStakeholder,
  getStakeholderGraph,
  listStakeholders,
  recordEngagement,
  removeStakeholder,
  updateStakeholder,
} from '../../usecases/stakeholders';
import { expectedRevisionOf, parseInput } from '../input';
import { DealIdSchema } from './deals';
import { pageCursor } from '../page-cursor';

export interface AccountRoutesDeps {
  db: Db;
  now?: () => Date;
}

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with a zone, e.g. "2026-03-02T09:00:00Z"' })
  .transform((iso) => new Date(iso));
const id = text(100);

export const DealParamsSchema = z.object({ dealId: DealIdSchema });
export const StakeholderParamsSchema = z.object({ dealId: DealIdSchema, contactId: id });

const stakeholderFields = {
  name: text(200),
  email: emailAddress()
    .transform((e) => e.toLowerCase())
    .nullable()
    .optional(),
  title: text(200).nullable().optional(),
  role: z.enum(STAKEHOLDER_ROLES, { error: `must be one of: ${STAKEHOLDER_ROLES.join(', ')}` }),
  influence: z.enum(INFLUENCE_LEVELS, { error: `must be one of: ${INFLUENCE_LEVELS.join(', ')}` }).optional(),
  reportsToId: id
    .nullable()
    .optional()
    .meta({ description: 'Another stakeholder at the same account; no reporting circles.' }),
  notes: text(4000).nullable().optional(),
  language: z
    .enum(LANGUAGES, { error: `must be one of: ${LANGUAGES.join(', ')}` })
    .nullable()
    .optional()
    .meta({
      description: "The language of emails to this contact (invitations, thank-yous); null: the deal's lead's.",
    }),
};
export const StakeholderCreateSchema = z.strictObject(stakeholderFields);
export const StakeholderPatchSchema = z
  .strictObject(stakeholderFields)
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, because('some-field-to-change'))
  .meta({ minProperties: 1 });
export const EngagementSchema = z.strictObject({
  at: instant.optional().meta({ description: 'When they took part (default: now).' }),
});

export const NeedsPutSchema = NeedsAnalysisSchema.extend({
  summary: text(4000)
    .nullable()
    .default(null)
    .meta({ description: 'The needs summary the stage exit criteria look for (`deal.needsSummary`).' }),
  revision: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .optional()
    .meta({ description: 'The revision you read (or send If-Match).' }),
});

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;
export const ActivityCreateSchema = z.strictObject({
  kind: z.enum(LOGGED_ACTIVITY_KINDS, { error: `must be one of: ${LOGGED_ACTIVITY_KINDS.join(', ')}` }),
  summary: text(2000),
  outcome: text(2000).nullable().optional(),
  occurredAt: instant.optional().meta({ description: 'When it happened (default: now); not in the future.' }),
  idempotencyKey: z
    .string()
    .regex(IDEMPOTENCY_KEY, 'must be 8–128 characters of letters, digits, . _ : -')
    .optional()
    .meta({ description: 'Logging again with the same key returns the first entry (200).' }),
});
export const ActivityListQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–200')
    .max(200, 'must be 1–200')
    .default(50),
  before: pageCursor('`nextCursor` of the previous page.'),
});

/** Stakeholders, the stakeholder graph, needs analysis and timeline of a deal. */
export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const dealParams = (req: Request) => dealIdOf(req);
  const stakeholderParams = (req: Request) => ({
    dealId: dealIdOf(req),
    contactId: parseInput(StakeholderParamsSchema.pick({ contactId: true }), 'params', req.params, 'The path')
      .contactId,
  });

  router.get('/api/deals/:dealId/stakeholders', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealParams(req);
    res.json({ dealId, stakeholders: await listStakeholders(deps.db, actor, dealId) });
  });
  router.get('/api/deals/:dealId/stakeholders/graph', async (req, res) => {
    const actor = requireActor(req);
    res.json(await getStakeholderGraph(deps.db, actor, dealParams(req)));
  });
  router.post('/api/deals/:dealId/stakeholders', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealParams(req);
    const input = parseInput(StakeholderCreateSchema, 'body', req.body, 'The stakeholder');
    const stakeholder = await addStakeholder(deps.db, actor, dealId, input, now());
    res
      .status(201)
      .location(`/api/deals/${encodeURIComponent(dealId)}/stakeholders/${stakeholder.id}`)
      .json(stakeholder);
  });
  router.get('/api/deals/:dealId/stakeholders/:contactId', async (req, res) => {
    const actor = requireActor(req);
    const { dealId, contactId } = stakeholderParams(req);
    res.json(await getStakeholder(deps.db, actor, dealId, contactId));
  });
  router.patch('/api/deals/:dealId/stakeholders/:contactId', async (req, res) => {
    const actor = requireActor(req);
    const { dealId, contactId } = stakeholderParams(req);
    const changes = parseInput(StakeholderPatchSchema, 'body', req.body, 'The stakeholder');
    res.json(await updateStakeholder(deps.db, actor, dealId, contactId, changes, now()));
  });
  router.delete('/api/deals/:dealId/stakeholders/:contactId', async (req, res) => {
    const actor = requireActor(req);
    const { dealId, contactId } = stakeholderParams(req);
    await removeStakeholder(deps.db, actor, dealId, contactId, now());
    res.status(204).end();
  });
  router.post('/api/deals/:dealId/stakeholders/:contactId/engaged', async (req, res) => {
    const actor = requireActor(req);
    const { dealId, contactId } = stakeholderParams(req);
    const { at } = parseInput(EngagementSchema, 'body', req.body, 'The engagement');
    const time = now();
    res.json(await recordEngagement(deps.db, actor, dealId, contactId, notInFuture(at ?? time, time, 'at'), time));
  });

  router.get('/api/deals/:dealId/needs', async (req, res) => {
    const actor = requireActor(req);
    const needs = await getNeeds(deps.db, actor, dealParams(req));
    res.setHeader('ETag', `"${needs.revision}"`).json(needs);
  });
  router.put('/api/deals/:dealId/needs', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealParams(req);
    const { summary, revision, ...needs } = parseInput(NeedsPutSchema, 'body', req.body, 'The needs analysis');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The needs analysis');
    const saved = await saveNeeds(deps.db, actor, dealId, { needs, summary, expectedRevision }, now());
    res.setHeader('ETag', `"${saved.revision}"`).json(saved);
  });

  router.post('/api/deals/:dealId/activities', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealParams(req);
    const input = parseInput(ActivityCreateSchema, 'body', req.body, 'The activity');
    const time = now();
    const occurredAt = input.occurredAt && notInFuture(input.occurredAt, time, 'occurredAt');
    const { activity, created } = await logActivity(deps.db, actor, dealId, { ...input, occurredAt }, time);
    res.status(created ? 201 : 200).json(activity);
  });
  router.get('/api/deals/:dealId/activities', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealParams(req);
    const query = parseInput(ActivityListQuerySchema, 'query', req.query, 'The query');
    res.json({ dealId, ...(await listActivities(deps.db, actor, dealId, query)) });
  });

  return router;
}

/** The deal id in the path; one that cannot be a deal id is simply not found, as on the other deal routes. */
export function dealIdOf(req: Request): string {
  const parsed = DealIdSchema.safeParse(req.params.dealId);
  if (!parsed.success)
    throw new LeadflowError(
      'not_found',
      `No deal with id ${String(req.params.dealId)}: ${parsed.error.issues[0]?.message ?? 'invalid id'}.`,
    );
  return parsed.data;
}

/** Clocks differ a little; "just now" on a laptop a minute ahead is not the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

function notInFuture(at: Date, now: Date, path: string): Date {
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw new LeadflowError('validation_failed', 'The request is invalid; see fields.', {
      // A well-formed time that the server's clock says has not come yet: a 422.
      details: [{ path, message: `must not be in the future (now is ${now.toISOString()})`, unprocessable: true }],
    });
  return at;
}
