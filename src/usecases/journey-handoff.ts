/**
 * Hands one captured submission to its lead's journey: update-with-start (creating the journey if
 * needed) with the submission id as the update id, waiting at most `budgetMs` for the journey to
 * store it. Temporal deduplicates the update by its id, so handing the same submission over again
 * (a retry, a second dispatcher, a resumed request) is recorded once and gets the same receipt.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { submitLead, type SubmissionReceipt } from '../../workflows/messages';
import { leadJourney } from '../../workflows/leadJourney';
import { normalizeEmail, type LeadSubmission } from '../domain/lead';
import type { LeadflowError } from '../domain/errors';
import { updateFailureError } from './update-failure';

/** Who the submission belongs to: the journey it goes to and the lead it is stored as. */
export interface HandoffTarget {
  tenant: string;
  leadId: string;
  journeyId: string;
  submission: LeadSubmission;
}

export type Handoff =
  | { kind: 'stored'; receipt: SubmissionReceipt }
  /** The journey refused it for good (a constraint violation, identifiers of another lead). */
  | { kind: 'refused'; error: LeadflowError }
  /** Not known within the budget (Temporal down, no worker, overloaded): hand it over again later. */
  | { kind: 'unsettled'; reason: string };

export async function handToJourney(
  deps: { temporal: Client; taskQueue: string },
  target: HandoffTarget,
  budgetMs: number,
): Promise<Handoff> {
  const { submission } = target;
  const startWorkflowOperation = new WithStartWorkflowOperation(leadJourney, {
    workflowId: target.journeyId,
    taskQueue: deps.taskQueue,
    args: [
      {
        leadId: target.leadId,
        tenant: target.tenant,
        email: submission.email === undefined ? undefined : normalizeEmail(submission.email),
        externalId: submission.externalId,
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: { leadId: target.leadId },
  });
  try {
    const receipt = await deps.temporal.withDeadline(Date.now() + budgetMs, () =>
      deps.temporal.workflow.executeUpdateWithStart(submitLead, {
        args: [submission],
        updateId: `submission-${submission.submissionId}`,
        startWorkflowOperation,
      }),
    );
    return { kind: 'stored', receipt };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError)
      return { kind: 'refused', error: updateFailureError(error, 'conflict') };
    // Deadline, cancellation, an unreachable server, or anything else: the submission is in the
    // outbox either way, so the honest answer is "not settled yet", never "lost".
    return { kind: 'unsettled', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
