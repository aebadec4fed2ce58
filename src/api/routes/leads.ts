import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { captureLead } from '../../usecases/intake';
import { intakeDeps } from '../intake-deps';
import { listLeads, viewLead } from '../../usecases/lead-view';
import { LeadflowError } from '../../domain/errors';
import { LeadIdSchema, LeadInputSchema, LeadListQuerySchema } from '../schemas';
import { fieldErrors } from '../errors';
import { requireActor } from '../../auth/actor';
import { sightFor } from '../access';

export interface LeadRoutesDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  defaultTenant: string;
  now?: () => Date;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** POST /api/leads and GET /api/leads/:id. Handlers parse, call one use-case, map the result. */
export function leadRoutes(deps: LeadRoutesDeps): Router {
  const router = Router();

  router.post('/api/leads', async (req, res) => {
    const parsed = LeadInputSchema.safeParse(req.body ?? undefined);
    if (!parsed.success)
      throw new LeadflowError('validation_failed', 'The lead is invalid; see fields.', {
        details: fieldErrors(parsed.error),
      });
    const idempotencyKey = req.get('Idempotency-Key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new LeadflowError('validation_failed', 'The Idempotency-Key header is invalid.', {
        details: [{ path: 'header.Idempotency-Key', message: 'must be 8–128 characters of letters, digits, . _ : -' }],
      });
    }
    // The access check has made sure a `tenant` in the body is the token's.
    const { tenant: _sameTenant, ...lead } = parsed.data;
    const result = await captureLead(
      intakeDeps(deps, 'the lead was not captured. Retry shortly.'),
      { ...lead, tenant: requireActor(req).tenant },
      { idempotencyKey },
    );
    const status = result.status === 'created' ? 201 : result.status === 'merged' ? 200 : 202;
    res
      .status(status)
      .location(`/api/leads/${result.receipt.leadId}`)
      .json({
        id: result.receipt.leadId,
        journeyId: result.receipt.journeyId,
        status: result.status,
        ...('submissions' in result.receipt ? { submissions: result.receipt.submissions } : {}),
      });
  });

  router.get('/api/leads', async (req, res) => {
    const query = LeadListQuerySchema.safeParse(req.query);
    if (!query.success)
      throw new LeadflowError('validation_failed', 'The query is invalid; see fields.', {
        details: fieldErrors(query.error),
      });
    res.json(await listLeads({ db: deps.db }, { ...query.data, sight: await sightFor(req) }));
  });

  router.get('/api/leads/:id', async (req, res) => {
    const id = LeadIdSchema.safeParse(req.params.id);
    if (!id.success)
      throw new LeadflowError(
        'not_found',
        `No lead with id ${req.params.id}: ${id.error.issues[0]?.message ?? 'invalid id'}.`,
      );
    res.json(await viewLead({ db: deps.db, temporal: deps.temporal }, id.data));
  });

  return router;
}
