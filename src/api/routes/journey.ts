import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { text } from '../../domain/fields';
import type { Db } from '../../db/client';
import { LEAD_EVENT_TYPES } from '../../domain/lead-events';
import { LeadflowError } from '../../domain/errors';
import { updateJourney } from '../../usecases/journey-commands';
import { disqualify, reassign, recordBant, recordEvent, setCadencePaused } from '../../../workflows/messages';
import { invalidInput } from '../input';
import { because } from '../zod-words';
import { requireActor } from '../../auth/actor';
import { emailAddress, LeadIdSchema } from '../schemas';

const when = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time, e.g. "2026-03-10T09:30:00Z"' });

export const LeadEventSchema = z
  .object({
    type: z.enum(LEAD_EVENT_TYPES, { error: `must be one of: ${LEAD_EVENT_TYPES.join(', ')}` }),
    at: when.optional(),
    details: z
      .record(z.string().max(64), z.union([z.string().max(2000), z.number().finite(), z.boolean()]))
      .default({}),
  })
  .strict();

export const BantSchema = z
  .object({
    budget: z.enum(['confirmed', 'planned', 'none', 'unknown']).optional(),
    authority: z.enum(['decision-maker', 'influencer', 'user', 'none', 'unknown']).optional(),
    need: z.enum(['confirmed', 'exploring', 'none', 'unknown']).optional(),
    timeline: z.enum(['this-quarter', 'next-quarter', 'this-year', 'later', 'unknown']).optional(),
  })
  .strict();

export const DisqualifySchema = z.object({ reason: text(100) }).strict();
export const ReassignSchema = z
  .object({
    repEmail: emailAddress('must be an email address').optional(),
    queue: text(100).optional(),
    reason: text(500),
  })
  .strict()
  .refine((body) => Boolean(body.repEmail) !== Boolean(body.queue), { ...because('rep-or-queue'), path: ['repEmail'] })
  .meta({ oneOf: [{ required: ['repEmail'] }, { required: ['queue'] }] });
export const CadencePauseSchema = z.object({ paused: z.boolean() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? undefined);
  if (!parsed.success)
    throw invalidInput('The request is invalid; see fields.', schema, body ?? undefined, parsed.error);
  return parsed.data;
}

function leadId(req: Request): string {
  const id = LeadIdSchema.safeParse(req.params.id);
  if (!id.success) throw new LeadflowError('not_found', `No lead with id ${String(req.params.id)}.`);
  return id.data;
}

/** An update id from the Idempotency-Key header (retries apply once), or a fresh one. */
function updateId(req: Request, kind: string): string {
  const key = req.get('Idempotency-Key');
  return key ? `${kind}-${key}` : `${kind}-${randomUUID()}`;
}

/** Commands on a lead's journey: events, BANT, disqualification, reassignment, cadence pause. */
export function journeyRoutes(deps: { db: Db; temporal: Client; now?: () => Date }): Router {
  const router = Router();
  const now = () => (deps.now ?? (() => new Date()))().toISOString();

  router.post('/api/leads/:id/events', async (req, res) => {
    const id = leadId(req);
    const body = parse(LeadEventSchema, req.body);
    const eventId = req.get('Idempotency-Key') ?? randomUUID();
    const receipt = await updateJourney(
      deps,
      id,
      recordEvent,
      [{ eventId, type: body.type, at: body.at ?? now(), actor: requireActor(req).email, details: body.details }],
      `event-${eventId}`,
    );
    res.status(receipt.duplicate ? 200 : 201).json({ eventId, ...receipt });
  });

  router.post('/api/leads/:id/bant', async (req, res) => {
    const id = leadId(req);
    const bant = parse(BantSchema, req.body);
    const who = requireActor(req).email;
    res.json(await updateJourney(deps, id, recordBant, [{ bant, actor: who, at: now() }], updateId(req, 'bant')));
  });

  router.post('/api/leads/:id/disqualify', async (req, res) => {
    const id = leadId(req);
    const body = parse(DisqualifySchema, req.body);
    res.json(
      await updateJourney(
        deps,
        id,
        disqualify,
        [{ reason: body.reason, actor: requireActor(req).email, at: now() }],
        updateId(req, 'disqualify'),
      ),
    );
  });

  router.post('/api/leads/:id/reassign', async (req, res) => {
    const id = leadId(req);
    const body = parse(ReassignSchema, req.body);
    const to = body.repEmail ? { repEmail: body.repEmail } : { queue: body.queue ?? '' };
    res.json(
      await updateJourney(
        deps,
        id,
        reassign,
        [{ to, actor: requireActor(req).email, reason: body.reason, at: now() }],
        updateId(req, 'reassign'),
      ),
    );
  });

  router.post('/api/leads/:id/cadence', async (req, res) => {
    const id = leadId(req);
    const body = parse(CadencePauseSchema, req.body);
    res.json(
      await updateJourney(
        deps,
        id,
        setCadencePaused,
        [{ paused: body.paused, actor: requireActor(req).email }],
        updateId(req, 'cadence'),
      ),
    );
  });

  return router;
}
