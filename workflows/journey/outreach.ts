/**
 * Outreach from the journey: internal notifications to sales people, and enrolment of the lead in
 * a follow-up cadence (a child workflow per enrolment). Deterministic code only.
 */
import { ParentClosePolicy, getExternalWorkflowHandle, startChild, workflowInfo } from '@temporalio/workflow';
import type { Handover, NotificationReason } from '../../src/domain/notifications';
import type { EnrolmentOutcome } from '../../src/rules/evaluate';
import { cadenceEnrolment } from '../cadenceEnrolment';
import { changeCadenceOwner, stopCadence } from '../messages';
import type { Journey } from './context';
import { decide } from './decide';
import { mail, store } from './effects';
import { factsOf } from './facts';

export const DEFAULT_LEAD_TIME_ZONE = 'America/New_York';

export async function notify(
  journey: Journey,
  who: 'owner' | 'owner-manager' | 'marketing',
  reason: NotificationReason,
  handover?: Handover,
): Promise<void> {
  const message = await store.composeNotification({
    leadId: journey.state.leadId,
    who,
    reason,
    ...(handover ? { handover } : {}),
  });
  if (!message) return;
  await mail.sendEmail({
    idempotencyKey: journey.key(`notify-${reason}`),
    leadId: journey.state.leadId,
    to: message.to,
    subject: message.subject,
    text: message.text,
  });
}

export async function enrolInCadence(journey: Journey): Promise<void> {
  const profile = journey.memory.profile;
  const timeZone = (profile?.attributes.timeZone as string | undefined) ?? DEFAULT_LEAD_TIME_ZONE;
  const decision = await decide<EnrolmentOutcome>(journey, {
    kind: 'enrolment',
    facts: factsOf(journey),
    lead: { country: profile?.country ?? null, timeZone },
  });
  if (decision.outcome.kind !== 'enrol') return;
  // Decisions recorded before send windows skipped holidays have none: replay keeps them so.
  const { holidays = [] } = decision.outcome;
  const enrolmentId = `${workflowInfo().workflowId}/cadence-${journey.seq() + 1}`;
  journey.key('cadence');
  await startChild(cadenceEnrolment, {
    workflowId: enrolmentId,
    args: [
      {
        journeyId: workflowInfo().workflowId,
        leadId: journey.state.leadId,
        enrolmentId,
        cadence: decision.outcome.cadence,
        timeZone,
        holidays,
        ownerEmail: journey.state.owner,
        pinnedVersion: journey.state.pinnedRulesVersion,
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  journey.state.cadence = {
    name: decision.outcome.cadence.name,
    workflowId: enrolmentId,
    status: 'active',
    nextStep: null,
    nextStepAt: null,
  };
}

/**
 * The lead has a new owner (`state.owner`, already stored): they get the lead-assigned email (once:
 * the outbox key), and the running cadence gives them its call and LinkedIn tasks from now on.
 */
export async function tellNewOwner(journey: Journey, handover: Handover): Promise<void> {
  await notify(journey, 'owner', 'assigned', handover);
  await handCadenceOver(journey);
}

async function handCadenceOver(journey: Journey): Promise<void> {
  const cadence = journey.state.cadence;
  if (!cadence || cadence.status === 'stopped' || cadence.status === 'completed') return;
  await getExternalWorkflowHandle(cadence.workflowId)
    .signal(changeCadenceOwner, { ownerEmail: journey.state.owner })
    .catch(() => undefined);
}

/** Stops the active cadence (a reply, a booked meeting, a stage change …). */
export async function stopActiveCadence(journey: Journey, reason: string): Promise<void> {
  const cadence = journey.state.cadence;
  if (!cadence || cadence.status === 'stopped' || cadence.status === 'completed') return;
  await getExternalWorkflowHandle(cadence.workflowId)
    .signal(stopCadence, { reason })
    .catch(() => undefined);
  cadence.status = 'stopped';
}
