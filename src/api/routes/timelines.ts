/**
 * GET /api/leads/:id/timeline and GET /api/deals/:dealId/timeline: one merged timeline, newest
 * first, keyset-paged, filtered by kind. Sight: whoever may read the lead or the deal (the access
 * policy checks it before the handler runs).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { LeadflowError } from '../../domain/errors';
import {
  dealTimeline,
  LEAD_TIMELINE_KINDS,
  leadTimeline,
  TIMELINE_KINDS,
  type TimelineKind,
} from '../../usecases/timeline';
import { invalidInput } from '../input';
import { LeadIdSchema } from '../schemas';
import { DealIdSchema } from './deals';
import { pageCursor } from '../page-cursor';

/** `kinds=a,b`: a comma-separated list of the given kinds. */
function kindsList(kinds: readonly string[]) {
  const one = `(${kinds.join('|')})`;
  return z
    .string()
    .regex(new RegExp(`^${one}(,${one})*$`), `must be kinds separated by commas, of: ${kinds.join(', ')}`)
    .transform((list) => [...new Set(list.split(','))] as TimelineKind[])
    .optional()
    .describe(`Only these kinds, comma-separated (e.g. \`${kinds[0]},${kinds[1]}\`); all when absent.`);
}

function timelineQuery(kinds: readonly string[]) {
  return z.strictObject({
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1–200')
      .max(200, 'must be 1–200')
      .default(50),
    cursor: pageCursor('The `nextCursor` of the previous page (with the same `kinds`).'),
    kinds: kindsList(kinds),
  });
}

export const LeadTimelineQuerySchema = timelineQuery(LEAD_TIMELINE_KINDS);
export const DealTimelineQuerySchema = timelineQuery(TIMELINE_KINDS);

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw invalidInput('The query is invalid; see fields.', schema, value ?? {}, parsed.error);
  return parsed.data;
}

function idOf(schema: z.ZodType<string>, value: unknown, what: string): string {
  const id = schema.safeParse(value);
  if (!id.success) throw new LeadflowError('not_found', `No ${what} with id ${String(value)}.`);
  return id.data;
}

export function timelineRoutes(deps: { db: Db }): Router {
  const router = Router();

  router.get('/api/leads/:id/timeline', async (req, res) => {
    const id = idOf(LeadIdSchema, req.params.id, 'lead');
    res.json(await leadTimeline(deps.db, id, parse(LeadTimelineQuerySchema, req.query)));
  });

  router.get('/api/deals/:dealId/timeline', async (req, res) => {
    const id = idOf(DealIdSchema, req.params.dealId, 'deal');
    res.json(await dealTimeline(deps.db, id, parse(DealTimelineQuerySchema, req.query)));
  });

  return router;
}
