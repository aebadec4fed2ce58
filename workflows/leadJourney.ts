/**
 * One lead's journey, from first touch onwards. Temporal is the engine of record for its time and
 * progress; the database holds its data, written only through activities.
 *
 * Intake is idempotent by construction: the workflow id is derived from the lead's identity, and
 * every submission arrives as a `submitLead` update through update-with-start, so a repeat or
 * concurrent submission lands in this one execution instead of starting a second journey.
 */
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { normalizeEmail, type LeadSubmission } from '../src/domain/lead';
import { journeyState, submitLead, type JourneyState, type SubmissionReceipt } from './messages';

/** Start input, also carried across continue-as-new. */
export interface LeadJourneyInput {
  leadId: string;
  tenant: string;
  email: string;
  state?: JourneyState;
}

const { recordSubmission } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a lead must never be lost because the database was down for a while.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function leadJourney(input: LeadJourneyInput): Promise<void> {
  const state: JourneyState = input.state ?? {
    leadId: input.leadId,
    tenant: input.tenant,
    stage: 'new',
    submissions: 0,
    firstSubmittedAt: null,
    lastSubmittedAt: null,
    pendingWrites: 0,
  };
  const journeyId = workflowInfo().workflowId;
  const serially = createSerialQueue();

  setHandler(journeyState, () => state);

  setHandler(
    submitLead,
    async (submission): Promise<SubmissionReceipt> => {
      state.pendingWrites++;
      try {
        const outcome = await serially(() => recordSubmission({ leadId: state.leadId, journeyId, submission }));
        if (!outcome.duplicate) {
          state.submissions++;
          state.firstSubmittedAt ??= submission.receivedAt;
          state.lastSubmittedAt = submission.receivedAt;
        }
        return { leadId: state.leadId, journeyId, created: outcome.created, submissions: state.submissions };
      } finally {
        state.pendingWrites--;
      }
    },
    { validator: (submission: LeadSubmission) => assertBelongsToJourney(input, submission) },
  );

  // Later stages (scoring, routing, SLAs) hang off this loop; until then the journey stays open
  // and keeps its history short by continuing as new when Temporal suggests it.
  await condition(() => workflowInfo().continueAsNewSuggested && allHandlersFinished());
  await continueAsNew<typeof leadJourney>({ ...input, state });
}

function assertBelongsToJourney(input: LeadJourneyInput, submission: LeadSubmission): void {
  if (submission.tenant !== input.tenant || normalizeEmail(submission.email) !== input.email) {
    throw new Error(`submission for ${submission.tenant}/${submission.email} does not belong to journey of lead ${input.leadId}`);
  }
}

/** Runs async work one item at a time, in arrival order (deterministic under replay). */
function createSerialQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };
}
