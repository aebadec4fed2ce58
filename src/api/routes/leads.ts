import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { createIdempotencyStore } from '../../db/idempotency-store';
import { captureAnswer, captureLocation, intakeDeps, type IntakeRuntime } from '../intake-deps';
import { answerIdempotently, sendOutcome } from '../idempotency';
import { viewLead } from '../../usecases/lead-view';
import { listLeads } from '../../usecases/lead-list';
import { LeadflowError } from '../../domain/errors';
import { CaptureQuerySchema, LeadIdSchema, LeadInputSchema, LeadListQuerySchema, SubmissionIdSchema } from '../schemas';
import { viewCapture } from '../../usecases/capture-view';
import { invalidInput } from '../input';
import { requireActor } from '../../auth/actor';
import { sightFor } from '../access';
import type { RuleRegistry } from '../../rules/registry';

export interface LeadRoutesDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  defaultTenant: string;
  now?: () => Date;
  /** The rules registry: a score's items need the rules version that scored it. */
  rules?: { registry: RuleRegistry };
  /** The intake outbox, its dispatcher and the load gate (one per API process). */
  intake: IntakeRuntime;
}

/** Lead capture, its follow-up, and reading leads. Handlers parse, call one use-case, map the result. */
export function leadRoutes(deps: LeadRoutesDeps): Router {
  const router = Router();
  const idempotency = createIdempotencyStore(deps.db);

  router.post('/api/leads', async (req, res) => {
    const parsed = LeadInputSchema.safeParse(req.body ?? undefined);
    if (!parsed.success)
      throw invalidInput('The lead is invalid; see fields.', LeadInputSchema, req.body ?? undefined, parsed.error);
    // The access check has made sure a `tenant` in the body is the token's.
    const query = CaptureQuerySchema.safeParse(req.query);
    if (!query.success)
      throw invalidInput('The query is invalid; see fields.', CaptureQuerySchema, req.query, query.error);
    const { tenant: _sameTenant, ...lead } = parsed.data;
    const input = { ...lead, tenant: requireActor(req).tenant };
    const wait = query.data.wait ?? deps.intake.defaultWait;
    const outcome = await answerIdempotently(
      req,
      { store: idempotency, tenant: input.tenant, channel: 'api', body: input },
      (submissionId) =>
        captureAnswer(intakeDeps(deps, 'the lead was not captured. Retry shortly.'), input, { submissionId, wait }),
    );
    const location = captureLocation(outcome.body);
    sendOutcome(res, outcome, location ? { Location: location } : {});
  });

  router.get('/api/captures/:submissionId', async (req, res) => {
    const id = SubmissionIdSchema.safeParse(req.params.submissionId);
    if (!id.success) throw new LeadflowError('not_found', `No capture with id ${req.params.submissionId}.`);
    res.json(await viewCapture(deps.db, requireActor(req).tenant, id.data, deps.intake.retentionDays));
  });

  router.get('/api/leads', async (req, res) => {
    const query = LeadListQuerySchema.safeParse(req.query);
    if (!query.success)
      throw invalidInput('The query is invalid; see fields.', LeadListQuerySchema, req.query, query.error);
    res.json(await listLeads({ db: deps.db }, { ...query.data, sight: await sightFor(req) }));
  });

  router.get('/api/leads/:id', async (req, res) => {
    const id = LeadIdSchema.safeParse(req.params.id);
    if (!id.success)
      throw new LeadflowError(
        'not_found',
        `No lead with id ${req.params.id}: ${id.error.issues[0]?.message ?? 'invalid id'}.`,
      );
    res.json(await viewLead({ db: deps.db, temporal: deps.temporal, registry: deps.rules?.registry }, id.data));
  });

  return router;
}
