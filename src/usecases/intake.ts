import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { LeadSubmission, LeadSource, SourceDetails, AttributeValue } from '../domain/lead';
import { submitLead as submitLeadUpdate, type SubmissionReceipt } from '../../workflows/messages';
import { leadJourney } from '../../workflows/leadJourney';
import { isDeadlineExceeded, isTemporalUnavailable } from './availability';
import { LeadflowError } from '../domain/errors';
import { resolveLeadIdentity, type LeadLookup } from './lead-identity';
import { updateFailureError } from './update-failure';

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
}

export type IntakeResult =
  | { status: 'created' | 'merged'; receipt: SubmissionReceipt }
  /** The journey holds the submission but the write has not finished within the wait. */
  | { status: 'accepted'; receipt: Pick<SubmissionReceipt, 'leadId' | 'journeyId'> };

/**
 * Captures a lead: make sure the database can take the write → resolve its identity → hand the
 * submission to the lead's journey via update-with-start (creating the journey if needed) → wait
 * briefly for the journey to persist it. The submission id doubles as the Temporal update id, so
 * a retry that resumes the same submission (the id of its idempotency record, see
 * src/usecases/idempotency.ts) gets the same outcome, recorded once. A journey that could not
 * store the submission answers with the failing step's error (e.g. 409 for a constraint
 * violation), never with a 202 for a lead that will not appear.
 */
export async function captureLead(
  deps: IntakeDeps,
  input: LeadInput,
  options: { submissionId?: string; waitMs?: number; acceptMs?: number } = {},
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
  const startWorkflowOperation = new WithStartWorkflowOperation(leadJourney, {
    workflowId: identity.journeyId,
    taskQueue: deps.taskQueue,
    args: [
      {
        leadId: identity.leadId,
        tenant: identity.tenant,
        email: identity.email ?? undefined,
        externalId: identity.externalId ?? undefined,
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: { leadId: identity.leadId },
  });
  try {
    // Fail fast (2 s) when Temporal itself is unreachable, rather than waiting out the accept deadline.
    await deps.temporal.withDeadline(Date.now() + 2_000, () => deps.temporal.workflowService.getSystemInfo({}));
    // An update is durable only once a worker has accepted it, so acceptance is bounded: without
    // a running worker the caller gets a 503 and retries, instead of waiting forever.
    const update = await deps.temporal.withDeadline(Date.now() + (options.acceptMs ?? 15_000), () =>
      deps.temporal.workflow.startUpdateWithStart(submitLeadUpdate, {
        args: [submission],
        updateId: `submission-${submission.submissionId}`,
        waitForStage: 'ACCEPTED',
        startWorkflowOperation,
      }),
    );
    const receipt = await withTimeout(update.result(), options.waitMs ?? 10_000);
    if (!receipt) return { status: 'accepted', receipt: { leadId: identity.leadId, journeyId: identity.journeyId } };
    return { status: receipt.created ? 'created' : 'merged', receipt };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw updateFailureError(error, 'conflict');
    if (isDeadlineExceeded(error) && !(await isTemporalDown(deps.temporal))) {
      throw new LeadflowError(
        'temporal_unavailable',
        'No leadflow worker accepted the submission in time (is a worker running?); the lead was not captured. Retry with the same Idempotency-Key.',
        { cause: error },
      );
    }
    if (isTemporalUnavailable(error)) {
      throw new LeadflowError(
        'temporal_unavailable',
        'The workflow engine (Temporal) is unreachable; the lead was not captured. Retry shortly.',
        { cause: error },
      );
    }
    throw error;
  }
}

async function isTemporalDown(temporal: Client): Promise<boolean> {
  try {
    await temporal.withDeadline(Date.now() + 2_000, () => temporal.workflowService.getSystemInfo({}));
    return false;
  } catch {
    return true;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
