/**
 * Quotas over HTTP: set a batch (all or nothing), list them by period, remove one. Who may set
 * which is decided by the use-case (revops anyone's; managers those below them).
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { emailAddress } from '../schemas';
import { currencyCode } from './catalog';
import { deleteQuota, listQuotas, setQuotas } from '../../usecases/quotas';
import { sightFor } from '../access';
import { parseInput } from '../input';

export interface QuotaRoutesDeps {
  db: Db;
  now?: () => Date;
}

const email = (what: string) => emailAddress(`must be the ${what}'s email address`).transform((e) => e.toLowerCase());
const currency = currencyCode();

/** A month, YYYY-MM: the pattern is in the OpenAPI document, so a request that fits it is never a 400. */
export const monthSchema = z
  .string()
  .regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM (e.g. "2026-03")')
  .meta({ description: 'A month, YYYY-MM.' });
const period = z
  .string()
  .regex(/^\d{4}-(?:0[1-9]|1[0-2]|[Qq][1-4])$/, 'must be a month "2026-03" or a calendar quarter "2026-Q1"')
  .meta({ description: 'A month "2026-03" or a calendar quarter "2026-Q1".' });
/** Decimal text of an amount, as the price book takes it; more decimals than the currency has is a 422. */
export const decimalAmount = (example: string) =>
  z
    .string({ error: `must be a decimal string such as "${example}" (text, not a JSON number, so it stays exact)` })
    .regex(
      /^\d{1,12}(?:\.\d{1,3})?$/,
      `must be a decimal string such as "${example}": up to 12 digits, an optional "." and up to 3 decimals`,
    );

export const QuotaItemSchema = z
  .strictObject({
    rep: email('rep').optional().meta({ description: "A rep's quota: the rep's email." }),
    team: email('manager').optional().meta({
      description: "A team's quota: the email of the manager it reports to (everyone below them, directly or not).",
    }),
    period,
    currency: currency.meta({ description: 'ISO 4217 code; attainment counts won deals in this currency.' }),
    amount: decimalAmount('250000.00').meta({
      description: 'Decimal text in the currency, e.g. "250000.00". More decimals than the currency has is a 422.',
    }),
  })
  .refine((q) => (q.rep === undefined) !== (q.team === undefined), {
    path: ['rep'],
    ...because('rep-or-team'),
  })
  .meta({ oneOf: [{ required: ['rep'] }, { required: ['team'] }] });

export const QuotasPutSchema = z.strictObject({
  quotas: z.array(QuotaItemSchema).min(1, 'give at least one quota').max(500, 'at most 500 quotas at a time'),
});

export const QuotaListQuerySchema = z.strictObject({
  scope: z.enum(['rep', 'team'], { error: 'must be rep or team' }).optional(),
  email: emailAddress('must be an email address')
    .optional()
    .meta({ description: "A rep's or a team's manager's email." }),
  period: period.optional().meta({ description: 'Exactly this period: "2026-03" or "2026-Q1".' }),
  from: monthSchema.optional().meta({ description: 'Quotas whose period ends in or after this month (YYYY-MM).' }),
  to: monthSchema.optional().meta({ description: 'Quotas whose period starts in or before this month (YYYY-MM).' }),
});

export const QuotaParamsSchema = z.object({ quotaId: text(100) });

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
