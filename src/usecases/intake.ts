import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { LeadSubmission, LeadSource, SourceDetails, AttributeValue } from '../domain/lead';
import type { SubmissionReceipt } from '../../workflows/messages';
import { LeadflowError, retryableFor, type ErrorCode } from '../domain/errors';
import type { Capture, IntakeOutbox } from '../db/intake-outbox';
import { resolveLeadIdentity, type LeadLookup } from './lead-identity';
import { handToJourney } from './journey-handoff';
import type { IntakeDispatcher } from './intake-dispatcher';
import type { Gate } from './intake-gate';

/** A validated lead as it arrives at the API or the webhook. */
export interface LeadInput {
  tenant: string;
  /** At least one of email and externalId (the schema enforces it). */
  email?: string;
  externalId?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  phone?: string;
  country?: string;
  source: LeadSource;
  sourceDetails: SourceDetails;
  attributes: Record<string, AttributeValue>;
}

export interface IntakeDeps {
  temporal: Client;
  taskQueue: string;
  /** Throws a LeadflowError('database_unavailable') when the database cannot take writes. */
  assertDatabaseReachable: () => Promise<void>;
  /** Finds a stored lead by email or external id (see resolveLeadIdentity). */
  lookup: LeadLookup;
  now: () => Date;
  /** Where a submission is kept until its journey has stored it. */
  outbox: IntakeOutbox;
  /** Hands a fresh capture to its journey at once; without one, the next dispatcher round does. */
  dispatcher?: Pick<IntakeDispatcher, 'handOver'>;
  /** Bounds the captures that wait for their journey (`wait: 'stored'`). */
  gate: Gate;
}

/**
 * What a capture waits for before it answers: `accepted` (default) once the submission is in the
 * outbox, `stored` until the journey has stored it (today's synchronous answer, at most `waitMs`).
 */
export type IntakeWait = 'accepted' | 'stored';

export type IntakeResult =
  | { status: 'created' | 'merged'; receipt: SubmissionReceipt; submissionId: string }
  /** Captured (in the outbox) but not yet stored by the journey: it will be, see GET /api/captures/{id}. */
  | { status: 'accepted'; receipt: Pick<SubmissionReceipt, 'leadId' | 'journeyId'>; submissionId: string };

/**
 * Captures a lead: make sure the database can take the write → resolve its identity → store the
 * submission in the intake outbox (durable from here on) → answer, or, with `wait: 'stored'`, hand
 * it to the journey and wait at most `waitMs` for the journey to store it. The submission id is the
 * Temporal update id, so however often it is handed over (this request, the dispatcher, a retry
 * with the same Idempotency-Key, whose record id is the submission id) it is recorded once.
 *
 * Once the outbox holds the submission, no answer says it was lost: a wait that runs out, or
 * Temporal being down, answers `accepted` and the dispatcher finishes the hand-over. A journey that
 * refuses the submission answers with its error (e.g. 409 for a constraint violation). The
 * waiting path is bounded by the gate: beyond it, 503 `overloaded` before anything is stored.
 */
export async function captureLead(
  deps: IntakeDeps,
  input: LeadInput,
  options: { submissionId?: string; wait?: IntakeWait; waitMs?: number } = {},
): Promise<IntakeResult> {
  if (options.wait !== 'stored') return capture(deps, input, options);
  return deps.gate.run(() => capture(deps, input, options));
}

async function capture(
  deps: IntakeDeps,
  input: LeadInput,
  options: { submissionId?: string; wait?: IntakeWait; waitMs?: number },
): Promise<IntakeResult> {
  await deps.assertDatabaseReachable();
  const identity = await resolveLeadIdentity(deps.lookup, input.tenant, {
    email: input.email,
    externalId: input.externalId,
  });
  const submission: LeadSubmission = {
    ...input,
    submissionId: options.submissionId ?? randomUUID(),
    receivedAt: deps.now().toISOString(),
  };
  // A resumed request (same Idempotency-Key) finds the first request's row and carries on with it.
  const captured = await deps.outbox.enqueue({
    submissionId: submission.submissionId,
    tenant: identity.tenant,
    leadId: identity.leadId,
    journeyId: identity.journeyId,
    submission,
  });
  const accepted: IntakeResult = {
    status: 'accepted',
    receipt: { leadId: captured.leadId, journeyId: captured.journeyId },
    submissionId: captured.submissionId,
  };
  if (captured.state !== 'pending') return settledResult(captured);
  if (options.wait !== 'stored') {
    deps.dispatcher?.handOver(captured);
    return accepted;
  }
  const waitMs = options.waitMs ?? 10_000;
  // Leased while this request hands it over, so the dispatcher does not do the same meanwhile.
  const claimedAt = deps.now();
  await deps.outbox.claim(captured.submissionId, claimedAt, new Date(claimedAt.getTime() + 3 * waitMs));
  const handoff = await handToJourney(deps, captured, waitMs);
  switch (handoff.kind) {
    case 'stored': {
      const { created, submissions } = handoff.receipt;
      await deps.outbox.stored(captured.submissionId, created ? 'created' : 'merged', submissions, deps.now());
      return { status: created ? 'created' : 'merged', receipt: handoff.receipt, submissionId: captured.submissionId };
    }
    case 'refused':
      await deps.outbox.failed(captured.submissionId, handoff.error.code, handoff.error.message, deps.now());
      throw handoff.error;
    case 'unsettled':
      // Due again at once, with the reason on record; the dispatcher takes it from here.
      await deps.outbox.retryAt(captured.submissionId, deps.now(), handoff.reason);
      deps.dispatcher?.handOver(captured);
      return accepted;
  }
}

/** The answer of a submission the outbox has already settled (a retry with the same key). */
function settledResult(captured: Capture): IntakeResult {
  if (captured.state === 'failed') {
    const code = (captured.outcome ?? 'conflict') as ErrorCode;
    throw new LeadflowError(
      code in retryableFor ? code : 'conflict',
      captured.lastError ?? 'The journey refused the lead.',
    );
  }
  const created = captured.outcome === 'created';
  return {
    status: created ? 'created' : 'merged',
    receipt: {
      leadId: captured.leadId,
      journeyId: captured.journeyId,
      created,
      submissions: captured.submissions ?? 1,
    },
    submissionId: captured.submissionId,
  };
}
