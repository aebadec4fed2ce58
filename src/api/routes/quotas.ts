/**
 * Quotas over HTTP: set a batch (all or nothing), list them by period, remove one. Who may set
 * which is decided by the use-case (revops anyone's; managers those below them).
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { CURRENCY_CODES } from '../../domain/money';
import { deleteQuota, listQuotas, setQuotas } from '../../usecases/quotas';
import { sightFor } from '../access';
import { parseInput } from '../input';

export interface QuotaRoutesDeps {
  db: Db;
  now?: () => Date;
}

const email = (what: string) =>
  z
    .email(`must be the ${what}'s email address`)
    .max(320, 'must be at most 320 characters')
    .transform((e) => e.toLowerCase());
const currency = z
  .string()
  .toUpperCase()
  .pipe(
    z.enum(CURRENCY_CODES, {
      error: `must be an ISO 4217 currency code leadflow supports (${CURRENCY_CODES.join(', ')})`,
    }),
  );
const period = z
  .string()
  .trim()
  .max(10, 'must be at most 10 characters')
  .meta({ description: 'A month "2026-03" or a calendar quarter "2026-Q1".' });

export const QuotaItemSchema = z
  .strictObject({
    rep: email('rep').optional().meta({ description: "A rep's quota: the rep's email." }),
    team: email('manager').optional().meta({
      description: "A team's quota: the email of the manager it reports to (everyone below them, directly or not).",
    }),
    period,
    currency: currency.meta({ description: 'ISO 4217 code; attainment counts won deals in this currency.' }),
    amount: z
      .string({ error: 'must be a decimal string such as "250000.00" (text, not a JSON number, so it stays exact)' })
      .trim()
      .min(1, 'must not be empty')
      .max(40, 'must be at most 40 characters')
      .meta({ description: 'Decimal text in the currency, e.g. "250000.00".' }),
  })
  .refine((q) => (q.rep === undefined) !== (q.team === undefined), {
    path: ['rep'],
    message: 'give exactly one of rep and team',
  });

export const QuotasPutSchema = z.strictObject({
  quotas: z.array(QuotaItemSchema).min(1, 'give at least one quota').max(500, 'at most 500 quotas at a time'),
});

export const QuotaListQuerySchema = z.strictObject({
  scope: z.enum(['rep', 'team'], { error: 'must be rep or team' }).optional(),
  email: z.email('must be an email address').optional().meta({ description: "A rep's or a team's manager's email." }),
  period: z.string().max(10).optional().meta({ description: 'Exactly this period: "2026-03" or "2026-Q1".' }),
  from: z
    .string()
    .max(7)
    .optional()
    .meta({ description: 'Quotas whose period ends in or after this month (YYYY-MM).' }),
  to: z
    .string()
    .max(7)
    .optional()
    .meta({ description: 'Quotas whose period starts in or before this month (YYYY-MM).' }),
});

export const QuotaParamsSchema = z.object({ quotaId: z.string().min(1).max(100) });

export function quotaRoutes(deps: QuotaRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.put('/api/quotas', async (req, res) => {
    const actor = requireActor(req);
    const { quotas } = parseInput(QuotasPutSchema, 'body', req.body, 'The quotas');
    const inputs = quotas.map(({ rep, team, ...rest }) => ({
      ...rest,
      scope: rep ? ('rep' as const) : ('team' as const),
      email: (rep ?? team)!,
    }));
    res.json(await setQuotas(deps.db, actor, await sightFor(req), inputs, now()));
  });

  router.get('/api/quotas', async (req, res) => {
    const query = parseInput(QuotaListQuerySchema, 'query', req.query, 'The query');
    res.json({ quotas: await listQuotas(deps.db, await sightFor(req), query) });
  });

  router.delete('/api/quotas/:quotaId', async (req, res) => {
    const actor = requireActor(req);
    const { quotaId } = parseInput(QuotaParamsSchema, 'params', req.params, 'The path');
    await deleteQuota(deps.db, actor, await sightFor(req), quotaId, now());
    res.status(204).end();
  });

  return router;
}
